import fs from 'node:fs'
import path from 'node:path'
import type { Database } from '../../core/db/database.js'
import type { EventBus } from '../../core/event-bus.js'
import type { Logger } from '../../core/logger.js'
import type { Reading } from '../events.js'
import type { GatewayMetrics } from '../metrics.js'
import { createDrainer } from './drainer.js'
import type { DrainItem } from './drainer.js'
import { parseEventPayload, parseTelemetryPayload } from './parse-payload.js'
import type { PayloadLimits, Rejection } from './parse-payload.js'
import { decodeRecord, encodeFrame, RecordKind } from './spool-record.js'
import type { SpoolRecord } from './spool-record.js'
import { createLoopMonitor } from './loop-monitor.js'
import { openSpool, SPOOL_FRAME_HEADER_BYTES } from './spool.js'
import type { Spool, SpooledRecord } from './spool.js'

export type IngestKind = 'telemetry' | 'events'

/** Messages the database refused on their own, kept as JSON lines beside the spool for an operator. */
export const UNSTORABLE_FILE = 'unstorable.jsonl'

const jsonBytes = (_key: string, value: unknown): unknown => {
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') }
  const buffer = value as { type?: unknown, data?: unknown }
  // Buffer#toJSON runs before the replacer sees the value.
  if (buffer !== null && typeof buffer === 'object' && buffer.type === 'Buffer' && Array.isArray(buffer.data)) {
    return { base64: Buffer.from(buffer.data as number[]).toString('base64') }
  }
  return value
}

export interface IngestOptions {
  db: Database
  bus: EventBus
  logger: Logger
  metrics: GatewayMetrics
  spool: { dir: string, maxBytes: number, fsync: boolean, segmentBytes?: number }
  batchPoints: number
  /** Under full load, the most a reading may wait in the spool before the drainer insists (ms). */
  maxLagMs: number
  limits: PayloadLimits
  deadLetterMaxBytes: number
  /** Epoch milliseconds; injected by tests. */
  now?: () => number
}

export type ReadingsListener = (deviceId: string, readings: readonly Reading[]) => void

export type AcceptResult = { accepted: true, readings: number } | { accepted: false, code: string, reason: string }
export type AcceptCallback = (error: Error | null, result: AcceptResult | null) => void

/**
 * Durable ingest: validate → append to the spool (group commit) → acknowledge → drain into the
 * database. `accept` resolves only when the message is durable; the MQTT hook releases the device's
 * PUBACK then. Invalid payloads are durable too — as dead letters with their reason.
 */
