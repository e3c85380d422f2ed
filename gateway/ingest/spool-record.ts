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

function uuidToBytes (uuid: string, target: Buffer, offset: number): void {
  const hex = uuid.replace(/-/g, '')
  if (hex.length !== 32) throw new TypeError(`not a uuid: ${uuid}`)
  target.write(hex, offset, 16, 'hex')
}

function bytesToUuid (source: Buffer, offset: number): string {
  const hex = source.toString('hex', offset, offset + 16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export function encodeRecord (record: SpoolRecord): Buffer {
  const topic = Buffer.from(record.topic, 'utf8')
  const code = Buffer.from(record.deadLetter?.code ?? '', 'utf8')
  const reason = Buffer.from((record.deadLetter?.reason ?? '').slice(0, 2000), 'utf8')
  const extra = record.kind === RecordKind.DeadLetter ? 2 + code.length + 2 + reason.length + 4 : 0
  const body = Buffer.allocUnsafe(1 + 16 + 8 + 2 + topic.length + extra + record.payload.length)
  let at = 0
  body.writeUInt8(record.kind, at); at += 1
  uuidToBytes(record.deviceId, body, at); at += 16
  body.writeDoubleLE(record.receivedAt, at); at += 8
  body.writeUInt16LE(topic.length, at); at += 2
  topic.copy(body, at); at += topic.length
  if (record.kind === RecordKind.DeadLetter) {
    body.writeUInt16LE(code.length, at); at += 2
    code.copy(body, at); at += code.length
    body.writeUInt16LE(reason.length, at); at += 2
    reason.copy(body, at); at += reason.length
    body.writeUInt32LE(record.deadLetter?.originalSize ?? record.payload.length, at); at += 4
  }
  body.set(record.payload, at)
  return body
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
