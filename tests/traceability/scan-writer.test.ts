import fs from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import os from 'node:os'
import t from 'tap'
import type { Test } from 'tap'
import type { Database } from '../../core/db/database.js'
import { forEachDriver, openTestDatabase } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import type { ScanOutcome } from '../../traceability/index.js'
import { createScanRepository } from '../../traceability/scans/scan.repository.js'
import { issueCodes, seedChannel, WENZHOU } from './fixtures.js'
import { moveToStore, NOW } from './scan-helpers.js'

type Verdict = [ScanOutcome['result'], number | null, string[]]
const verdictOf = (outcome: ScanOutcome): Verdict =>
  [outcome.result, outcome.items[0]?.consumerVerifications ?? null, outcome.checks.filter((c) => !c.passed).map((c) => c.name)]
/** A scan batch's write: the batch function, or the insert of narrow verification rows alone. */
const isScanWrite = (sql: string): boolean => sql.includes('trace_record_scans') || sql.includes('INSERT INTO trace_verifications')
type FileHandleMethod = (...args: unknown[]) => Promise<unknown>
/**
 * Wrap methods of every open file's FileHandle (the verification journal's group commits are its
 * `writev`s, on disk when they return); each wrapper gets the real method first. Returns the undo.
 */
async function patchFileHandles (wrappers: Record<string, (this: FileHandle, real: FileHandleMethod, ...args: unknown[]) => Promise<unknown>>): Promise<() => void> {
  const handle = await fs.promises.open(os.devNull, 'r')
  const proto = Object.getPrototypeOf(handle) as Record<string, FileHandleMethod>
  await handle.close()
  const originals = Object.fromEntries(Object.keys(wrappers).map((name) => [name, proto[name] as FileHandleMethod]))
  for (const [name, wrap] of Object.entries(wrappers)) {
    const real = originals[name] as FileHandleMethod
    proto[name] = function (this: FileHandle, ...args: unknown[]) { return wrap.call(this, real, ...args) }
  }
  return () => { for (const [name, real] of Object.entries(originals)) proto[name] = real }
}
const nextTurn = async (): Promise<void> => { await new Promise<void>((resolve) => setImmediate(resolve)) }

/** A platform on `db` (closed, then `closeDb`, at teardown) with one code moved to the store's shelf. */
async function platformWithCodeInStore (t: Test, db: Database, closeDb: () => Promise<void>) {
  const test = await startTestPlatform('embedded', { now: () => NOW, db })
  t.teardown(async () => { await test.close(); await closeDb() })
  const brand = await seedChannel(test)
  const admin = await test.tokenFor('admin')
  const [code] = await issueCodes(test, brand, 1) as [string]
  await moveToStore(async (body) => await test.request('POST', '/api/scans', { token: admin, body }), code)
  return { test, scans: test.platform.traceability.scans, code }
}

