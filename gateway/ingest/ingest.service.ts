import fs from 'node:fs'
import path from 'node:path'
import type { Database } from '../../core/db/database.js'
import type { EventBus } from '../../core/event-bus.js'
import type { Logger } from '../../core/logger.js'
import type { Reading } from '../events.js'
import { GW_SPOOL_CLOSED } from '../errors.js'
import type { GatewayMetrics } from '../metrics.js'
import { createDrainer } from './drainer.js'
import type { DrainItem } from './drainer.js'
import { checkPayloadSize, parseEventPayload, parseTelemetryPayload } from './parse-payload.js'
import type { PayloadLimits, Rejection } from './parse-payload.js'
import { decodeRecord, encodeFrame, RecordKind } from './spool-record.js'
import type { SpoolRecord } from './spool-record.js'
import { createLoopMonitor } from './loop-monitor.js'
import { openSpool, SPOOL_FRAME_HEADER_BYTES } from '../../core/spool.js'
import type { Spool, SpooledRecord } from '../../core/spool.js'

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
/** Called once a message is durable in the spool (error: it is not, and must not be acknowledged). */
export type SpooledCallback = (error: Error | null) => void

/** The most readings one telemetry array may carry (payload.schema.ts): the server time one message may use. */
const MAX_SERVER_TIMED_PER_MESSAGE = 1000
const OPEN_BRACKET = 0x5b

/**
 * Durable ingest: append to the spool (group commit) → acknowledge → parse, validate and drain into
 * the database → tell the readings listeners. The acknowledgement path does no parsing: a refused
 * payload is acknowledged too (MQTT 3.1.1 has no negative PUBACK), so validation can wait for the
 * drainer, where it costs nothing while devices wait. Only an oversized payload is recognised before
 * it is spooled, so that the spool never holds more than its first `deadLetterMaxBytes`.
 */
