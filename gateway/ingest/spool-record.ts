/**
 * What the ingest spool stores per message: enough to rebuild exactly what was acknowledged. The raw
 * payload is kept rather than parsed readings — copying bytes is the cheapest durable form, and
 * parse-payload.ts is deterministic given `receivedAt`.
 *
 * Body layout (little-endian):
 *   u8 kind | 16 bytes device uuid | f64 receivedAt (epoch µs) | u16 topic length | topic (utf8)
 *   kind DEAD_LETTER only: u16 code length | code | u16 reason length | reason | u32 original size
 *   payload bytes (for dead letters: the first DEAD_LETTER_MAX_BYTES)
 */
export const enum RecordKind {
  Telemetry = 1,
  Event = 2,
  DeadLetter = 3
}

export interface SpoolRecord {
  kind: RecordKind
  deviceId: string
  receivedAt: number
  topic: string
  payload: Uint8Array
  deadLetter?: { code: string, reason: string, originalSize: number }
}

// Device ids repeat message after message: keep their 16 bytes rather than re-parsing the hex each time.
const uuidBytes = new Map<string, Buffer>()
const MAX_CACHED_IDS = 100_000

function uuidToBytes (uuid: string): Buffer {
  let bytes = uuidBytes.get(uuid)
  if (bytes === undefined) {
    const hex = uuid.replace(/-/g, '')
    if (hex.length !== 32) throw new TypeError(`not a uuid: ${uuid}`)
    bytes = Buffer.from(hex, 'hex')
    if (uuidBytes.size >= MAX_CACHED_IDS) uuidBytes.clear()
    uuidBytes.set(uuid, bytes)
  }
  return bytes
}

function bytesToUuid (source: Buffer, offset: number): string {
  const hex = source.toString('hex', offset, offset + 16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/**
 * The record's body in one buffer, after `reserve` bytes left free for the spool's frame header (so a
 * message costs one allocation and one copy of its payload).
 */
export function encodeFrame (record: SpoolRecord, reserve: number): Buffer {
  const topicLength = Buffer.byteLength(record.topic, 'utf8')
  const dead = record.kind === RecordKind.DeadLetter
  const code = dead ? Buffer.from(record.deadLetter?.code ?? '', 'utf8') : null
  const reason = dead ? Buffer.from((record.deadLetter?.reason ?? '').slice(0, 2000), 'utf8') : null
  const extra = code !== null && reason !== null ? 2 + code.length + 2 + reason.length + 4 : 0
  const frame = Buffer.allocUnsafe(reserve + 1 + 16 + 8 + 2 + topicLength + extra + record.payload.length)
  let at = reserve
  frame.writeUInt8(record.kind, at); at += 1
  uuidToBytes(record.deviceId).copy(frame, at); at += 16
  frame.writeDoubleLE(record.receivedAt, at); at += 8
  frame.writeUInt16LE(topicLength, at); at += 2
  at += frame.write(record.topic, at, 'utf8')
  if (code !== null && reason !== null) {
    frame.writeUInt16LE(code.length, at); at += 2
    code.copy(frame, at); at += code.length
    frame.writeUInt16LE(reason.length, at); at += 2
    reason.copy(frame, at); at += reason.length
    frame.writeUInt32LE(record.deadLetter?.originalSize ?? record.payload.length, at); at += 4
  }
  frame.set(record.payload, at)
  return frame
}

export function encodeRecord (record: SpoolRecord): Buffer {
  return encodeFrame(record, 0)
}

export function decodeRecord (body: Buffer): SpoolRecord {
  let at = 0
  const kind = body.readUInt8(at) as RecordKind; at += 1
  const deviceId = bytesToUuid(body, at); at += 16
  const receivedAt = body.readDoubleLE(at); at += 8
  const topicLength = body.readUInt16LE(at); at += 2
  const topic = body.toString('utf8', at, at + topicLength); at += topicLength
  let deadLetter: SpoolRecord['deadLetter']
  if (kind === RecordKind.DeadLetter) {
    const codeLength = body.readUInt16LE(at); at += 2
    const code = body.toString('utf8', at, at + codeLength); at += codeLength
    const reasonLength = body.readUInt16LE(at); at += 2
    const reason = body.toString('utf8', at, at + reasonLength); at += reasonLength
    const originalSize = body.readUInt32LE(at); at += 4
    deadLetter = { code, reason, originalSize }
  }
  const record: SpoolRecord = { kind, deviceId, receivedAt, topic, payload: body.subarray(at) }
  if (deadLetter !== undefined) record.deadLetter = deadLetter
  return record
}
