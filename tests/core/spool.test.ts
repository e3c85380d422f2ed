import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { openSpool } from '../../core/spool.js'
import { GW_SPOOL_CLOSED } from '../../gateway/errors.js'
import { decodeRecord, encodeRecord, RecordKind } from '../../gateway/ingest/spool-record.js'

const closedError = (): Error => new GW_SPOOL_CLOSED()

const tempDir = (t: { teardown (fn: () => void): void }): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-spool-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}
const body = (n: number): Buffer => Buffer.from(`record-${n}`)
const texts = (records: Array<{ body: Buffer }>): string[] => records.map((r) => r.body.toString())

t.test('records round-trip through encode/decode, dead letters included', async (t) => {
  const telemetry = { kind: RecordKind.Telemetry, deviceId: '0f8fad5b-d9cb-469f-a165-70867728950e', receivedAt: 1_795_000_000_123_456, topic: 'devices/x/telemetry', payload: Buffer.from('{"t":1}') }
  t.same({ ...decodeRecord(encodeRecord(telemetry)), payload: Buffer.from(decodeRecord(encodeRecord(telemetry)).payload) }, telemetry)
  const dead = { ...telemetry, kind: RecordKind.DeadLetter, payload: Buffer.from('garbage'), deadLetter: { code: 'GW_PAYLOAD_NOT_JSON', reason: 'payload is not JSON: x', originalSize: 2_000_000 } }
  const decoded = decodeRecord(encodeRecord(dead))
  t.same(decoded.deadLetter, dead.deadLetter)
  t.equal(Buffer.from(decoded.payload).toString(), 'garbage')
})

t.test('what was appended and not released is recovered after reopening, in order', async (t) => {
  const dir = tempDir(t)
  const first = await openSpool({ dir, maxBytes: 1 << 20, fsync: true, closedError })
  t.same(first.recovery.records, [])
  const spooled = await Promise.all([1, 2, 3, 4, 5].map((n) => first.spool.append(body(n))))
  first.spool.release(spooled[1]!.end, spooled[0]!.bytes + spooled[1]!.bytes)
  await first.spool.close()

  const second = await openSpool({ dir, maxBytes: 1 << 20, fsync: true, closedError })
  t.same(texts(second.recovery.records), ['record-3', 'record-4', 'record-5'])
  t.equal(second.spool.backlogBytes, spooled.slice(2).reduce((sum, r) => sum + r.bytes, 0))
  await second.spool.close()
})

t.test('written through (O_DSYNC) or written and fdatasync-ed, the frames and their positions are the same', async (t) => {
  const ends: Array<Array<{ segment: number, offset: number }>> = []
  for (const writeThrough of [false, true]) {
    const dir = tempDir(t)
    const first = await openSpool({ dir, maxBytes: 1 << 20, fsync: true, writeThrough, closedError, segmentBytes: 64, minSegment: 7 })
    const spooled = await Promise.all([1, 2, 3, 4].map((n) => first.spool.append(body(n))))
    ends.push(spooled.map((r) => r.end))
    await first.spool.close()
    const second = await openSpool({ dir, maxBytes: 1 << 20, fsync: true, writeThrough, closedError })
    t.same(texts(second.recovery.records), ['record-1', 'record-2', 'record-3', 'record-4'], `writeThrough ${String(writeThrough)}`)
    await second.spool.close()
  }
  t.same(ends[0], ends[1])
  t.ok((ends[0] ?? []).every((end) => end.segment >= 7), 'the first live segment is at least minSegment')
})

t.test('a torn final frame (the write a crash interrupted) is cut off; earlier frames survive', async (t) => {
  const dir = tempDir(t)
  const { spool } = await openSpool({ dir, maxBytes: 1 << 20, fsync: false, closedError })
  await spool.append(body(1))
  await spool.append(body(2))
  await spool.close()
  const segment = path.join(dir, fs.readdirSync(dir).find((name) => name.endsWith('.seg')) as string)
  const sizeBefore = fs.statSync(segment).size
  fs.appendFileSync(segment, Buffer.from([0x41, 0x46, 0x4c, 0x53, 0xff, 0x00]))
  const reopened = await openSpool({ dir, maxBytes: 1 << 20, fsync: false, closedError })
  t.same(texts(reopened.recovery.records), ['record-1', 'record-2'])
  t.equal(reopened.recovery.truncatedBytes, 6)
  t.equal(fs.statSync(segment).size, sizeBefore, 'the segment is cut back to its last whole frame')
  await reopened.spool.close()
  const again = await openSpool({ dir, maxBytes: 1 << 20, fsync: false, closedError })
  t.equal(again.recovery.truncatedBytes, 0, 'nothing left to cut')
  await again.spool.close()
})

t.test('a damaged frame in the middle is skipped and the frames after it are found again', async (t) => {
  const dir = tempDir(t)
  const { spool } = await openSpool({ dir, maxBytes: 1 << 20, fsync: false, closedError })
  const records = []
  for (const n of [1, 2, 3]) records.push(await spool.append(body(n)))
  await spool.close()
  const segment = path.join(dir, fs.readdirSync(dir).find((name) => name.endsWith('.seg')) as string)
  const data = fs.readFileSync(segment)
  data[records[0]!.end.offset + 14] ^= 0xff // flip a byte in record 2's body
  fs.writeFileSync(segment, data)
  const reopened = await openSpool({ dir, maxBytes: 1 << 20, fsync: false, closedError })
  t.same(texts(reopened.recovery.records), ['record-1', 'record-3'])
  t.ok(reopened.recovery.corruptBytes > 0)
  await reopened.spool.close()
})

