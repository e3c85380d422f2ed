import { performance } from 'node:perf_hooks'

const SAMPLE_MS = 100
const BUSY_UTILISATION = 0.75

/**
 * How busy this thread's event loop was over the last sample (event-loop utilisation, 0..1). The
 * drainer uses it to leave the CPU to the broker while acknowledgements are the bottleneck.
 */
export function createLoopMonitor () {
  let last = performance.eventLoopUtilization()
  let utilisation = 0
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization()
    utilisation = performance.eventLoopUtilization(now, last).utilization
    last = now
  }, SAMPLE_MS)
  timer.unref()
  return {
    isBusy: (): boolean => utilisation >= BUSY_UTILISATION,
    utilisation: (): number => utilisation,
    stop: (): void => clearInterval(timer)
  }
}
