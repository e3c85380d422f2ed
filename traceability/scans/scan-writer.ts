import type { CatalogSnapshot } from '../catalog/catalog-snapshot.js'
import type { RewardRule } from '../rewards/reward-split.js'
import { CacheMissed, isPlainPlan, parsedCodeOf, planScanBatch, startPlainWrite, writePlannedBatches } from './scan-batch.js'
import type { BatchPlan, BatchResult, ScanBatchDeps } from './scan-batch.js'
import type { ItemCache } from './item-cache.js'
import type { ScanOutcome } from './scan-outcome.js'
import type { ScanRequest } from './scan-types.js'

/**
 * The scan queue of the embedded engine: requests are checked as soon as they arrive, while earlier
 * ones are still being written, and written in the order they were checked.
 *
 * - *Checked early, in arrival order.* A request whose item is in the item cache (a consumer's
 *   verification of a known item, or of a code that does not parse) needs nothing from the database:
 *   it is checked at once against the state the requests before it left, written or not (the cache
 *   holds that state from the moment a plan is made). Any other request reads the database, so it
 *   waits until everything before it is written, and so do the ones after it.
 * - *Written in order, one write at a time.* When a write ends, every plain plan made meanwhile (scans,
 *   states and rewards only) goes in the next one statement; a plan with alerts or EPCIS events goes
 *   alone, in a transaction. Each request is answered when its write has committed and is on disk;
 *   the next write goes as soon as the previous one has committed, while that commit is flushed.
 * - *A failed write* leaves the plans made after it resting on state that was never recorded: the
 *   cache forgets every item they touched, and all their requests are checked again one at a time,
 *   from the database, so a single bad request fails alone.
 */
export interface ScanWriterDeps {
  batch: ScanBatchDeps
  cache: ItemCache
  maxBatch: number
  context: () => Promise<{ catalog: CatalogSnapshot, rewardRules: readonly RewardRule[] }>
  /** After each commit, before its callers are answered: metrics and bus events. Must not throw. */
  onCommitted: (requests: readonly ScanRequest[], result: BatchResult, seconds: number) => Promise<void>
}

interface Waiting {
  request: ScanRequest
  resolve: (outcome: ScanOutcome | Error) => void
  reject: (error: unknown) => void
}

interface Planned {
  waiting: Waiting[]
  plan: BatchPlan
}

export interface ScanWriter {
  submit (request: ScanRequest): Promise<ScanOutcome | Error>
  idle (): Promise<void>
}

const GATHER_MS = 1