export async function createIngestService (options: IngestOptions) {
  const now = options.now ?? Date.now
  const { metrics, logger } = options
  const { spool, recovery } = await openSpool({
    ...options.spool,
    waited: metrics.ackLatency.observe,
    closedError: () => new GW_SPOOL_CLOSED(),
    // Not durable (spool closed or disk error): not acknowledged, the devices will resend.
    onCommitFailed: (error, frames) => { logger.error({ err: error, messages: frames }, 'could not spool device messages; they are not acknowledged') }
  })
  const loop = createLoopMonitor()
  const listeners = new Set<ReadingsListener>()
  const acceptedTelemetry = metrics.accepted.labels('telemetry')
  const acceptedEvents = metrics.accepted.labels('events')

  const truncate = (payload: Uint8Array): Uint8Array =>
    payload.length > options.deadLetterMaxBytes ? payload.subarray(0, options.deadLetterMaxBytes) : payload

  /** A spooled message refused after it was spooled: kept as a dead letter with its first bytes. */
  const refusedItem = (record: SpoolRecord, spooled: SpooledRecord, rejection: Pick<Rejection, 'code' | 'reason'>): DrainItem => ({
    end: spooled.end, bytes: spooled.bytes, deviceId: record.deviceId, kind: 'dead_letter', receivedAt: record.receivedAt, topic: record.topic,
    code: rejection.code, reason: rejection.reason, payload: truncate(record.payload), originalSize: record.payload.length
  })

  /** Parse a spooled record into what the drainer writes — the same code live and on replay. */
  const toDrainItem = (record: SpoolRecord, spooled: SpooledRecord): DrainItem => {
    const base = { end: spooled.end, bytes: spooled.bytes, deviceId: record.deviceId }
    if (record.kind === RecordKind.DeadLetter) {
      const dead = record.deadLetter as NonNullable<SpoolRecord['deadLetter']>
      return { ...base, kind: 'dead_letter', receivedAt: record.receivedAt, topic: record.topic, code: dead.code, reason: dead.reason, payload: record.payload, originalSize: dead.originalSize }
    }
    if (record.kind === RecordKind.Telemetry) {
      const parsed = parseTelemetryPayload(record.payload, record.receivedAt, options.limits)
      return parsed.ok ? { ...base, kind: 'telemetry', readings: parsed.value.readings } : refusedItem(record, spooled, parsed)
    }
    const parsed = parseEventPayload(record.payload, record.receivedAt, options.limits)
    return parsed.ok ? { ...base, kind: 'events', events: parsed.value } : refusedItem(record, spooled, parsed)
  }

  /**
   * Never throws: a message the parser fails on (a bug, not a bad payload — those are rejections)
   * becomes a dead letter, and a frame that cannot even be decoded is set aside in UNSTORABLE_FILE;
   * either way the drain moves on instead of failing on the same frame forever.
   */
  const decodeSpooled = (spooled: SpooledRecord): DrainItem => {
    let record: SpoolRecord
    try {
      record = decodeRecord(spooled.body)
    } catch (error) {
      logger.error({ err: error, at: spooled.end }, 'ingest: a spooled frame could not be decoded; it is set aside')
      metrics.unstorable.inc()
      fs.appendFileSync(path.join(options.spool.dir, UNSTORABLE_FILE), JSON.stringify({ frame: spooled.body, error: (error as Error).message, at: new Date(now()).toISOString() }, jsonBytes) + '\n')
      return { kind: 'events', end: spooled.end, bytes: spooled.bytes, deviceId: '', events: [] }
    }
    try {
      return toDrainItem(record, spooled)
    } catch (error) {
      logger.error({ err: error, deviceId: record.deviceId }, 'ingest: parsing a spooled message failed; it is kept as a dead letter')
      return refusedItem(record, spooled, { code: 'GW_PAYLOAD_INVALID', reason: `payload could not be parsed: ${(error as Error).message.slice(0, 200)}` })
    }
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

  /** What a stored message means for the rest of the platform: counters, listeners, domain events. */
  const onStored = (items: readonly DrainItem[]): void => {
    for (const item of items) {
      if (item.kind === 'telemetry') {
        acceptedTelemetry.inc()
        metrics.readings.inc(item.readings.length)
        notifyListeners(item.deviceId, item.readings)
      } else if (item.kind === 'events') {
        if (item.events.length === 0) continue // a frame set aside (decodeSpooled)
        acceptedEvents.inc()
        for (const event of item.events) options.bus.publish('device.event_received', { deviceId: item.deviceId, ...event })
      } else {
        metrics.rejected.inc({ reason: item.code })
        options.bus.publish('payload.rejected', { deviceId: item.deviceId, topic: item.topic, code: item.code, reason: item.reason })
      }
    }
  }

  const drainer = createDrainer({
    pacing: { isBusy: loop.isBusy, maxLagMs: options.maxLagMs, deferBelowBytes: options.spool.maxBytes / 4, now: Date.now },
    db: options.db,
    spool,
    batchPoints: options.batchPoints,
    logger,
    followSpool: true,
    hooks: {
      decode: decodeSpooled,
      onStored,
      onWritten: (stats) => {
        metrics.dbWriteLatency.observe(stats.seconds)
        metrics.dbRowsWritten.inc({ table: 'telemetry' }, stats.readings - stats.duplicateReadings)
        if (stats.duplicateReadings > 0) metrics.duplicateReadings.inc(stats.duplicateReadings)
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
  let counted = 0
  spool.onDurable((durableFrames) => {
    metrics.spooled.inc(durableFrames - counted)
    counted = durableFrames
  })
  metrics.sources.spoolBacklogBytes = () => spool.backlogBytes
  metrics.sources.spoolPending = () => drainer.pending
  metrics.sources.spoolWaiting = () => spool.waitingAppends

  for (const spooled of recovery.records) drainer.enqueue(decodeSpooled(spooled))
  if (recovery.records.length > 0 || recovery.truncatedBytes > 0 || recovery.corruptBytes > 0) {
    logger.info({ records: recovery.records.length, segments: recovery.segments, truncatedBytes: recovery.truncatedBytes, corruptBytes: recovery.corruptBytes },
      'ingest: replaying spooled messages not yet in the database')
  }
  if (recovery.corruptBytes > 0) logger.error({ corruptBytes: recovery.corruptBytes }, 'ingest: spool had damaged frames; they were skipped')
  drainer.start()

  // Per device, the next free microsecond of server time: readings without a timestamp never collide.
  // Without parsing, a message is assumed to use one microsecond, an array the most one may carry.
  // A box per device, updated in place: storing a new number in a Map would allocate one per message.
  const nextFree = new Map<string, { at: number }>()
  const reserveReceivedAt = (deviceId: string, payload: Uint8Array): number => {
    const clock = now() * 1000
    let free = nextFree.get(deviceId)
    if (free === undefined) nextFree.set(deviceId, free = { at: 0 })
    const receivedAt = clock > free.at ? clock : free.at
    free.at = receivedAt + (startsWithBracket(payload) ? MAX_SERVER_TIMED_PER_MESSAGE : 1)
    return receivedAt
  }

  const spoolMessage = (deviceId: string, topic: string, kind: IngestKind, payload: Uint8Array, receivedAt: number, done: SpooledCallback): void => {
    const tooLarge = checkPayloadSize(payload, options.limits)
    const record: SpoolRecord = tooLarge === null
      ? { kind: kind === 'telemetry' ? RecordKind.Telemetry : RecordKind.Event, deviceId, receivedAt, topic, payload }
      : { kind: RecordKind.DeadLetter, deviceId, receivedAt, topic, payload: truncate(payload), deadLetter: { code: tooLarge.code, reason: tooLarge.reason, originalSize: payload.length } }
    const frame = encodeFrame(record, SPOOL_FRAME_HEADER_BYTES)
    spool.appendFrame(frame, done)
  }

  /**
   * Durably spool one device message; `done` is called once it may be acknowledged. The MQTT hook's
   * path: callbacks, not promises, because it runs for every message.
   */
  const acceptMessage = (deviceId: string, topic: string, kind: IngestKind, payload: Uint8Array, done: SpooledCallback): void => {
    loop.noteMessage()
    spoolMessage(deviceId, topic, kind, payload, reserveReceivedAt(deviceId, payload), done)
  }

  const service = {
    recovery,
    acceptMessage,

    /**
     * One message through the whole path, for tools and tests: resolves once it is stored and the
     * listeners have seen it, with what validation made of it.
     */
    async accept (deviceId: string, topic: string, kind: IngestKind, payload: Uint8Array): Promise<AcceptResult> {
      const receivedAt = reserveReceivedAt(deviceId, payload)
      const parsed = kind === 'telemetry'
        ? parseTelemetryPayload(payload, receivedAt, options.limits)
        : parseEventPayload(payload, receivedAt, options.limits)
      await new Promise<void>((resolve, reject) => {
        spoolMessage(deviceId, topic, kind, payload, receivedAt, (error) => error === null ? resolve() : reject(error))
      })
      await drainer.drained()
      if (!parsed.ok) return { accepted: false, code: parsed.code, reason: parsed.reason }
      return { accepted: true, readings: Array.isArray(parsed.value) ? 0 : parsed.value.readings.length }
    },

    /** Called with every stored message's readings, in spool order (detection hooks in here). */
    addReadingsListener (listener: ReadingsListener): () => void {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },

    /** Resolves when everything accepted so far is in the database and the listeners have seen it. */
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

function startsWithBracket (payload: Uint8Array): boolean {
  for (let i = 0; i < payload.length; i++) {
    const byte = payload[i] as number
    if (byte === OPEN_BRACKET) return true
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false
  }
  return false
}

export type IngestService = Awaited<ReturnType<typeof createIngestService>>
