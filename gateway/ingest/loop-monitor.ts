import { performance } from 'node:perf_hooks'

const SAMPLE_MS = 100
const BUSY_UTILISATION = 0.75
/** Messages per sample (100 ms) from which ingest counts as a burst: 5,000 messages/s. */
const BURST_MESSAGES_PER_SAMPLE = 500

/**
 * Whether the broker is under pressure, sampled every 100 ms: its event loop was busy (event-loop
 * utilisation ≥ 0.75), or messages arrived at burst rate (≥ 5,000/s; while it waits on fsync the loop
 * looks idle, yet the CPU is taken). The drainer leaves the CPU to acknowledgements meanwhile.
 */
export function createLoopMonitor () {
  let last = performance.eventLoopUtilization()
  let utilisation = 0
  let messages = 0
  let lastMessages = 0
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization()
    utilisation = performance.eventLoopUtilization(now, last).utilization
    last = now
    lastMessages = messages
    messages = 0
  }, SAMPLE_MS)
  timer.unref()
  return {
    noteMessage: (): void => { messages++ },
    isBusy: (): boolean => utilisation >= BUSY_UTILISATION || lastMessages >= BURST_MESSAGES_PER_SAMPLE || messages >= BURST_MESSAGES_PER_SAMPLE,
    utilisation: (): number => utilisation,
    stop: (): void => clearInterval(timer)
  }
}
