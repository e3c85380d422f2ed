import { Ajv } from 'ajv'
import type { ErrorObject } from 'ajv'
import type { AfterlineError } from '../../core/errors.js'
import { unstorableTextKind } from '../../core/text.js'
import { GW_PAYLOAD_BAD_TIMESTAMP, GW_PAYLOAD_INVALID, GW_PAYLOAD_NOT_JSON, GW_PAYLOAD_TOO_LARGE } from '../errors.js'
import type { DeviceEvent, Reading } from '../events.js'
import { eventPayloadSchema, telemetryPayloadSchema } from './payload.schema.js'

/**
 * Pure parsing of device payloads. The same functions run when a message arrives and when the spool
 * is replayed after a crash, so everything that depends on time is computed from `receivedAt` (epoch
 * microseconds, recorded with the message), never from the clock.
 */
export interface PayloadLimits {
  maxPayloadBytes: number
  /** How far past `receivedAt` a device timestamp may lie, in microseconds. */
  maxFutureMicros: number
  /**
   * How far before `receivedAt` a device timestamp may lie, in microseconds: the raw-telemetry
   * retention. Older readings would be deleted by the next retention run, so they are refused.
   */
  maxAgeMicros?: number
}

export interface Rejection {
  ok: false
  code: string
  reason: string
}

export type ParseResult<T> = { ok: true, value: T } | Rejection

/** 2000-01-01T00:00:00Z: older timestamps are taken for clock faults (or seconds sent as milliseconds). */
export const MIN_TIMESTAMP_MICROS = 946_684_800_000_000

/**
 * The largest magnitude a reading may have. Far above any physical quantity a machine reports, and
 * far enough below the double range that sums and squares in averages and aggregates never overflow.
 */
export const MAX_ABS_VALUE = 1e15

/** How deeply an event's `data` may nest (objects and arrays): deeper JSON is refused before anything walks it. */
export const MAX_EVENT_DEPTH = 32

const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true })
const validateTelemetry = ajv.compile(telemetryPayloadSchema)
const validateEvents = ajv.compile(eventPayloadSchema)

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/

// PostgreSQL text cannot hold NUL, and control characters make unreadable logs: escape them.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

function reject (error: AfterlineError): Rejection {
  return { ok: false, code: error.code, reason: error.message.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) }
}

function describe (errors: ErrorObject[] | null | undefined): string {
  const list = errors ?? []
  const where = (error: ErrorObject): string => `payload${error.instancePath.replace(/\//g, '.')}`
  // propertyNames failures carry the offending key on the outer error.
  const named = list.find((error) => typeof error.params.propertyName === 'string')
  if (named !== undefined) {
    const name = named.params.propertyName as string
    return name === 'ts'
      ? `${where(named)} mixes "ts" with metrics; send {"ts":…,"values":{…}}`
      : `${where(named)} has an invalid metric name ${JSON.stringify(name)} (a letter or _, then letters, digits, _ . : -; at most 64)`
  }
  const error = list[0]
  return error === undefined ? 'invalid' : `${where(error)} ${error.message ?? 'is invalid'}`
}

/** The one check made before a message is spooled: a payload over the bound is kept only as a dead letter. */
export function checkPayloadSize (payload: Uint8Array, limits: PayloadLimits): Rejection | null {
  return payload.length > limits.maxPayloadBytes ? reject(new GW_PAYLOAD_TOO_LARGE(payload.length, limits.maxPayloadBytes)) : null
}

function decodeJson (payload: Uint8Array, limits: PayloadLimits): ParseResult<unknown> {
  const tooLarge = checkPayloadSize(payload, limits)
  if (tooLarge !== null) return tooLarge
  if (payload.length === 0) return reject(new GW_PAYLOAD_NOT_JSON('empty payload'))
  try {
    return { ok: true, value: JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.length).toString('utf8')) }
  } catch (error) {
    return reject(new GW_PAYLOAD_NOT_JSON((error as Error).message.slice(0, 200)))
  }
}

