import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { crc32 } from 'node:zlib'
import type { FileHandle } from 'node:fs/promises'

/**
 * A write-ahead spool: a record is acknowledged once it is in the spool (written, and fdatasync'ed
 * when `fsync` is on, or written through with `writeThrough`); a consumer copies records into the
 * database afterwards and `release`s them. Durable ingest spools devices' QoS 1 messages (gateway);
 * traceability spools consumers' verifications. Records that arrive while a write is in flight go
 * into the next single write (group commit).
 *
 * On disk: numbered segment files of frames `u32 magic | u32 length | u32 crc32(body) | body`, and
 * `checkpoint.json` = the position up to which everything is in the database. After a crash, frames
 * past the checkpoint are read back (`recovered`); a torn frame at the end of the last segment (the
 * write the crash interrupted, never acknowledged) is cut off.
 *
 * The spool is bounded: when unreleased bytes reach `maxBytes`, `append` waits — the broker then stops
 * reading the device's socket (backpressure) instead of dropping anything.
 *
 * The spool is also the drainer's queue: what this process appends is read back from the segment files
 * (`readFrames`, from the page cache) when it is drained, so a waiting message costs the heap nothing
 * however long the backlog grows.
 */
export interface SpoolOptions {
  dir: string
  maxBytes: number
  fsync: boolean
  segmentBytes?: number
  /**
   * Told, for every frame made durable, how long it waited from `appendFrame` (seconds): the time a
   * device waits for its acknowledgement. Measured here, once per group commit, rather than by each
   * caller wrapping its callback.
   */
  waited?: (seconds: number) => void
  /** A group commit failed: none of its `frames` counts, each caller is told the error too. */
  onCommitFailed?: (error: Error, frames: number) => void
  /**
   * With `fsync`: open segments O_DSYNC, so a group commit is one write that returns once it is on disk
   * (data and size), one trip to the thread pool instead of a write and an fdatasync. Pays off when the
   * event loop is busy between the two trips (the verification journal); durable ingest measured no
   * gain and keeps write + fdatasync.
   */
  writeThrough?: boolean
  /** The error an append gets once the spool is closed (each user has its own coded error). */
  closedError: () => Error
  /**
   * The first live segment is at least this number: positions a database recorded from earlier
   * segments (which may since have been removed) then never compare equal to new ones.
   */
  minSegment?: number
}

export interface SpoolPosition {
  segment: number
  /** Offset just past the record. */
  offset: number
}

export interface SpooledRecord {
  body: Buffer
  end: SpoolPosition
  /** Bytes the frame occupies; pass back to `release`. */
  bytes: number
}

export interface SpoolRecovery {
  records: SpooledRecord[]
  segments: number
  /** Bytes of a torn final frame that were cut off. */
  truncatedBytes: number
  /** Bytes skipped in the middle of a segment because they failed their checksum. */
  corruptBytes: number
}

/**
 * Called once the frame is durable, with the position just past it (`segment`, `offset`); on error
 * nothing of it counts. Plain numbers rather than an object: this runs for every message.
 */
export type AppendCallback = (error: Error | null, segment: number, offset: number) => void

export interface Spool {
  append (body: Buffer): Promise<SpooledRecord>
  /**
   * The hot path: `frame` is `SPOOL_FRAME_HEADER_BYTES` of space for the header followed by the body
   * (see spool-record.ts `encodeFrame`); `done` is called once the frame is durable. No promise per
   * message.
   */
  appendFrame (frame: Buffer, done: AppendCallback): void
  /** Frames made durable since the spool was opened (the live segments; recovered ones not counted). */
  readonly durableFrames: number
  /** Where the frames appended since opening begin. */
  readonly liveStart: SpoolPosition
  /** Called after every group commit with the new `durableFrames`; returns the unsubscribe. */
  onDurable (listener: (durableFrames: number) => void): () => void
  /**
   * Durable frames of the live segments from `from` on, about `maxBytes` of them (at least one whole
   * frame when there is one); `next` is where to read on. `damagedBytes` were skipped: they failed
   * their checksum after being written.
   */
  readFrames (from: SpoolPosition, maxBytes: number): Promise<{ records: SpooledRecord[], next: SpoolPosition, damagedBytes: number }>
  /** Everything up to `end` is in the database: advance the checkpoint, free `bytes`, drop old segments. */
  release (end: SpoolPosition, bytes: number): void
  readonly backlogBytes: number
  /** Appends waiting for space. */
  readonly waitingAppends: number
  close (): Promise<void>
}

