import type { Database } from '../../core/db/database.js'
import { csvField } from '../../core/db/database.js'
import { openSpool, SPOOL_FRAME_HEADER_BYTES } from '../../core/spool.js'
import type { SpoolPosition } from '../../core/spool.js'
import { TRC_JOURNAL_CLOSED } from '../errors.js'
import type { VerificationRecord } from './scan.repository.js'

/**
 * The verification journal of the embedded engine. A consumer's verification that passed every check
 * (a narrow row, see scan-pipeline.ts `isPassedConsumerVerification`) is answered once it is in this
 * journal: a write-ahead spool (core/spool.ts) whose group commits are written through to disk
 * (O_DSYNC), as the engine's own commits are flushed. The journal is copied into `trace_verifications` in bulk afterwards, with COPY:
 * once `applyRows` rows wait, or `applyDelayMs` after the first one, or at once when somebody needs
 * the table (`applied`).
 *
 * - *Once, in order.* Frames are copied in the order they were appended. The copy and the journal
 *   position it reached (`trace_verification_journal`, migration 0017) commit together, so after a
 *   crash the frames past that position are copied, and only those.
 * - *Read your writes.* The rows are not in the table until they are copied: whoever reads
 *   `trace_verifications` (an item's replay, reports) first awaits `applied()`, which copies every
 *   row appended before the call. The item cache holds the verified items' state meanwhile.
 * - Each frame is the rows' CSV, as COPY reads it, after a line with their count.
 */
export interface VerificationJournal {
  /** Resolves once the rows are durable; they reach trace_verifications later, in append order. */
  append (rows: readonly VerificationRecord[]): Promise<void>
  /** Resolves once every row appended before the call is in trace_verifications (durable). */
  applied (): Promise<void>
  /** Rows durable in the journal and not yet in the table. */
  readonly waitingRows: number
  /** Rows copied into the table since opening (recovered ones included). */
  readonly appliedRows: number
  /** Stops appends, copies what is left, closes the files. */
  close (): Promise<void>
}

export interface VerificationJournalOptions {
  db: Database
  /** Folder of the journal's segment files (DATA_DIR/trace-journal). */
  dir: string
  fsync: boolean
  /** Copy once this many rows wait (default 5,000). */
  applyRows?: number
  /** …or this long after the first one waits (default 250 ms). */
  applyDelayMs?: number
  /** A copy failed: the rows stay in the journal and are tried again (after `retryMs`, default 1 s). */
  onApplyFailed?: (error: Error) => void
  retryMs?: number
  segmentBytes?: number
}

const TABLE = 'trace_verifications'
const COLUMNS = ['id', 'code', 'serial', 'gtin', 'lot', 'consumer_id', 'lat', 'lng', 'city', 'at', 'recorded_at'] as const
/** Unapplied journal bytes beyond which appends wait for the copy (backpressure, as in ingest). */
const MAX_WAITING_BYTES = 64 * 1024 * 1024
/** Most rows in one COPY (one transaction). */
const MAX_ROWS_PER_COPY = 50_000

interface Waiting {
  csv: string
  rows: number
  end: SpoolPosition
  bytes: number
}

/** The rows as COPY … (FORMAT csv) lines, in COLUMNS order; an empty field is NULL. */
export function verificationCsv (rows: readonly VerificationRecord[]): string {
  let csv = ''
  // A batch's rows share their recorded time, and most of their scan times to the millisecond.
  let atMs = NaN
  let atText = ''
  let recordedMs = NaN
  let recordedText = ''
  for (const r of rows) {
    const at = r.at.getTime()
    if (at !== atMs) { atMs = at; atText = r.at.toISOString() }
    const recorded = r.recordedAt.getTime()
    if (recorded !== recordedMs) { recordedMs = recorded; recordedText = r.recordedAt.toISOString() }
    csv += `${r.id},${csvField(r.code)},${csvField(r.serial)},${r.gtin},${csvField(r.lot)},${csvField(r.consumerId)},` +
      `${r.location === null ? '' : r.location.lat},${r.location === null ? '' : r.location.lng},${csvField(r.city)},` +
      `${atText},${recordedText}\n`
  }
  return csv
}

