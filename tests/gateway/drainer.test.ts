import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { createSilentLogger } from '../../core/logger.js'
import { createDrainer } from '../../gateway/ingest/drainer.js'
import type { DrainItem } from '../../gateway/ingest/drainer.js'
import { openSpool } from '../../core/spool.js'
import { GW_SPOOL_CLOSED } from '../../gateway/errors.js'
import { forEachDriver, openTestDatabase } from '../helpers/database.js'

const closedError = (): Error => new GW_SPOOL_CLOSED()

const DEVICE = '0f8fad5b-d9cb-469f-a165-70867728950e'

forEachDriver(t, 'a message the database refuses is set aside; the rest is stored and the drain goes on', async (t, driver) => {
  const { db, close } = await openTestDatabase(driver)
  t.teardown(close)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-drain-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const { spool } = await openSpool({ dir, maxBytes: 1 << 20, fsync: false, closedError })
  const setAside: DrainItem[] = []
  const drainer = createDrainer({ db, spool, batchPoints: 1000, logger: createSilentLogger(), hooks: { onUnstorable: async (item) => { setAside.push(item) } } })
  drainer.start()
  t.teardown(() => drainer.stop())

  const base = Date.parse('2026-11-22T00:00:00Z') * 1000
  for (let i = 0; i < 5; i++) {
    const record = await spool.append(Buffer.from(`r${i}`))
    const item: DrainItem = i === 2
      // PostgreSQL text cannot hold NUL: this dead letter can never be stored.
      ? { kind: 'dead_letter', end: record.end, bytes: record.bytes, deviceId: DEVICE, receivedAt: base + i, topic: 't', code: 'X', reason: 'bad \u0000 reason', payload: Buffer.from('x'), originalSize: 1 }
      : { kind: 'telemetry', end: record.end, bytes: record.bytes, deviceId: DEVICE, readings: [{ metric: 'temp', ts: base + i, value: i }] }
    drainer.enqueue(item)
  }
  await drainer.drained()
  const { rows } = await db.query<{ value: number }>('SELECT value FROM telemetry ORDER BY ts')
  t.same(rows.map((row) => row.value), [0, 1, 3, 4], 'the other messages are stored')
  t.equal(setAside.length, 1)
  t.match(setAside[0], { kind: 'dead_letter', reason: 'bad \u0000 reason' })
  t.equal(spool.backlogBytes, 0, 'everything is released from the spool')
  await spool.close()
})

t.test('write-behind pacing: the drain waits while ingest is under pressure, but never beyond the lag or fill bounds', async (t) => {
  const { db, close } = await openTestDatabase('embedded')
  t.teardown(close)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-pacing-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const { spool } = await openSpool({ dir, maxBytes: 4000, fsync: false, closedError })
  let busy = true
  let clock = 0
  const drainer = createDrainer({
    db, spool, batchPoints: 1000, logger: createSilentLogger(),
    hooks: { onUnstorable: async () => {} },
    pacing: { isBusy: () => busy, maxLagMs: 10_000, deferBelowBytes: 1000, now: () => clock }
  })
  drainer.start()
  t.teardown(() => drainer.stop())
  const stored = async (): Promise<number> => (await db.query<{ n: number }>('SELECT count(*) AS n FROM telemetry')).rows[0]!.n
  const enqueue = async (i: number): Promise<void> => {
    const record = await spool.append(Buffer.alloc(100))
    drainer.enqueue({ kind: 'telemetry', end: record.end, bytes: record.bytes, deviceId: DEVICE, readings: [{ metric: 'temp', ts: 1_795_000_000_000_000 + i, value: i }] })
  }

  await enqueue(0)
  await new Promise((resolve) => setTimeout(resolve, 150))
  t.equal(await stored(), 0, 'while busy, a fresh message waits')
  clock = 10_001
  await drainer.drained()
  t.equal(await stored(), 1, 'once the oldest message waited the maximum lag, the drain goes ahead')

  for (let i = 1; i <= 9; i++) await enqueue(i) // 9 × 112 bytes ≥ the 1,000-byte threshold
  await drainer.drained()
  t.equal(await stored(), 10, 'a spool filling up is drained at once, busy or not')

  await enqueue(10)
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(await stored(), 10)
  busy = false
  await drainer.drained()
  t.equal(await stored(), 11, 'when the pressure is off, the drain catches up')
  await spool.close()
})