const MAGIC = 0x534c4641 // "AFLS"
const HEADER_BYTES = 12
export const SPOOL_FRAME_HEADER_BYTES = HEADER_BYTES
const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024
const SEGMENT_FILE = /^(\d{16})\.seg$/
const CHECKPOINT_FILE = 'checkpoint.json'

const segmentName = (segment: number): string => `${String(segment).padStart(16, '0')}.seg`

interface QueuedFrame {
  frame: Buffer
  done: AppendCallback
  appendedAt: number
}

export async function openSpool (options: SpoolOptions): Promise<{ spool: Spool, recovery: SpoolRecovery }> {
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES
  await fs.promises.mkdir(options.dir, { recursive: true })
  const recovery = await recover(options.dir)
  const lastSegment = recovery.lastSegment

  let segment = Math.max(lastSegment + 1, options.minSegment ?? 0)
  const writeThrough = options.fsync && options.writeThrough === true
  const openSegment = async (number: number): Promise<FileHandle> => {
    const file = path.join(options.dir, segmentName(number))
    const { O_WRONLY, O_CREAT, O_APPEND, O_DSYNC } = fs.constants
    const handle = await fs.promises.open(file, writeThrough ? O_WRONLY | O_CREAT | O_APPEND | O_DSYNC : 'a')
    if (options.fsync) await syncDirectory(options.dir)
    return handle
  }
  let handle: FileHandle = await openSegment(segment)
  let segmentSize = 0
  const liveStart: SpoolPosition = { segment, offset: 0 }
  let durableEnd: SpoolPosition = { segment, offset: 0 }
  let durableFrames = 0
  const durableListeners = new Set<(durableFrames: number) => void>()
  // Sizes of live segments already closed, for the reader to know where each one ends.
  const closedSizes = new Map<number, number>()
  let reader: { segment: number, handle: FileHandle } | null = null
  let backlog = recovery.records.reduce((sum, r) => sum + r.bytes, 0)
  // Frames waiting for the next group commit, and their callbacks (parallel arrays: no object per message).
  let queue: Buffer[] = []
  let callbacks: AppendCallback[] = []
  let appendedAts: number[] = []
  let flushing: Promise<void> | null = null
  let closed = false
  const spaceWaiters: QueuedFrame[] = []
  const liveSegments = new Set<number>(recovery.segmentNumbers)
  liveSegments.add(segment)

  let checkpoint: SpoolPosition | null = null
  let checkpointWriting = false
  const writeCheckpoint = async (): Promise<void> => {
    if (checkpointWriting) return
    checkpointWriting = true
    try {
      while (checkpoint !== null) {
        const current = checkpoint
        const tmp = path.join(options.dir, `${CHECKPOINT_FILE}.tmp`)
        await fs.promises.writeFile(tmp, JSON.stringify(current))
        await fs.promises.rename(tmp, path.join(options.dir, CHECKPOINT_FILE))
        for (const old of [...liveSegments]) {
          if (old < current.segment) {
            liveSegments.delete(old)
            await fs.promises.rm(path.join(options.dir, segmentName(old)), { force: true })
          }
        }
        if (checkpoint === current) checkpoint = null
      }
    } finally {
      checkpointWriting = false
    }
  }
  let checkpointTask: Promise<void> = Promise.resolve()

  const flush = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue
      const done = callbacks
      const appended = appendedAts
      queue = []
      callbacks = []
      appendedAts = []
      let total = 0
      for (let i = 0; i < batch.length; i++) total += (batch[i] as Buffer).length
      try {
        const { bytesWritten } = await handle.writev(batch, segmentSize)
        if (bytesWritten !== total) throw new Error(`short write: ${bytesWritten} of ${total} bytes`)
        if (options.fsync && !writeThrough) await handle.datasync()
      } catch (error) {
        // Nothing of this batch was acknowledged: cut the file back so later frames stay aligned.
        await handle.truncate(segmentSize).catch(() => {})
        backlog -= total
        options.onCommitFailed?.(error as Error, batch.length)
        for (const callback of done) callback(error as Error, -1, -1)
        continue
      }
      const firstOffset = segmentSize
      segmentSize += total
      durableEnd = { segment, offset: segmentSize }
      durableFrames += batch.length
      for (const listener of durableListeners) listener(durableFrames)
      let offset = firstOffset
      const waited = options.waited
      const committedAt = waited === undefined ? 0 : performance.now()
      for (let i = 0; i < batch.length; i++) {
        offset += (batch[i] as Buffer).length
        if (waited !== undefined) waited((committedAt - (appended[i] as number)) / 1000)
        ;(done[i] as AppendCallback)(null, segment, offset)
      }
      if (segmentSize >= segmentBytes) {
        await handle.close()
        closedSizes.set(segment, segmentSize)
        segment += 1
        segmentSize = 0
        handle = await openSegment(segment)
        liveSegments.add(segment)
        durableEnd = { segment, offset: 0 }
      }
    }
  }

  const readerFor = async (number: number): Promise<FileHandle> => {
    if (reader !== null && reader.segment === number) return reader.handle
    if (reader !== null) await reader.handle.close()
    reader = null
    reader = { segment: number, handle: await fs.promises.open(path.join(options.dir, segmentName(number)), 'r') }
    return reader.handle
  }

  const readFrames: Spool['readFrames'] = async (from, maxBytes) => {
    let { segment: number, offset } = from
    // Past the end of a closed segment: the next one.
    while (number < durableEnd.segment && offset >= (closedSizes.get(number) ?? 0)) {
      closedSizes.delete(number)
      number += 1
      offset = 0
    }
    const limit = number === durableEnd.segment ? durableEnd.offset : (closedSizes.get(number) ?? 0)
    if (offset >= limit) return { records: [], next: { segment: number, offset }, damagedBytes: 0 }
    const file = await readerFor(number)
    const readAt = async (length: number): Promise<Buffer> => {
      const buffer = Buffer.allocUnsafe(length)
      const { bytesRead } = await file.read(buffer, 0, length, offset)
      return bytesRead === length ? buffer : buffer.subarray(0, bytesRead)
    }
    let data = await readAt(Math.min(limit - offset, Math.max(maxBytes, HEADER_BYTES)))
    // A frame larger than `maxBytes`: read it whole.
    if (data.length >= HEADER_BYTES && data.readUInt32LE(0) === MAGIC) {
      const whole = HEADER_BYTES + data.readUInt32LE(4)
      if (whole > data.length && whole <= limit - offset) data = await readAt(whole)
    }
    const records: SpooledRecord[] = []
    let at = 0
    let damagedBytes = 0
    while (at < data.length) {
      const frame = readFrame(data, at)
      if (frame !== null) {
        at += frame.bytes
        records.push({ body: frame.body, end: { segment: number, offset: offset + at }, bytes: frame.bytes })
        continue
      }
      const cutByChunk = at + HEADER_BYTES <= data.length && data.readUInt32LE(at) === MAGIC &&
        at + HEADER_BYTES + data.readUInt32LE(at + 4) > data.length && offset + at + HEADER_BYTES + data.readUInt32LE(at + 4) <= limit
      // The chunk ends inside a frame: the next read starts with it.
      if (cutByChunk || (at + HEADER_BYTES > data.length && offset + data.length < limit)) break
      const next = findNextFrame(data, at + 1)
      const skipTo = next === -1 ? data.length : next
      damagedBytes += skipTo - at
      at = skipTo
    }
    return { records, next: { segment: number, offset: offset + at }, damagedBytes }
  }

  const scheduleFlush = (): void => {
    if (flushing !== null) return
    flushing = flush().finally(() => {
      flushing = null
      if (queue.length > 0) scheduleFlush()
    })
  }

  const enqueue = (frame: Buffer, done: AppendCallback, appendedAt: number): void => {
    const length = frame.length - HEADER_BYTES
    frame.writeUInt32LE(MAGIC, 0)
    frame.writeUInt32LE(length, 4)
    frame.writeUInt32LE(crc32(frame.subarray(HEADER_BYTES)), 8)
    queue.push(frame)
    callbacks.push(done)
    appendedAts.push(appendedAt)
    scheduleFlush()
  }

  const wakeWaiters = (): void => {
    while (spaceWaiters.length > 0) {
      const next = spaceWaiters[0] as QueuedFrame
      if (backlog > 0 && backlog + next.frame.length > options.maxBytes) break
      spaceWaiters.shift()
      backlog += next.frame.length
      if (closed) next.done(options.closedError(), -1, -1)
      else enqueue(next.frame, next.done, next.appendedAt)
    }
  }

  const spool: Spool = {
    appendFrame (frame, done) {
      if (closed) {
        done(options.closedError(), -1, -1)
        return
      }
      // A record larger than the whole bound is still accepted when the spool is empty.
      const appendedAt = options.waited === undefined ? 0 : performance.now()
      if (spaceWaiters.length > 0 || (backlog > 0 && backlog + frame.length > options.maxBytes)) {
        spaceWaiters.push({ frame, done, appendedAt })
        return
      }
      backlog += frame.length
      enqueue(frame, done, appendedAt)
    },

    async append (body) {
      const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length)
      body.copy(frame, HEADER_BYTES)
      return await new Promise<SpooledRecord>((resolve, reject) => {
        spool.appendFrame(frame, (error, segment, offset) => {
          if (error === null) resolve({ body: frame.subarray(HEADER_BYTES), end: { segment, offset }, bytes: frame.length })
          else reject(error)
        })
      })
    },

    release (end, bytes) {
      backlog -= bytes
      checkpoint = end
      checkpointTask = checkpointTask.then(writeCheckpoint).catch(() => {})
      wakeWaiters()
    },

    get backlogBytes () { return backlog },
    get durableFrames () { return durableFrames },
    liveStart,
    onDurable (listener) {
      durableListeners.add(listener)
      return () => { durableListeners.delete(listener) }
    },
    readFrames,
    get waitingAppends () { return spaceWaiters.length },

    async close () {
      if (closed) return
      closed = true
      while (flushing !== null) await flushing
      for (const waiter of spaceWaiters.splice(0)) waiter.done(options.closedError(), -1, -1)
      await checkpointTask
      await handle.close()
      if (reader !== null) await reader.handle.close()
      reader = null
    }
  }

  return {
    spool,
    recovery: {
      records: recovery.records,
      segments: recovery.segmentNumbers.length,
      truncatedBytes: recovery.truncatedBytes,
      corruptBytes: recovery.corruptBytes
    }
  }
}