forEachDriver(t, 'verifications that arrive while earlier ones are being written are checked against the state those left, as if one by one', async (t, driver) => {
  const test = await startTestPlatform(driver, { now: () => NOW })
  t.teardown(() => test.close())
  const brand = await seedChannel(test)
  const admin = await test.tokenFor('admin')
  const scan = async (body: Record<string, unknown>) => await test.request('POST', '/api/scans', { token: admin, body })
  const [overlapped, oneByOne] = await issueCodes(test, brand, 2) as [string, string]
  await moveToStore(scan, overlapped)
  await moveToStore(scan, oneByOne)
  const scans = test.platform.traceability.scans
  // Six consumers (the fourth distinct one makes it a clone finding), some more than once.
  const consumers = ['c1', 'c1', 'c2', 'c3', 'c2', 'c4', 'c5', 'c1', 'c6', 'c4']
  const verify = (code: string, consumerId: string) => scans.verify(code, { location: WENZHOU, consumerId, at: new Date(NOW - 3_600_000) })

  const expected: Verdict[] = []
  for (const consumerId of consumers) expected.push(verdictOf(await verify(oneByOne, consumerId)))
  // Three at once, then the rest in later turns of the event loop, while the first ones are written.
  const pending: Array<Promise<ScanOutcome>> = consumers.slice(0, 3).map((c) => verify(overlapped, c))
  for (const consumerId of consumers.slice(3)) {
    await nextTurn()
    pending.push(verify(overlapped, consumerId))
  }
  const got = (await Promise.all(pending)).map(verdictOf)
  t.same(got, expected)
  t.same(got.map((v) => v[1]), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'each counted once, in arrival order')
  t.same(got.map((v) => v[0]), ['ok', 'ok', 'ok', 'ok', 'ok', 'warning', 'warning', 'warning', 'warning', 'warning'])

  await scans.idle()
  const serial = overlapped.split('/21/')[1] as string
  const state = await test.platform.db.query<{ consumer_verifications: number, consumer_ids: string[] }>('SELECT consumer_verifications, consumer_ids FROM trace_code_state WHERE serial = $1', [serial])
  t.same(state.rows, [{ consumer_verifications: 10, consumer_ids: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'] }])
  const rows = await test.platform.db.query<{ n: number }>("SELECT count(*) AS n FROM trace_scan_log WHERE serial = $1 AND source = 'verify'", [serial])
  t.equal(rows.rows[0]?.n, 10)
  const narrow = await test.platform.db.query<{ n: number }>('SELECT count(*) AS n FROM trace_verifications WHERE serial = $1', [serial])
  t.equal(narrow.rows[0]?.n, 5, 'the five that passed every check are narrow rows')
})

t.test('a failed write fails its own request; those checked after it, on its unrecorded state, are checked again from the database', async (t) => {
  const opened = await openTestDatabase('embedded', { migrate: false, template: true })
  const { test, scans, code } = await platformWithCodeInStore(t, opened.db, opened.close)
  const verify = (consumerId: string) => scans.verify(code, { location: WENZHOU, consumerId, at: new Date(NOW - 3_600_000) })
  t.equal((await verify('c0')).items[0]?.consumerVerifications, 1)

  // The verification journal's next write fails (the disk is full), slowly, so later verifications
  // are checked while it is still pending.
  let failNext = true
  const restore = await patchFileHandles({
    async writev (this: FileHandle, real, ...args) {
      if (!failNext) return await real.apply(this, args)
      failNext = false
      await new Promise((resolve) => setTimeout(resolve, 30))
      throw Object.assign(new Error('disk full'), { code: 'ENOSPC' })
    }
  })
  t.teardown(restore)
  const failed = verify('c1')
  await nextTurn()
  const later = [verify('c2'), verify('c3')]
  await nextTurn()
  later.push(verify('c2'))
  await t.rejects(failed, { message: 'disk full' })
  const answers = await Promise.all(later)
  t.same(answers.map(verdictOf), [['ok', 2, []], ['ok', 3, []], ['ok', 4, []]], 'counted without the failed verification')

  await scans.idle()
  const serial = code.split('/21/')[1] as string
  const stored = (await createScanRepository().loadItems(test.platform.db, [serial], false)).get(serial)?.state
  t.same([stored?.consumerVerifications, stored?.consumerIds], [4, ['c0', 'c2', 'c3']], 'the item as read back from the database')
  const rows = await test.platform.db.query<{ consumer_id: string }>("SELECT consumer_id FROM trace_scan_log WHERE serial = $1 AND source = 'verify' ORDER BY id", [serial])
  t.same(rows.rows.map((r) => r.consumer_id), ['c0', 'c2', 'c3', 'c2'])
})

t.test("consumers' verifications are answered once the journal has them on disk, in order", async (t) => {
  const opened = await openTestDatabase('embedded', { migrate: false, template: true })
  const { test, scans, code } = await platformWithCodeInStore(t, opened.db, opened.close)
  await scans.idle()
  let release: (() => void) | null = null
  let holding = true
  const restore = await patchFileHandles({
    async writev (this: FileHandle, real, ...args) {
      if (holding) await new Promise<void>((resolve) => { release = resolve })
      return await real.apply(this, args)
    }
  })
  t.teardown(restore)
  const answered: string[] = []
  const verify = (consumerId: string) => scans.verify(code, { location: WENZHOU, consumerId, at: new Date(NOW - 3_600_000) })
    .then((outcome) => { answered.push(consumerId); return outcome })
  const first = verify('c1')
  while (release === null) await nextTurn()
  const second = verify('c2')
  await new Promise((resolve) => setTimeout(resolve, 20))
  t.same(answered, [], 'nobody is answered before the journal is on disk')
  holding = false
  ;(release as unknown as () => void)()
  const outcomes = await Promise.all([first, second])
  t.same(outcomes.map((o) => o.items[0]?.consumerVerifications), [1, 2])
  t.same(answered, ['c1', 'c2'])
  await scans.idle()
  const rows = await test.platform.db.query<{ consumer_id: string }>('SELECT consumer_id FROM trace_verifications ORDER BY seq')
  t.same(rows.rows.map((r) => r.consumer_id), ['c1', 'c2'])
})

t.test('the next write goes once the previous one has committed; its callers are answered once it is on disk', async (t) => {
  const opened = await openTestDatabase('embedded', { migrate: false, template: true })
  // The first write's flush is held back until released; the others flush at once.
  let holdFlush: (() => void) | null = null
  let heldOnce = false
  let writes = 0
  const staged = opened.db.queryStaged as NonNullable<Database['queryStaged']>
  const db: Database = {
    ...opened.db,
    queryStaged<Row> (sql: string, params?: readonly unknown[]) {
      const real = staged<Row>(sql, params)
      if (!isScanWrite(sql)) return real
      writes++
      if (heldOnce) return real
      heldOnce = true
      const released = new Promise<void>((resolve) => { holdFlush = resolve })
      return { executed: real.executed, durable: real.durable.then(async (result) => { await released; return result }) }
    }
  }
  const test = await startTestPlatform('embedded', { now: () => NOW, db })
  t.teardown(async () => { await test.close(); await opened.close() })
  const brand = await seedChannel(test)
  const admin = await test.tokenFor('admin')
  const codes = await issueCodes(test, brand, 2) as [string, string]
  for (const code of codes) await moveToStore(async (body) => await test.request('POST', '/api/scans', { token: admin, body }), code)
  // A consumer's first verification earns a reward: ledger lines, written to the database with the
  // batch's statement (the narrow verification rows themselves go to the journal).
  t.equal((await test.request('POST', '/api/reward-rules', { token: brand, body: { trigger: 'consumer_first_verify', amount: 2, shares: { consumer: 1 } } })).status, 201)
  const scans = test.platform.traceability.scans
  await scans.idle()
  writes = 0
  heldOnce = false
  const answered: string[] = []
  const verify = (code: string, consumerId: string) => scans.verify(code, { location: WENZHOU, consumerId, at: new Date(NOW - 3_600_000) })
    .then((outcome) => { answered.push(consumerId); return outcome })

  const first = verify(codes[0], 'c1')
  while (holdFlush === null) await nextTurn()
  const second = verify(codes[1], 'c2')
  const deadline = Date.now() + 5000
  while (writes < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5))
  t.equal(writes, 2, 'the second write went while the first was still being flushed')
  t.same(answered, [], 'nobody was answered before the first flush')
  ;(holdFlush as unknown as () => void)()
  const outcomes = await Promise.all([first, second])
  t.same(outcomes.map((o) => o.items[0]?.consumerVerifications), [1, 1])
  t.same(answered, ['c1', 'c2'])
  await scans.idle()
  const rows = await test.platform.db.query<{ consumer_id: string }>('SELECT consumer_id FROM trace_verifications ORDER BY seq')
  t.same(rows.rows.map((r) => r.consumer_id), ['c1', 'c2'])
  const ledger = await test.platform.db.query<{ beneficiary: string }>("SELECT beneficiary FROM trace_reward_ledger WHERE trigger = 'consumer_first_verify' ORDER BY beneficiary")
  t.same(ledger.rows.map((r) => r.beneficiary), ['c1', 'c2'])
})

forEachDriver(t, "consumers' verifications that passed every check are narrow rows; the item read again after a restart counts them all", async (t, driver) => {
  const opened = await openTestDatabase(driver, { migrate: false, template: true })
  t.teardown(opened.close)
  const first = await platformWithCodeInStore(t, opened.db, async () => {})
  const serial = first.code.split('/21/')[1] as string
  const at = (minutes: number) => new Date(NOW - 3_600_000 + minutes * 60_000)
  const verify = async (scans: typeof first.scans, consumerId: string, minutes: number) =>
    await scans.verify(first.code, { location: WENZHOU, consumerId, at: at(minutes) })
  t.same(verdictOf(await verify(first.scans, 'c1', 0)), ['ok', 1, []])
  t.same(verdictOf(await verify(first.scans, 'c2', 1)), ['ok', 2, []])
  t.same(verdictOf(await verify(first.scans, 'c1', 2)), ['ok', 3, []])
  await first.scans.idle()
  const narrow = await opened.db.query<{ consumer_id: string }>('SELECT consumer_id FROM trace_verifications WHERE serial = $1 ORDER BY seq', [serial])
  t.same(narrow.rows.map((r) => r.consumer_id), ['c1', 'c2', 'c1'])
  const stored = await opened.db.query<{ consumer_verifications: number }>('SELECT consumer_verifications FROM trace_code_state WHERE serial = $1', [serial])
  t.same(stored.rows, [{ consumer_verifications: 0 }], 'the stored state was not rewritten by them')

  const brand = await first.test.tokenFor('brand')
  // A new process (no item cache) reads the item: its state replays the three rows.
  await first.test.close()
  const second = await startTestPlatform(driver, { now: () => NOW, db: opened.db })
  t.teardown(() => second.close())
  const scans = second.platform.traceability.scans
  const again = await verify(scans, 'c3', 3)
  t.same(verdictOf(again), ['ok', 4, []])
  t.equal(again.items[0]?.firstVerifiedAt?.toISOString(), at(0).toISOString(), 'first verified by the first of them')
  const clone = await verify(scans, 'c4', 4)
  t.same(verdictOf(clone), ['warning', 5, ['consumer_verifications']], 'the fourth distinct consumer is a clone finding')
  await scans.idle()
  // The warning is a full scan: it stores the state, counting every narrow row before it.
  const state = await opened.db.query<{ consumer_verifications: number, consumer_ids: string[], verification_rows: number }>(
    'SELECT consumer_verifications, consumer_ids, verification_rows FROM trace_code_state WHERE serial = $1', [serial])
  t.same(state.rows, [{ consumer_verifications: 5, consumer_ids: ['c1', 'c2', 'c3', 'c4'], verification_rows: 4 }])
  const kpis = await second.request('GET', `/api/trace-analytics/kpis?from=${new Date(NOW - 86_400_000).toISOString()}&to=${new Date(NOW + 60_000).toISOString()}`, { token: brand })
  t.match(kpis.body, { consumerVerifications: 5, activatedConsumers: 4, consumerVerifiedCodes: 1 }, 'reports count the narrow rows')
})
