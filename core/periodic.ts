/**
 * A task run on demand and every `intervalSeconds`, one run at a time: a call while a run is under
 * way joins it instead of starting another, and `stop` waits for the run in progress. A failed timed
 * run goes to `onError`; a failed `runNow` rejects to its caller. The timer does not keep the process
 * alive.
 */
export function createPeriodicTask<T> (run: () => Promise<T>, options: { intervalSeconds: number, onError: (error: unknown) => void }) {
  let timer: NodeJS.Timeout | null = null
  let running: Promise<T> | null = null
  const runNow = async (): Promise<T> => {
    running ??= run().finally(() => { running = null })
    return await running
  }
  return {
    runNow,
    start (): void {
      timer ??= setInterval(() => { runNow().catch(options.onError) }, options.intervalSeconds * 1000)
      timer.unref()
    },
    async stop (): Promise<void> {
      if (timer !== null) clearInterval(timer)
      timer = null
      await running
    }
  }
}

export type PeriodicTask<T> = ReturnType<typeof createPeriodicTask<T>>