async function syncDirectory (dir: string): Promise<void> {
  const directory = await fs.promises.open(dir, 'r')
  try {
    await directory.sync()
  } finally {
    await directory.close()
  }
}

async function readCheckpoint (dir: string): Promise<SpoolPosition | null> {
  try {
    const value = JSON.parse(await fs.promises.readFile(path.join(dir, CHECKPOINT_FILE), 'utf8')) as SpoolPosition
    return Number.isInteger(value.segment) && Number.isInteger(value.offset) ? value : null
  } catch {
    return null
  }
}

async function recover (dir: string): Promise<{
  records: SpooledRecord[], segmentNumbers: number[], lastSegment: number, truncatedBytes: number, corruptBytes: number
}> {
  const checkpoint = await readCheckpoint(dir)
  const numbers = (await fs.promises.readdir(dir))
    .map((name) => SEGMENT_FILE.exec(name)?.[1])
    .filter((match): match is string => match !== undefined)
    .map(Number)
    .sort((a, b) => a - b)
  const records: SpooledRecord[] = []
  const kept: number[] = []
  let truncatedBytes = 0
  let corruptBytes = 0

  for (const [index, number] of numbers.entries()) {
    const file = path.join(dir, segmentName(number))
    if (checkpoint !== null && number < checkpoint.segment) {
      await fs.promises.rm(file, { force: true })
      continue
    }
    const data = await fs.promises.readFile(file)
    let offset = checkpoint !== null && number === checkpoint.segment ? Math.min(checkpoint.offset, data.length) : 0
    const isLast = index === numbers.length - 1
    while (offset < data.length) {
      const frame = readFrame(data, offset)
      if (frame !== null) {
        offset += frame.bytes
        records.push({ body: frame.body, end: { segment: number, offset }, bytes: frame.bytes })
        continue
      }
      // Either the torn tail of the write a crash interrupted, or damage: find the next good frame.
      const next = findNextFrame(data, offset + 1)
      if (next === -1) {
        if (isLast) {
          truncatedBytes += data.length - offset
          await fs.promises.truncate(file, offset)
        } else {
          corruptBytes += data.length - offset
        }
        break
      }
      corruptBytes += next - offset
      offset = next
    }
    if (offset > 0 || data.length > 0) kept.push(number)
    else await fs.promises.rm(file, { force: true })
  }
  return { records, segmentNumbers: kept, lastSegment: numbers.at(-1) ?? 0, truncatedBytes, corruptBytes }
}

function readFrame (data: Buffer, offset: number): { body: Buffer, bytes: number } | null {
  if (offset + HEADER_BYTES > data.length) return null
  if (data.readUInt32LE(offset) !== MAGIC) return null
  const length = data.readUInt32LE(offset + 4)
  const end = offset + HEADER_BYTES + length
  if (end > data.length) return null
  const body = data.subarray(offset + HEADER_BYTES, end)
  if (crc32(body) !== data.readUInt32LE(offset + 8)) return null
  return { body, bytes: HEADER_BYTES + length }
}

function findNextFrame (data: Buffer, from: number): number {
  const magic = Buffer.alloc(4)
  magic.writeUInt32LE(MAGIC, 0)
  for (let at = data.indexOf(magic, from); at !== -1; at = data.indexOf(magic, at + 1)) {
    if (readFrame(data, at) !== null) return at
  }
  return -1
}
