import type { Database } from '../../core/db/database.js'
import { isConnectionError } from '../../core/db/database.js'
import type { Logger } from '../../core/logger.js'
import type { DeviceEvent, Reading } from '../events.js'
import { createIngestRepository } from './ingest.repository.js'
import type { DeadLetterColumns, EventColumns, ReadingColumns } from './ingest.repository.js'
import type { Spool, SpooledRecord, SpoolPosition } from '../../core/spool.js'

/** One spooled message, parsed, waiting to be written to the database. */
export type DrainItem =
  | { kind: 'telemetry', end: SpoolPosition, bytes: number, deviceId: string, readings: readonly Reading[] }
  | { kind: 'events', end: SpoolPosition, bytes: number, deviceId: string, events: ReadonlyArray<Omit<DeviceEvent, 'deviceId'>> }
  | {
    kind: 'dead_letter', end: SpoolPosition, bytes: number, deviceId: string, receivedAt: number
    topic: string, code: string, reason: string, payload: Uint8Array, originalSize: number
  }

export interface DrainerHooks {
  /** Turns a spooled record into what is written; required when following the spool. */
  decode?: (spooled: SpooledRecord) => DrainItem
  /** Called after each committed batch. */
  onWritten?: (stats: { readings: number, duplicateReadings: number, events: number, deadLetters: number, seconds: number }) => void
  /** Called with the items now in the database, in spool order (not with set-aside ones). */
  onStored?: (items: readonly DrainItem[]) => void
  onFailed?: (error: Error, attempt: number) => void
  /**
   * A message the database refuses on its own (not a connection problem), after retries: it must be
   * kept somewhere else so it neither blocks the drain forever nor is lost.
   */
  onUnstorable: (item: DrainItem, error: Error) => Promise<void>
}

const MIN_BACKOFF_MS = 100
const MAX_BACKOFF_MS = 5000

/**
 * Copies spooled messages into the database in batches of up to `batchPoints` readings, in spool
 * order, one transaction per batch; then releases them from the spool. A failed batch (database down,
 * connection cut) is retried with backoff, unchanged, until it commits — the spool keeps everything
 * meanwhile, and its bound turns a long outage into backpressure on the devices.
 */
/**
 * Write-behind pacing: while the broker is under pressure (see loop-monitor.ts), the drainer leaves the
 * CPU to acknowledging devices — unless the oldest waiting message is `maxLagMs` old or the spool holds
 * `deferBelowBytes` or more, in which case it drains at full speed. Bursts are absorbed by the spool and
 * stored right after; sustained overload still drains at full speed and ends in backpressure.
 */
export interface DrainPacing {
  isBusy: () => boolean
  maxLagMs: number
  deferBelowBytes: number
  now: () => number
}

const DEFER_STEP_MS = 25

/** How much of the spool one read takes when the drainer follows it. */
const FOLLOW_READ_BYTES = 1 << 20

