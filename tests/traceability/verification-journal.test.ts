import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import type { Database, Transaction } from '../../core/db/database.js'
import { forEachDriver, openTestDatabase } from '../helpers/database.js'
import type { VerificationRecord } from '../../traceability/scans/scan.repository.js'
import { openVerificationJournal } from '../../traceability/scans/verification-journal.js'
import type { VerificationJournalOptions } from '../../traceability/scans/verification-journal.js'
import { TRC_JOURNAL_CLOSED } from '../../traceability/errors.js'

const AT = new Date('2026-11-20T08:00:00.000Z')
let nextId = 0
const row = (serial: string, consumerId: string | null, extra: Partial<VerificationRecord> = {}): VerificationRecord => ({
  id: `00000000-0000-4000-8000-${String(++nextId).padStart(12, '0')}`,
  code: `https://id.example.com/01/09506000134352/21/${serial}`, serial, gtin: '09506000134352', lot: 'L1', consumerId,
  location: { lat: 28.0001, lng: 120.6702 }, city: 'Wenzhou', at: new Date(AT.getTime() + nextId * 1000), recordedAt: AT, ...extra
})

async function setup (t: Test, driver: 'embedded' | 'server') {
  const opened = await openTestDatabase(driver)
  t.teardown(opened.close)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-journal-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const open = async (db: Database = opened.db, options: Partial<VerificationJournalOptions> = {}) =>
    await openVerificationJournal({ db, dir, fsync: true, applyRows: 1_000_000, applyDelayMs: 60_000, ...options })
  const stored = async () => (await opened.db.query<{ id: string, code: string, serial: string, lot: string | null, consumer_id: string | null, lat: number | null, lng: number | null, city: string | null, at: Date }>(
    'SELECT id, code, serial, lot, consumer_id, lat, lng, city, at FROM trace_verifications ORDER BY seq')).rows
  return { db: opened.db, dir, open, stored }
}

forEachDriver(t, 'journalled verifications reach the table in append order, every field as it was', async (t, driver) => {
  const { open, stored } = await setup(t, driver)
  const { journal, recoveredRows } = await open()
  t.equal(recoveredRows, 0)
  const odd = row('S2', null, { code: 'https://id.example.com/01/09506000134352/21/S2?q="a, b"\nnext', lot: null, location: null, city: '温州, "Wenzhou"' })
  await journal.append([row('S1', 'c1'), odd])
  await journal.append([row('S1', 'c2')])
  await journal.append([])
  t.equal(journal.waitingRows, 3)
  t.same(await stored(), [], 'not copied until somebody needs the table (or enough wait)')
  await journal.applied()
  t.equal(journal.waitingRows, 0)
  t.equal(journal.appliedRows, 3)
  const rows = await stored()
  t.same(rows.map((r) => [r.serial, r.consumer_id]), [['S1', 'c1'], ['S2', null], ['S1', 'c2']])
  t.same(rows[1], { id: odd.id, code: odd.code, serial: 'S2', lot: null, consumer_id: null, lat: null, lng: null, city: '温州, "Wenzhou"', at: odd.at })
  t.same([rows[0]?.lat, rows[0]?.lng, rows[0]?.lot], [28.0001, 120.6702, 'L1'])
  await journal.close()
  await t.rejects(journal.append([row('S3', 'c3')]), { code: TRC_JOURNAL_CLOSED.code })
})

forEachDriver(t, 'the journal copies by itself once enough rows wait, or soon after the first', async (t, driver) => {
  const { open, stored } = await setup(t, driver)
  const many = await open(undefined, { applyRows: 3 })
  await many.journal.append([row('A', 'c1'), row('A', 'c2')])
  await many.journal.append([row('A', 'c3')])
  for (let i = 0; i < 100 && (await stored()).length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal((await stored()).length, 3, 'three rows waiting: copied')
  await many.journal.close()
  const soon = await open(undefined, { applyDelayMs: 20 })
  await soon.journal.append([row('B', 'c1')])
  for (let i = 0; i < 100 && (await stored()).length < 4; i++) await new Promise((resolve) => setTimeout(resolve, 10))
  t.equal((await stored()).length, 4, 'one row, after the delay')
  await soon.journal.close()
})

forEachDriver(t, 'after a crash, what was journalled and not copied is copied at the next open, once', async (t, driver) => {
  const { open, stored, dir } = await setup(t, driver)
  const first = await open()
  await first.journal.append([row('S1', 'c1'), row('S1', 'c2')])
  await first.journal.applied()
  await first.journal.append([row('S1', 'c3')])
  await first.journal.append([row('S2', 'c4')])
  // The process dies here: the last two appends are on disk, not in the table.
  const segments = fs.readdirSync(dir).filter((name) => name.endsWith('.seg')).sort()
  // …and its last write was torn: half a frame at the end, never acknowledged.
  fs.appendFileSync(path.join(dir, segments.at(-1) as string), Buffer.from([0x41, 0x46, 0x4c, 0x53, 9, 9]))

  const second = await open()
  t.equal(second.recoveredRows, 2)
  t.same((await stored()).map((r) => r.consumer_id), ['c1', 'c2', 'c3', 'c4'])
  await second.journal.append([row('S1', 'c5')])
  await second.journal.close()

  // The copy committed but the spool's own checkpoint file is behind (lost with the crash): the
  // position in the database is what counts, nothing is copied twice.
  fs.rmSync(path.join(dir, 'checkpoint.json'), { force: true })
  const third = await open()
  t.equal(third.recoveredRows, 0)
  t.same((await stored()).map((r) => r.consumer_id), ['c1', 'c2', 'c3', 'c4', 'c5'])
  await third.journal.close()
})

forEachDriver(t, 'a journal folder lost while the database kept its position: new rows are still copied after a restart', async (t, driver) => {
  const { open, stored, dir } = await setup(t, driver)
  const first = await open()
  await first.journal.append([row('S1', 'c1')])
  await first.journal.close()
  for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { force: true })
  const second = await open()
  await second.journal.append([row('S1', 'c2')])
  // Crash before the copy: the next open finds the row past the recorded position.
  const third = await open()
  t.equal(third.recoveredRows, 1)
  t.same((await stored()).map((r) => r.consumer_id), ['c1', 'c2'])
  await third.journal.close()
})

forEachDriver(t, 'a copy that fails is told to those waiting, keeps its rows and is tried again', async (t, driver) => {
  const { db, open, stored } = await setup(t, driver)
  let failures = 1
  const failing: Database = {
    ...db,
    transaction: async <T>(fn: (tx: Transaction) => Promise<T>) => await db.transaction(async (tx) => {
      if (failures > 0) {
        failures--
        throw new Error('database unavailable')
      }
      return await fn(tx)
    })
  }
  const errors: string[] = []
  const { journal } = await open(failing, { retryMs: 20, onApplyFailed: (error) => errors.push(error.message) })
  await journal.append([row('S1', 'c1'), row('S1', 'c2')])
  await t.rejects(journal.applied(), { message: 'database unavailable' })
  t.same(errors, ['database unavailable'])
  t.equal(journal.waitingRows, 2)
  await journal.applied()
  t.same((await stored()).map((r) => r.consumer_id), ['c1', 'c2'], 'copied once, in order')
  await journal.close()
})