/** Epoch microseconds of a device timestamp, or a rejection naming what is wrong with it. */
export function parseTimestamp (ts: unknown, receivedAt: number, limits: PayloadLimits, where: string): ParseResult<number> {
  let micros: number
  if (typeof ts === 'number') {
    micros = ts * 1000
  } else if (typeof ts === 'string') {
    const match = RFC3339.exec(ts)
    const millis = match === null ? Number.NaN : Date.parse(ts)
    if (match === null || Number.isNaN(millis)) {
      return reject(new GW_PAYLOAD_BAD_TIMESTAMP(`${where} ${JSON.stringify(ts)} is not an RFC 3339 date-time or epoch milliseconds`))
    }
    const impossible = impossibleField(match)
    if (impossible !== null) return reject(new GW_PAYLOAD_BAD_TIMESTAMP(`${where} ${JSON.stringify(ts)} has no such ${impossible}`))
    const fraction = (match[7] ?? '').padEnd(6, '0')
    micros = millis * 1000 + Number(fraction.slice(3, 6))
  } else {
    return reject(new GW_PAYLOAD_BAD_TIMESTAMP(`${where} must be epoch milliseconds or an RFC 3339 string`))
  }
  if (!Number.isSafeInteger(micros) || micros < MIN_TIMESTAMP_MICROS) {
    return reject(new GW_PAYLOAD_BAD_TIMESTAMP(`${where} ${JSON.stringify(ts)} is before 2000-01-01 (epoch seconds instead of milliseconds?)`))
  }
  if (micros > receivedAt + limits.maxFutureMicros) {
    return reject(new GW_PAYLOAD_BAD_TIMESTAMP(`${where} ${JSON.stringify(ts)} is too far in the future`))
  }
  if (limits.maxAgeMicros !== undefined && micros < receivedAt - limits.maxAgeMicros) {
    const days = Math.round(limits.maxAgeMicros / 86_400e6)
    return reject(new GW_PAYLOAD_BAD_TIMESTAMP(`${where} ${JSON.stringify(ts)} is older than the ${days}-day telemetry retention`))
  }
  return { ok: true, value: micros }
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * The calendar or clock field of an RFC 3339 match that no real instant has (`Date.parse` rolls
 * 2026-02-30 over to March 2nd, and leap second 60 to the next minute), or null.
 */
function impossibleField (match: RegExpExecArray): string | null {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  if (month < 1 || month > 12) return 'month'
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
  if (day < 1 || day > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1] as number)) return 'day'
  if (hour > 23) return 'hour'
  if (minute > 59) return 'minute'
  if (second > 59) return 'second'
  const offset = match[8] as string
  if (offset.length === 6 && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return 'offset'
  return null
}

/**
 * Readings of one telemetry message, in payload order. A message is accepted or refused whole.
 * Readings without a timestamp get `receivedAt`, `receivedAt + 1 µs`, … so that two readings of one
 * metric never collide on the (device, metric, time) key.
 */
export interface ParsedTelemetry {
  readings: Reading[]
  /** Microseconds of server time used for readings without a timestamp (the next message starts after). */
  serverTimed: number
}

export function parseTelemetryPayload (payload: Uint8Array, receivedAt: number, limits: PayloadLimits): ParseResult<ParsedTelemetry> {
  const decoded = decodeJson(payload, limits)
  if (!decoded.ok) return decoded
  if (!validateTelemetry(decoded.value)) return reject(new GW_PAYLOAD_INVALID(describe(validateTelemetry.errors)))

  const entries = Array.isArray(decoded.value) ? decoded.value as unknown[] : [decoded.value]
  const readings: Reading[] = []
  let serverTimed = 0
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Record<string, unknown>
    let ts: number
    let values: Record<string, number>
    if (entry.values !== undefined) {
      values = entry.values as Record<string, number>
      if (entry.ts === undefined) {
        ts = receivedAt + serverTimed++
      } else {
        const parsed = parseTimestamp(entry.ts, receivedAt, limits, Array.isArray(decoded.value) ? `payload[${i}].ts` : 'payload.ts')
        if (!parsed.ok) return parsed
        ts = parsed.value
      }
    } else {
      values = entry as Record<string, number>
      ts = receivedAt + serverTimed++
    }
    for (const metric in values) {
      const value = values[metric] as number
      if (!Number.isFinite(value)) return reject(new GW_PAYLOAD_INVALID(`payload value of ${metric} is not a finite number`))
      if (Math.abs(value) > MAX_ABS_VALUE) return reject(new GW_PAYLOAD_INVALID(`payload value of ${metric} is ${value}, beyond ±${MAX_ABS_VALUE}`))
      readings.push({ metric, ts, value })
    }
  }
  return { ok: true, value: { readings, serverTimed } }
}