t.test('a full spool makes appends wait (backpressure) until the drainer releases space', async (t) => {
  const dir = tempDir(t)
  const { spool } = await openSpool({ dir, maxBytes: 100, fsync: false, closedError })
  const a = await spool.append(Buffer.alloc(60))
  let secondDone = false
  const second = spool.append(Buffer.alloc(60)).then((record) => { secondDone = true; return record })
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(secondDone, false, 'second append waits: 72 + 72 bytes exceed the 100-byte bound')
  t.equal(spool.waitingAppends, 1)
  spool.release(a.end, a.bytes)
  const b = await second
  t.equal(secondDone, true)
  t.equal(spool.backlogBytes, b.bytes)
  await spool.close()
})

t.test('segments roll over and fully released ones are deleted', async (t) => {
  const dir = tempDir(t)
  const { spool } = await openSpool({ dir, maxBytes: 1 << 20, fsync: false, closedError, segmentBytes: 64 })
  const records = []
  for (let n = 0; n < 20; n++) records.push(await spool.append(Buffer.alloc(40, n)))
  const segments = (): number => fs.readdirSync(dir).filter((name) => name.endsWith('.seg')).length
  t.ok(segments() >= 10, 'one segment per ~64 bytes')
  const last = records[records.length - 1]!
  spool.release(last.end, records.reduce((sum, r) => sum + r.bytes, 0))
  await spool.close()
  t.ok(segments() <= 2, `released segments are deleted (${segments()} left)`)
  const reopened = await openSpool({ dir, maxBytes: 1 << 20, fsync: false, closedError, segmentBytes: 64 })
  t.same(reopened.recovery.records, [], 'nothing to replay after a full release')
  await reopened.spool.close()
})

t.test('appends from many callers share group commits', async (t) => {
  const dir = tempDir(t)
  const { spool } = await openSpool({ dir, maxBytes: 1 << 24, fsync: true, closedError })
  const records = await Promise.all(Array.from({ length: 2000 }, (_, n) => spool.append(body(n))))
  const ends = records.map((r) => r.end.offset)
  t.same(ends, [...ends].sort((a, b) => a - b), 'positions follow append order')
  await spool.close()
  const reopened = await openSpool({ dir, maxBytes: 1 << 24, fsync: true, closedError })
  t.same(texts(reopened.recovery.records), Array.from({ length: 2000 }, (_, n) => `record-${n}`))
  await reopened.spool.close()
})

t.test('durable frames are read back from the files in order, across segments, in chunks of any size', async (t) => {
  const dir = tempDir(t)
  const { spool } = await openSpool({ dir, maxBytes: 1 << 24, fsync: false, closedError, segmentBytes: 200 })
  const commits: number[] = []
  spool.onDurable((frames) => commits.push(frames))
  // Some appends one by one (a commit each, so segments roll), some together (one commit).
  const appended = []
  for (let n = 0; n < 20; n++) appended.push(await spool.append(body(n)))
  appended.push(...await Promise.all(Array.from({ length: 10 }, (_, n) => spool.append(body(20 + n)))))
  const large = await spool.append(Buffer.alloc(5000, 7))
  appended.push(large, ...await Promise.all([30, 31].map((n) => spool.append(body(n)))))
  t.equal(spool.durableFrames, 33)
  t.equal(commits.at(-1), 33, 'every group commit reports the running count')

  let at = spool.liveStart
  const read: Array<{ body: Buffer, end: { segment: number, offset: number } }> = []
  for (let guard = 0; guard < 200; guard++) {
    const chunk = await spool.readFrames(at, 64)
    t.equal(chunk.damagedBytes, 0)
    read.push(...chunk.records)
    if (chunk.records.length === 0 && chunk.next.segment === at.segment && chunk.next.offset === at.offset) break
    at = chunk.next
  }
  t.equal(read.length, 33, 'every frame once, the one larger than a chunk included')
  t.same(read.map((r) => r.end), appended.map((r) => r.end), 'with the positions the appends were given')
  t.same(texts(read.filter((r) => r.body.length < 100)), Array.from({ length: 32 }, (_, n) => `record-${n}`))
  t.ok(read.some((r) => r.body.length === 5000 && r.body.every((byte) => byte === 7)))
  t.ok(new Set(read.map((r) => r.end.segment)).size > 3, 'several segments were crossed')

  const more = await spool.append(body(99))
  const tail = await spool.readFrames(at, 1 << 20)
  t.same(texts(tail.records), ['record-99'], 'a later append is read from where the last read ended')
  t.same(tail.next, more.end)
  await spool.close()
})

t.test('each frame\'s wait for durability is reported once, counting the time it waited for space', async (t) => {
  const dir = tempDir(t)
  const waits: number[] = []
  const { spool } = await openSpool({ dir, maxBytes: 100, fsync: false, closedError, waited: (seconds) => waits.push(seconds) })
  const a = await spool.append(Buffer.alloc(60))
  t.equal(waits.length, 1)
  const second = spool.append(Buffer.alloc(60))
  await new Promise((resolve) => setTimeout(resolve, 60))
  t.equal(waits.length, 1, 'nothing reported while the frame waits for space')
  spool.release(a.end, a.bytes)
  await second
  t.equal(waits.length, 2)
  t.ok((waits[1] as number) >= 0.05, `the wait includes the backpressure (${waits[1]} s)`)
  t.ok(waits.every((w) => w >= 0 && w < 5))
  await spool.close()
})