export function createScanWriter (deps: ScanWriterDeps): ScanWriter {
  let queue: Waiting[] = []
  const planned: Planned[] = []
  let planning = false
  let writing = false
  let scheduled = false
  let idleWaiters: Array<() => void> = []
  /** Writes committed whose commit is still being flushed to disk (their callers not yet answered). */
  let flushing = 0

  /** Whether a request can be checked from the cache alone, before earlier plans are written. */
  const needsNothingStored = (request: ScanRequest): boolean => {
    if (request.source !== 'verify') return false
    const parsed = parsedCodeOf(request)
    if (!parsed.ok) return true
    return parsed.code.kind === 'item' && deps.cache.get(parsed.code.serial) !== undefined
  }

  const isIdle = (): boolean => queue.length === 0 && planned.length === 0 && !planning && !writing && flushing === 0

  const wakeIdle = (): void => {
    if (!isIdle()) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const wake of waiters) wake()
  }

  const schedule = (): void => {
    if (scheduled) return
    scheduled = true
    // After this turn's I/O, so every request read from the sockets in this turn shares a plan.
    setImmediate(() => {
      scheduled = false
      void plan().then(write).finally(wakeIdle)
    })
  }

  /** Check what is queued: from the cache while writes are pending, from the database once all are written. */
  async function plan (): Promise<void> {
    if (planning || queue.length === 0) return
    const everythingWritten = planned.length === 0 && !writing
    let take = 0
    if (everythingWritten) take = Math.min(queue.length, deps.maxBatch)
    else while (take < queue.length && take < deps.maxBatch && needsNothingStored((queue[take] as Waiting).request)) take++
    if (take === 0) return
    const waiting = queue.slice(0, take)
    queue = queue.slice(take)
    planning = true
    try {
      const { catalog, rewardRules } = await deps.context()
      const made = await planScanBatch(deps.batch, waiting.map((w) => w.request), catalog, rewardRules, { cachedOnly: !everythingWritten })
      deps.cache.remember(made.items)
      planned.push({ waiting, plan: made })
    } catch (error) {
      // Nothing of it was kept: check each request alone, once everything before it is written (an item
      // the cache dropped meanwhile, e.g. because a case was packed, is then read again).
      await whenWritten()
      await retryOneByOne(waiting, error instanceof CacheMissed ? null : error)
    } finally {
      planning = false
    }
    if (queue.length > 0) schedule()
  }

  /**
   * Under steady load, the requests a write answers come back together, a few at a time: writing the
   * first few alone would split every round in two writes (each with the statement's fixed cost).
   * So a write waits, at most GATHER_MS, until nearly as many requests are checked as the last write
   * had; a lone request (the last write had one) is written at once.
   */
  let lastWriteSize = 0
  /** Settles once the callers of the latest write are answered: each write answers after the one before. */
  let answeredInOrder: Promise<void> = Promise.resolve()
  let gatherTimer: NodeJS.Timeout | null = null
  let gathered = false
  const plannedRequests = (): number => planned.reduce((n, p) => n + p.waiting.length, 0)

  async function write (): Promise<void> {
    if (writing || planned.length === 0) return
    if (!gathered && plannedRequests() < lastWriteSize - Math.ceil(lastWriteSize / 8)) {
      gatherTimer ??= setTimeout(() => { gatherTimer = null; gathered = true; void write() }, GATHER_MS)
      return
    }
    if (gatherTimer !== null) { clearTimeout(gatherTimer); gatherTimer = null }
    gathered = false
    const first = planned[0] as Planned
    let count = 1
    if (isPlainPlan(first.plan)) {
      let requests = first.waiting.length
      while (count < planned.length && isPlainPlan((planned[count] as Planned).plan) && requests + (planned[count] as Planned).waiting.length <= deps.maxBatch * 4) {
        requests += (planned[count] as Planned).waiting.length
        count++
      }
    }
    const group = planned.splice(0, count)
    const requests = group.flatMap((g) => g.waiting.map((w) => w.request))
    const waiting = group.flatMap((g) => g.waiting)
    lastWriteSize = waiting.length
    writing = true
    const previousAnswered = answeredInOrder
    let answered = (): void => {}
    answeredInOrder = new Promise<void>((resolve) => { answered = resolve })
    try {
      await writeGroup(group, requests, waiting, previousAnswered)
    } finally {
      answered()
    }
    if (planned.length > 0) void write()
    if (queue.length > 0) schedule()
    wakeIdle()
  }

  async function writeGroup (group: Planned[], requests: ScanRequest[], waiting: Waiting[], previousAnswered: Promise<void>): Promise<void> {
    const started = performance.now()
    let result: BatchResult | null = null
    const plans = group.map((g) => g.plan)
    const staged = plans.every(isPlainPlan) ? startPlainWrite(deps.batch, plans) : null
    let failed = false
    try {
      if (staged === null) result = await writePlannedBatches(deps.batch, plans)
      else await staged.executed
    } catch (error) {
      failed = true
      // Every plan after this one rests on its state: forget all of it and check those requests again.
      const later = planned.splice(0, planned.length)
      for (const g of [...group, ...later]) deps.cache.forget(g.plan.items.map((item) => item.issued.serial))
      writing = true
      await retryOneByOne(waiting, error)
      await retryOneByOne(later.flatMap((g) => g.waiting), null)
    }
    writing = false
    if (staged !== null && !failed) {
      // Committed: the next write may go while this one is flushed; its callers wait for the flush.
      flushing++
      if (planned.length > 0) void write()
      if (queue.length > 0) schedule()
      try {
        result = await staged.durable
      } catch (error) {
        // The engine could not flush its log (it stops), or the verification journal could not be
        // written: nothing of this write can be promised, and its items are read again next time.
        for (const g of group) deps.cache.forget(g.plan.items.map((item) => item.issued.serial))
        for (const w of waiting) w.reject(error)
      } finally {
        flushing--
      }
    }
    if (result !== null) {
      // A later write may be on disk first (its flush was quicker): its callers still wait their turn.
      await previousAnswered
      await deps.onCommitted(requests, result, (performance.now() - started) / 1000)
      const outcomes = result.outcomes
      waiting.forEach((w, i) => w.resolve(outcomes[i] as ScanOutcome | Error))
    }
  }

  /** Each request checked from the database and written alone; a lone request that fails gets the error. */
  async function retryOneByOne (waiting: readonly Waiting[], error: unknown): Promise<void> {
    if (waiting.length === 1 && error !== null) {
      (waiting[0] as Waiting).reject(error)
      return
    }
    for (const w of waiting) {
      const started = performance.now()
      let result: BatchResult
      try {
        const { catalog, rewardRules } = await deps.context()
        const made = await planScanBatch(deps.batch, [w.request], catalog, rewardRules)
        result = await writePlannedBatches(deps.batch, [made])
        deps.cache.remember(made.items)
      } catch (failure) {
        w.reject(failure)
        continue
      }
      await deps.onCommitted([w.request], result, (performance.now() - started) / 1000)
      w.resolve(result.outcomes[0] as ScanOutcome | Error)
    }
  }

  async function whenWritten (): Promise<void> {
    while (writing || planned.length > 0) {
      if (!writing) {
        gathered = true
        await write()
      } else await new Promise<void>((resolve) => setImmediate(resolve))
    }
  }

  return {
    submit (request) {
      return new Promise<ScanOutcome | Error>((resolve, reject) => {
        queue.push({ request, resolve, reject })
        schedule()
      })
    },
    async idle () {
      if (isIdle()) return
      await new Promise<void>((resolve) => idleWaiters.push(resolve))
    }
  }
}