export async function createIngestService (options: IngestOptions) {
  const now = options.now ?? Date.now
  const { metrics, logger } = options
  const { spool, recovery } = await openSpool(options.spool)
  const loop = createLoopMonitor()
  const drainer = createDrainer({
    pacing: { isBusy: loop.isBusy, maxLagMs: options.maxLagMs, deferBelowBytes: options.spool.maxBytes / 4, now: Date.now },
    db: options.db,
    spool,
    batchPoints: options.batchPoints,
    logger,
    hooks: {
      onWritten: (stats) => {
        metrics.dbWriteLatency.observe(stats.seconds)
        metrics.dbRowsWritten.inc({ table: 'telemetry' }, stats.readings)
        metrics.dbRowsWritten.inc({ table: 'device_events' }, stats.events)
        metrics.dbRowsWritten.inc({ table: 'dead_letters' }, stats.deadLetters)
      },
      onFailed: () => metrics.dbWriteFailures.inc(),
      onUnstorable: async (item, error) => {
        metrics.unstorable.inc()
        await fs.promises.appendFile(path.join(options.spool.dir, UNSTORABLE_FILE), JSON.stringify({ item, error: error.message, at: new Date(now()).toISOString() }, jsonBytes) + '\n')
      }
    }
  })
  metrics.sources.spoolBacklogBytes = () => spool.backlogBytes
  metrics.sources.spoolPending = () => drainer.pending
  metrics.sources.spoolWaiting = () => spool.waitingAppends

  const listeners = new Set<ReadingsListener>()
  // Per device, the next free microsecond of server time: readings without a timestamp never collide.
  const nextFree = new Map<string, number>()

  const receivedAtFor = (deviceId: string): number => {
    const clock = now() * 1000
    const free = nextFree.get(deviceId) ?? 0
    return clock > free ? clock : free
  }

  const truncate = (payload: Uint8Array): Uint8Array =>
    payload.length > options.deadLetterMaxBytes ? payload.subarray(0, options.deadLetterMaxBytes) : payload

  /** Turn a spooled record into what the drainer writes (used live and when replaying the spool). */
  const toDrainItem = (record: SpoolRecord, spooled: SpooledRecord): DrainItem => {
    const base = { end: spooled.end, bytes: spooled.bytes, deviceId: record.deviceId }
    if (record.kind === RecordKind.DeadLetter) {
      const dead = record.deadLetter as NonNullable<SpoolRecord['deadLetter']>
      return { ...base, kind: 'dead_letter', receivedAt: record.receivedAt, topic: record.topic, code: dead.code, reason: dead.reason, payload: record.payload, originalSize: dead.originalSize }
    }
    // Accepted once but refused now (limits changed between runs): keep it, as a dead letter.
    const refusedOnReplay = (rejection: Rejection): DrainItem => ({
      ...base, kind: 'dead_letter', receivedAt: record.receivedAt, topic: record.topic, code: rejection.code,
      reason: `on replay: ${rejection.reason}`, payload: truncate(record.payload), originalSize: record.payload.length
    })
    if (record.kind === RecordKind.Telemetry) {
      const parsed = parseTelemetryPayload(record.payload, record.receivedAt, options.limits)
      return parsed.ok ? { ...base, kind: 'telemetry', readings: parsed.value.readings } : refusedOnReplay(parsed)
    }
    const parsed = parseEventPayload(record.payload, record.receivedAt, options.limits)
    return parsed.ok ? { ...base, kind: 'events', events: parsed.value } : refusedOnReplay(parsed)
  }

  for (const spooled of recovery.records) drainer.enqueue(toDrainItem(decodeRecord(spooled.body), spooled))
  if (recovery.records.length > 0 || recovery.truncatedBytes > 0 || recovery.corruptBytes > 0) {
    logger.info({ records: recovery.records.length, segments: recovery.segments, truncatedBytes: recovery.truncatedBytes, corruptBytes: recovery.corruptBytes },
      'ingest: replaying spooled messages not yet in the database')
  }
  if (recovery.corruptBytes > 0) logger.error({ corruptBytes: recovery.corruptBytes }, 'ingest: spool had damaged frames; they were skipped')
  drainer.start()

  const acceptedTelemetry = metrics.accepted.labels('telemetry')
  const acceptedEvents = metrics.accepted.labels('events')

  /** Spool `record`; then hand the drainer what it must write and call `done`. */
  const spoolRecord = (record: SpoolRecord, item: (spooled: SpooledRecord) => DrainItem, after: () => AcceptResult, done: AcceptCallback): void => {
    spool.appendFrame(encodeFrame(record, SPOOL_FRAME_HEADER_BYTES), (error, spooled) => {
      if (error !== null || spooled === null) {
        done(error ?? new Error('spool append failed'), null)
        return
      }
      drainer.enqueue(item(spooled))
      metrics.spooled.inc()
      done(null, after())
    })
  }

  const deadLetter = (deviceId: string, topic: string, payload: Uint8Array, receivedAt: number, rejection: Rejection, done: AcceptCallback): void => {
    const record: SpoolRecord = {
      kind: RecordKind.DeadLetter, deviceId, receivedAt, topic, payload: truncate(payload),
      deadLetter: { code: rejection.code, reason: rejection.reason, originalSize: payload.length }
    }
    spoolRecord(record, (spooled) => toDrainItem(record, spooled), () => {
      metrics.rejected.inc({ reason: rejection.code })
      options.bus.publish('payload.rejected', { deviceId, topic, code: rejection.code, reason: rejection.reason })
      return { accepted: false, code: rejection.code, reason: rejection.reason }
    }, done)
  }

  const notifyListeners = (deviceId: string, readings: readonly Reading[]): void => {
    for (const listener of listeners) {
      try {
        listener(deviceId, readings)
      } catch (error) {
        logger.error({ err: error, deviceId }, 'readings listener failed')
      }
    }
  }

  /**
   * Validate and durably spool one device message; `done` is called once it may be acknowledged. The
   * MQTT hook's path: callbacks, not promises, because it runs for every message.
   */
  const acceptMessage = (deviceId: string, topic: string, kind: IngestKind, payload: Uint8Array, done: AcceptCallback): void => {
    loop.noteMessage()
    const receivedAt = receivedAtFor(deviceId)
    if (kind === 'telemetry') {
      const parsed = parseTelemetryPayload(payload, receivedAt, options.limits)
      if (!parsed.ok) {
        nextFree.set(deviceId, receivedAt + 1)
        deadLetter(deviceId, topic, payload, receivedAt, parsed, done)
        return
      }
      nextFree.set(deviceId, receivedAt + Math.max(1, parsed.value.serverTimed))
      const readings = parsed.value.readings
      spoolRecord({ kind: RecordKind.Telemetry, deviceId, receivedAt, topic, payload },
        (spooled) => ({ kind: 'telemetry', end: spooled.end, bytes: spooled.bytes, deviceId, readings }),
        () => {
          acceptedTelemetry.inc()
          metrics.readings.inc(readings.length)
          notifyListeners(deviceId, readings)
          return { accepted: true, readings: readings.length }
        }, done)
      return
    }
    const parsed = parseEventPayload(payload, receivedAt, options.limits)
    if (!parsed.ok) {
      nextFree.set(deviceId, receivedAt + 1)
      deadLetter(deviceId, topic, payload, receivedAt, parsed, done)
      return
    }
    nextFree.set(deviceId, receivedAt + parsed.value.length)
    const events = parsed.value
    spoolRecord({ kind: RecordKind.Event, deviceId, receivedAt, topic, payload },
      (spooled) => ({ kind: 'events', end: spooled.end, bytes: spooled.bytes, deviceId, events }),
      () => {
        acceptedEvents.inc()
        for (const event of events) options.bus.publish('device.event_received', { deviceId, ...event })
        return { accepted: true, readings: 0 }
      }, done)
  }

  const service = {
    recovery,
    acceptMessage,

    /** `acceptMessage` as a promise: resolves once the message may be acknowledged. */
    async accept (deviceId: string, topic: string, kind: IngestKind, payload: Uint8Array): Promise<AcceptResult> {
      return await new Promise<AcceptResult>((resolve, reject) => {
        acceptMessage(deviceId, topic, kind, payload, (error, result) => error === null ? resolve(result as AcceptResult) : reject(error))
      })
    },

    /** Called synchronously with every accepted message's readings (detection hooks in here). */
    addReadingsListener (listener: ReadingsListener): () => void {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },

    /** Resolves when everything accepted so far is in the database. */
    async drained (): Promise<void> {
      await drainer.drained()
    },

    get spool (): Spool { return spool },
    get pendingMessages (): number { return drainer.pending },

    async close (): Promise<void> {
      loop.stop()
      await drainer.stop()
      await spool.close()
    }
  }
  return service
}

export type IngestService = Awaited<ReturnType<typeof createIngestService>>