const compare = (a: SpoolPosition, b: SpoolPosition): number => a.segment - b.segment || a.offset - b.offset

function decodeFrame (body: Buffer): { rows: number, csv: string } {
  const text = body.toString('utf8')
  const newline = text.indexOf('\n')
  const rows = Number(text.slice(0, newline))
  if (newline < 1 || !Number.isInteger(rows) || rows < 1) throw new Error('verification journal: a frame without its row count')
  return { rows, csv: text.slice(newline + 1) }
}

async function readPosition (db: Database): Promise<SpoolPosition | null> {
  const { rows } = await db.query<{ segment: number, offset: number }>('SELECT segment, "offset" FROM trace_verification_journal WHERE id = 1')
  const row = rows[0]
  return row === undefined ? null : { segment: row.segment, offset: row.offset }
}

/**
 * Open the journal: frames recovered past the position the database recorded are copied before this
 * resolves, so the table is complete when the platform starts serving.
 */
export async function openVerificationJournal (options: VerificationJournalOptions): Promise<{ journal: VerificationJournal, recoveredRows: number }> {
  const { db } = options
  const applyRows = options.applyRows ?? 5000
  const applyDelayMs = options.applyDelayMs ?? 250
  const retryMs = options.retryMs ?? 1000
  const position = await readPosition(db)
  const { spool, recovery } = await openSpool({
    dir: options.dir,
    maxBytes: MAX_WAITING_BYTES,
    fsync: options.fsync,
    writeThrough: true,
    closedError: () => new TRC_JOURNAL_CLOSED(),
    ...(options.segmentBytes === undefined ? {} : { segmentBytes: options.segmentBytes }),
    ...(position === null ? {} : { minSegment: position.segment + 1 })
  })

  let waiting: Waiting[] = []
  let waitingRows = 0
  let appliedRows = 0
  /** Rows handed to `append` so far, and those settled (copied, or failed to be made durable). */
  let appendedRows = 0
  let settledRows = 0
  let applying: Promise<void> | null = null
  let timer: NodeJS.Timeout | null = null
  let closed = false
  let waiters: Array<{ target: number, resolve: () => void, reject: (error: Error) => void }> = []

  const wakeWaiters = (): void => {
    if (waiters.length === 0) return
    const still: typeof waiters = []
    for (const waiter of waiters) {
      if (settledRows >= waiter.target) waiter.resolve()
      else still.push(waiter)
    }
    waiters = still
  }

  const settle = (rows: number): void => {
    settledRows += rows
    wakeWaiters()
  }

  const copy = async (batch: readonly Waiting[]): Promise<void> => {
    const end = (batch[batch.length - 1] as Waiting).end
    await db.transaction(async (tx) => {
      await tx.copyFrom(TABLE, COLUMNS, batch.map((w) => w.csv).join(''))
      await tx.query(
        `INSERT INTO trace_verification_journal (id, segment, "offset", updated_at) VALUES (1, $1, $2, now())
         ON CONFLICT (id) DO UPDATE SET segment = excluded.segment, "offset" = excluded."offset", updated_at = excluded.updated_at`,
        [end.segment, end.offset])
    })
  }

  const runApply = async (): Promise<void> => {
    if (timer !== null) { clearTimeout(timer); timer = null }
    try {
      // The rows waiting now; those that arrive meanwhile wait for the next copy (scheduleApply).
      let left = waitingRows
      while (left > 0 && waiting.length > 0) {
        let take = 0
        let rows = 0
        while (take < waiting.length && (take === 0 || rows + (waiting[take] as Waiting).rows <= MAX_ROWS_PER_COPY)) rows += (waiting[take++] as Waiting).rows
        const batch = waiting.slice(0, take)
        await copy(batch)
        waiting = waiting.slice(take)
        waitingRows -= rows
        left -= rows
        appliedRows += rows
        spool.release((batch[batch.length - 1] as Waiting).end, batch.reduce((sum, w) => sum + w.bytes, 0))
        settle(rows)
      }
    } catch (error) {
      // Nothing of the failed copy counts: its rows stay first in line and are tried again.
      const failure = error as Error
      options.onApplyFailed?.(failure)
      for (const waiter of waiters.splice(0)) waiter.reject(failure)
      if (!closed) timer = setTimeout(() => { timer = null; startApply() }, retryMs).unref()
      throw failure
    }
  }

  const startApply = (): void => {
    if (applying !== null || waiting.length === 0) return
    applying = runApply().catch(() => {}).finally(() => {
      applying = null
      if (timer === null) scheduleApply()
    })
  }

  /** Copy now when somebody waits or enough rows do; otherwise once the first waiting row is `applyDelayMs` old. */
  const scheduleApply = (): void => {
    if (applying !== null || waiting.length === 0) return
    if (waiters.length > 0 || waitingRows >= applyRows || closed) startApply()
    // Unref'd: rows left waiting by a process that exits are in the journal, copied at its next start.
    else timer ??= setTimeout(() => { timer = null; startApply() }, applyDelayMs).unref()
  }

  const recoveredRows = await (async () => {
    let rows = 0
    for (const record of recovery.records) {
      if (position !== null && compare(record.end, position) <= 0) {
        // Copied before the crash; only the checkpoint file had not caught up.
        spool.release(record.end, record.bytes)
        continue
      }
      const frame = decodeFrame(record.body)
      waiting.push({ csv: frame.csv, rows: frame.rows, end: record.end, bytes: record.bytes })
      waitingRows += frame.rows
      rows += frame.rows
    }
    appendedRows = rows
    if (rows > 0) await runApply()
    return rows
  })().catch(async (error: unknown) => {
    closed = true
    if (timer !== null) clearTimeout(timer)
    await spool.close()
    throw error
  })

  const journal: VerificationJournal = {
    append (rows) {
      if (rows.length === 0) return Promise.resolve()
      if (closed) return Promise.reject(new TRC_JOURNAL_CLOSED())
      const csv = verificationCsv(rows)
      const head = `${rows.length}\n`
      const length = Buffer.byteLength(head) + Buffer.byteLength(csv)
      const frame = Buffer.allocUnsafe(SPOOL_FRAME_HEADER_BYTES + length)
      frame.write(csv, SPOOL_FRAME_HEADER_BYTES + frame.write(head, SPOOL_FRAME_HEADER_BYTES))
      appendedRows += rows.length
      return new Promise<void>((resolve, reject) => {
        spool.appendFrame(frame, (error, segment, offset) => {
          if (error !== null) {
            settle(rows.length)
            reject(error)
            return
          }
          waiting.push({ csv, rows: rows.length, end: { segment, offset }, bytes: frame.length })
          waitingRows += rows.length
          scheduleApply()
          resolve()
        })
      })
    },

    async applied () {
      if (settledRows >= appendedRows) return
      const done = new Promise<void>((resolve, reject) => waiters.push({ target: appendedRows, resolve, reject }))
      scheduleApply()
      await done
    },

    get waitingRows () { return waitingRows },
    get appliedRows () { return appliedRows },

    async close () {
      if (closed) return
      closed = true
      // Appends already handed to the spool become durable (or fail) before it closes.
      await spool.close()
      if (timer !== null) { clearTimeout(timer); timer = null }
      while (applying !== null) await applying
      // What is left is copied now; if that fails it stays in the journal for the next start.
      if (waiting.length > 0) await runApply()
    }
  }
  return { journal, recoveredRows }
}

