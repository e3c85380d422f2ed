/**
 * Group commit: callers submit one item each and wait; items that arrive while a batch is being written
 * are gathered into the next batch, which `write` handles in one go (typically one transaction). Each
 * caller is answered when its batch has committed. Under load, batches grow by themselves and the
 * per-transaction cost is shared; when idle, a lone item is written at once (no timer, no added delay).
 *
 * One batch runs at a time, in submission order, so a batch sees every earlier batch's writes.
 * If a batch fails and `isolateFailures` is set, its items are retried one by one so a single bad item
 * fails alone; otherwise every caller of the batch gets the error.
 */
export interface GroupCommitOptions<In, Out> {
  /** Write a batch; return one result per item, in order. */
  write (items: readonly In[]): Promise<Out[]>
  /** Most items per batch. */
  maxBatch: number
  isolateFailures?: boolean
  /** Told about each batch written (size, seconds), e.g. for metrics. */
  onBatch?: (size: number, seconds: number) => void
}

export interface GroupCommit<In, Out> {
  submit (item: In): Promise<Out>
  /** Items waiting or being written. */
  readonly pending: number
  /** Resolves when nothing is waiting or being written. */
  idle (): Promise<void>
}

interface Waiting<In, Out> {
  item: In
  resolve: (value: Out) => void
  reject: (error: unknown) => void
}

export function createGroupCommit<In, Out> (options: GroupCommitOptions<In, Out>): GroupCommit<In, Out> {
  if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) throw new RangeError('maxBatch must be a positive integer')
  let queue: Array<Waiting<In, Out>> = []
  let writing = 0
  let running = false
  let idleWaiters: Array<() => void> = []

  const settle = async (batch: Array<Waiting<In, Out>>): Promise<void> => {
    const started = performance.now()
    try {
      const results = await options.write(batch.map((w) => w.item))
      if (results.length !== batch.length) throw new Error(`group commit: write returned ${results.length} results for ${batch.length} items`)
      batch.forEach((w, i) => w.resolve(results[i] as Out))
    } catch (error) {
      if (options.isolateFailures !== true || batch.length === 1) {
        for (const w of batch) w.reject(error)
      } else {
        for (const w of batch) await settle([w])
        return
      }
    }
    options.onBatch?.(batch.length, (performance.now() - started) / 1000)
  }

  const drain = async (): Promise<void> => {
    running = true
    try {
      while (queue.length > 0) {
        const batch = queue.length <= options.maxBatch ? queue : queue.slice(0, options.maxBatch)
        queue = queue.length <= options.maxBatch ? [] : queue.slice(options.maxBatch)
        writing = batch.length
        await settle(batch)
        writing = 0
      }
    } finally {
      running = false
      const waiters = idleWaiters
      idleWaiters = []
      for (const wake of waiters) wake()
    }
  }

  return {
    submit (item) {
      return new Promise<Out>((resolve, reject) => {
        queue.push({ item, resolve, reject })
        // Start on the next microtask so callers in the same tick share the first batch too.
        if (!running) {
          running = true
          queueMicrotask(() => { void drain() })
        }
      })
    },
    get pending () { return queue.length + writing },
    async idle () {
      if (!running && queue.length === 0) return
      await new Promise<void>((resolve) => idleWaiters.push(resolve))
    }
  }
}