export function createDrainer (deps: {
  db: Database
  spool: Spool
  batchPoints: number
  logger: Logger
  hooks: DrainerHooks
  pacing?: DrainPacing
  /** Drain everything appended to `spool` from now on, read back from its files (needs `hooks.decode`). */
  followSpool?: boolean
}) {
  const repo = createIngestRepository(deps.db)
  const follow = deps.followSpool === true
  if (follow && deps.hooks.decode === undefined) throw new TypeError('drainer: following the spool needs a decode hook')
  // Parsed items waiting (recovered at start, or enqueued), and the time each was enqueued.
  let queue: DrainItem[] = []
  let enqueuedAt: number[] = []
  let head = 0
  // Following the spool: where the next read starts, how many frames have been read, and when each
  // group commit made frames durable (its running frame count), for the pacing's oldest-waiting time.
  let cursor: SpoolPosition = deps.spool.liveStart
  let framesRead = 0
  const commits: Array<{ frames: number, at: number }> = []
  let wake: (() => void) | null = null
  let running = false
  let loop: Promise<void> | null = null
  let idleWaiters: Array<() => void> = []
  let inFlight = false
  let lastError: unknown = null

  const unreadFrames = (): number => follow ? deps.spool.durableFrames - framesRead : 0
  const pendingCount = (): number => queue.length - head + unreadFrames()

  const stopFollowing = follow
    ? deps.spool.onDurable((durableFrames) => {
      commits.push({ frames: durableFrames, at: deps.pacing?.now() ?? 0 })
      if (wake !== null) wake()
    })
    : () => {}

  /** When the oldest message still waiting was accepted. */
  const oldestWaitingAt = (): number => {
    if (head < queue.length) return enqueuedAt[head] as number
    while (commits.length > 0 && (commits[0] as { frames: number }).frames <= framesRead) commits.shift()
    return commits[0]?.at ?? Infinity
  }

  /** Following the spool and nothing parsed is waiting: read the next frames back and decode them. */
  const readSpool = async (): Promise<void> => {
    if (head < queue.length || unreadFrames() === 0) return
    const decode = deps.hooks.decode as NonNullable<DrainerHooks['decode']>
    const { records, next, damagedBytes } = await deps.spool.readFrames(cursor, FOLLOW_READ_BYTES)
    if (damagedBytes > 0) deps.logger.error({ damagedBytes, at: cursor }, 'ingest: spooled frames failed their checksum when read back; they were skipped')
    cursor = next
    const at = oldestWaitingAt()
    for (const record of records) {
      queue.push(decode(record))
      enqueuedAt.push(at)
    }
    framesRead += records.length
  }

  const takeBatch = (): DrainItem[] => {
    const batch: DrainItem[] = []
    let points = 0
    while (head < queue.length && (points < deps.batchPoints || batch.length === 0)) {
      const item = queue[head] as DrainItem
      const size = item.kind === 'telemetry' ? item.readings.length : 1
      if (batch.length > 0 && points + size > deps.batchPoints) break
      batch.push(item)
      points += size
      head++
    }
    if (head > 4096 && head * 2 > queue.length) {
      queue = queue.slice(head)
      enqueuedAt = enqueuedAt.slice(head)
      head = 0
    }
    return batch
  }

  const write = async (batch: readonly DrainItem[]): Promise<{ readings: number, duplicateReadings: number, events: number, deadLetters: number }> => {
    const readings: ReadingColumns = { deviceIds: [], metrics: [], ts: [], values: [] }
    const events: EventColumns = { deviceIds: [], ts: [], codes: [], severities: [], messages: [], data: [] }
    const dead: DeadLetterColumns = { deviceIds: [], receivedAt: [], topics: [], codes: [], reasons: [], payloads: [], sizes: [] }
    for (const item of batch) {
      if (item.kind === 'telemetry') {
        for (const reading of item.readings) {
          readings.deviceIds.push(item.deviceId)
          readings.metrics.push(reading.metric)
          readings.ts.push(reading.ts)
          readings.values.push(reading.value)
        }
      } else if (item.kind === 'events') {
        for (const event of item.events) {
          events.deviceIds.push(item.deviceId)
          events.ts.push(event.ts)
          events.codes.push(event.code)
          events.severities.push(event.severity)
          events.messages.push(event.message)
          events.data.push(event.data === null ? null : JSON.stringify(event.data))
        }
      } else {
        dead.deviceIds.push(item.deviceId)
        dead.receivedAt.push(item.receivedAt)
        dead.topics.push(item.topic)
        dead.codes.push(item.code)
        dead.reasons.push(item.reason)
        dead.payloads.push(item.payload)
        dead.sizes.push(item.originalSize)
      }
    }
    const statements = Number(readings.ts.length > 0) + Number(events.ts.length > 0) + Number(dead.receivedAt.length > 0)
    let inserted = 0
    if (statements <= 1) {
      inserted = await repo.insertReadings(readings)
      await repo.insertEvents(events)
      await repo.insertDeadLetters(dead)
    } else {
      await deps.db.transaction(async (tx) => {
        const inTx = createIngestRepository(tx)
        inserted = await inTx.insertReadings(readings)
        await inTx.insertEvents(events)
        await inTx.insertDeadLetters(dead)
      })
    }
    // A reading already stored (same device, metric and time: a resend) is not stored again.
    return { readings: readings.ts.length, duplicateReadings: readings.ts.length - inserted, events: events.ts.length, deadLetters: dead.receivedAt.length }
  }

  const release = (batch: readonly DrainItem[]): void => {
    const last = batch[batch.length - 1] as DrainItem
    deps.spool.release(last.end, batch.reduce((sum, item) => sum + item.bytes, 0))
  }

  /**
   * The database refused a batch for a reason other than the connection: write its messages one by
   * one, so one message it will never accept cannot hold back the others; that one goes to
   * `onUnstorable` after a few tries. Connection errors propagate (the whole batch is retried).
   */
  const writeOneByOne = async (batch: readonly DrainItem[]): Promise<void> => {
    for (const item of batch) {
      for (let attempt = 1; ; attempt++) {
        try {
          await write([item])
          stored([item])
          break
        } catch (error) {
          if (isConnectionError(error)) throw error
          if (attempt >= 3) {
            deps.logger.error({ err: error, deviceId: item.deviceId, kind: item.kind }, 'ingest: the database refuses this message; it is set aside')
            await deps.hooks.onUnstorable(item, error as Error)
            break
          }
        }
      }
      release([item])
    }
  }

  const stored = (items: readonly DrainItem[]): void => {
    if (deps.hooks.onStored === undefined || items.length === 0) return
    try {
      deps.hooks.onStored(items)
    } catch (error) {
      deps.logger.error({ err: error }, 'ingest: a stored-readings hook failed')
    }
  }

  const run = async (): Promise<void> => {
    let attempt = 0
    let batch: DrainItem[] = []
    while (running || batch.length > 0) {
      if (batch.length === 0) {
        if (pendingCount() === 0) {
          for (const resolve of idleWaiters.splice(0)) resolve()
          if (!running) break
          await new Promise<void>((resolve) => { wake = resolve })
          wake = null
          continue
        }
        const pacing = deps.pacing
        if (pacing !== undefined && running && pacing.isBusy() && deps.spool.backlogBytes < pacing.deferBelowBytes &&
            pacing.now() - oldestWaitingAt() < pacing.maxLagMs) {
          await new Promise((resolve) => setTimeout(resolve, DEFER_STEP_MS))
          continue
        }
        try {
          await readSpool()
        } catch (error) {
          deps.logger.error({ err: error }, 'ingest: reading the spool back failed; retrying')
          if (!running) break
          await new Promise((resolve) => setTimeout(resolve, MIN_BACKOFF_MS))
          continue
        }
        batch = takeBatch()
        if (batch.length === 0) continue
      }
      inFlight = true
      const started = process.hrtime.bigint()
      try {
        if (attempt > 0 && !isConnectionError(lastError)) {
          await writeOneByOne(batch)
        } else {
          const written = await write(batch)
          release(batch)
          deps.hooks.onWritten?.({ ...written, seconds: Number(process.hrtime.bigint() - started) / 1e9 })
          stored(batch)
        }
        batch = []
        attempt = 0
        lastError = null
      } catch (error) {
        attempt++
        lastError = error
        deps.hooks.onFailed?.(error as Error, attempt)
        if (attempt === 1 || attempt % 20 === 0) {
          deps.logger.warn({ err: error, attempt, pending: pendingCount() + batch.length }, 'ingest: database write failed; retrying, readings stay in the spool')
        }
        if (!running) break
        await new Promise((resolve) => setTimeout(resolve, Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** Math.min(attempt - 1, 6))))
      } finally {
        inFlight = false
      }
    }
  }

  return {
    /** A parsed item (a recovered record, or one a test builds). */
    enqueue (item: DrainItem): void {
      queue.push(item)
      enqueuedAt.push(deps.pacing?.now() ?? 0)
      if (wake !== null) wake()
    },

    start (): void {
      if (running) return
      running = true
      loop = run()
    },

    /** Stop after the batch in flight; what is not written stays in the spool for the next start. */
    async stop (): Promise<void> {
      running = false
      stopFollowing()
      if (wake !== null) wake()
      for (const resolve of idleWaiters.splice(0)) resolve()
      await loop
    },

    /** Resolves when every enqueued item is in the database. */
    async drained (): Promise<void> {
      if (pendingCount() === 0 && !inFlight) return
      await new Promise<void>((resolve) => idleWaiters.push(resolve))
    },

    get pending (): number { return pendingCount() }
  }
}

export type Drainer = ReturnType<typeof createDrainer>