export function parseEventPayload (payload: Uint8Array, receivedAt: number, limits: PayloadLimits): ParseResult<Array<Omit<DeviceEvent, 'deviceId'>>> {
  const decoded = decodeJson(payload, limits)
  if (!decoded.ok) return decoded
  if (!validateEvents(decoded.value)) return reject(new GW_PAYLOAD_INVALID(describe(validateEvents.errors)))

  const unstorable = unstorableIn(decoded.value)
  if (unstorable !== null) return reject(new GW_PAYLOAD_INVALID(unstorable))
  const entries = (Array.isArray(decoded.value) ? decoded.value : [decoded.value]) as Array<Record<string, unknown>>
  const events: Array<Omit<DeviceEvent, 'deviceId'>> = []
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as Record<string, unknown>
    let ts = receivedAt + i
    if (entry.ts !== undefined) {
      // Events are kept without a retention limit: an old one (a device's stored log) is accepted.
      const parsed = parseTimestamp(entry.ts, receivedAt, { ...limits, maxAgeMicros: undefined }, Array.isArray(decoded.value) ? `payload[${i}].ts` : 'payload.ts')
      if (!parsed.ok) return parsed
      ts = parsed.value
    }
    events.push({
      ts,
      code: entry.code as string,
      severity: (entry.severity as DeviceEvent['severity'] | undefined) ?? 'warning',
      message: (entry.message as string | undefined) ?? null,
      data: (entry.data as Record<string, unknown> | undefined) ?? null
    })
  }
  return { ok: true, value: events }
}

// jsonb and text refuse them: a payload carrying one could never be stored.
const TEXT_PROBLEMS = {
  nul: 'contains a NUL character (\\u0000), which cannot be stored',
  lone_surrogate: 'is not well-formed Unicode (a lone surrogate), which cannot be stored'
} as const

function textProblem (text: string): string | null {
  const kind = unstorableTextKind(text)
  return kind === null ? null : TEXT_PROBLEMS[kind]
}

/**
 * Why an event payload (already schema-checked) could not be stored, or null: nesting deeper than
 * MAX_EVENT_DEPTH, or a string or key PostgreSQL refuses. Walked with an explicit stack, so no
 * payload can exhaust the call stack here or later (JSON.stringify recurses).
 */
function unstorableIn (value: unknown): string | null {
  const stack: Array<{ value: unknown, path: string, depth: number }> = [{ value, path: 'payload', depth: 0 }]
  while (stack.length > 0) {
    const { value: node, path, depth } = stack.pop() as { value: unknown, path: string, depth: number }
    if (typeof node === 'string') {
      const problem = textProblem(node)
      if (problem !== null) return `${path} ${problem}`
      continue
    }
    if (node === null || typeof node !== 'object') continue
    // The payload itself, an event, its data: the data's own nesting starts at depth 2 or 3.
    if (depth > MAX_EVENT_DEPTH + 2) return `${path} nests deeper than ${MAX_EVENT_DEPTH} levels`
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ value: node[i], path: `${path}.${i}`, depth: depth + 1 })
      continue
    }
    for (const [key, item] of Object.entries(node)) {
      const problem = textProblem(key)
      if (problem !== null) return `${path} has a key that ${problem}`
      stack.push({ value: item, path: `${path}.${key}`, depth: depth + 1 })
    }
  }
  return null
}
