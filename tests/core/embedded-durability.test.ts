import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { openEmbeddedDatabase } from '../../core/db/embedded-driver.js'
import type { EmbeddedDatabase } from '../../core/db/embedded-driver.js'
import { openTestDatabase } from '../helpers/database.js'

const tempDir = (t: Test): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-durability-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  return path.join(dir, 'db')
}

t.test('on disk, every commit is flushed to disk before it is answered; reads add no flush', async (t) => {
  const dataDir = tempDir(t)
  const db = await openEmbeddedDatabase({ dataDir })
  await db.exec('CREATE TABLE durable_test (n integer NOT NULL)')
  const start = await db.durabilityStats()
  if (start === null) throw new Error('an on-disk database reports its flushes')

  await db.query('INSERT INTO durable_test (n) VALUES (1)')
  const afterInsert = await db.durabilityStats()
  t.equal(afterInsert?.walFlushes, start.walFlushes + 1, 'the commit was flushed before its answer came back')

  for (let i = 0; i < 5; i++) await db.query('SELECT count(*) FROM durable_test')
  t.equal((await db.durabilityStats())?.walFlushes, afterInsert?.walFlushes, 'reads flush nothing')

  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO durable_test (n) VALUES (2)')
    await tx.query('INSERT INTO durable_test (n) VALUES (3)')
  })
  const afterTransaction = await db.durabilityStats()
  t.equal(afterTransaction?.walFlushes, (afterInsert?.walFlushes ?? 0) + 1, 'a transaction is flushed once, at its commit')

  // Commits that end while a flush runs share the next one.
  await Promise.all(Array.from({ length: 100 }, (_, i) => db.query('INSERT INTO durable_test (n) VALUES ($1)', [10 + i])))
  const afterConcurrent = await db.durabilityStats()
  const flushes = (afterConcurrent?.walFlushes ?? 0) - (afterTransaction?.walFlushes ?? 0)
  t.ok(flushes >= 1 && flushes < 100, `100 concurrent commits took ${flushes} flushes`)

  // Staged: told when the statement has run, then again once its commit is on disk.
  const order: string[] = []
  const staged = db.queryStaged<{ n: number }>('INSERT INTO durable_test (n) VALUES (999) RETURNING n')
  const bothDone = Promise.all([
    staged.executed.then((r) => { order.push(`executed ${String(r.rows[0]?.n)}`) }),
    staged.durable.then((r) => { order.push(`durable ${String(r.rows[0]?.n)}`) })
  ])
  await bothDone
  t.same(order, ['executed 999', 'durable 999'], 'executed first, durable after, with the same result')
  const failed = db.queryStaged('INSERT INTO missing_table VALUES (1)')
  await t.rejects(failed.executed, { code: '42P01' }, 'a statement that fails fails its executed promise')
  await t.rejects(failed.durable, { code: '42P01' }, 'and its durable one')
  await db.query('DELETE FROM durable_test WHERE n = 999')

  await db.exec('CHECKPOINT')
  t.ok(((await db.durabilityStats())?.fileSyncs ?? 0) > 0, "a checkpoint's flushes of data files reach the disk")
  await db.close()

  // Reopened with fsync off (DB_FSYNC=false): the rows are there, and nothing is flushed any more.
  const reopened = await openEmbeddedDatabase({ dataDir, fsync: false })
  t.teardown(() => reopened.close())
  t.equal((await reopened.query<{ n: number }>('SELECT count(*)::int AS n FROM durable_test')).rows[0]?.n, 103, 'every committed row is there after reopening')
  await reopened.query('INSERT INTO durable_test (n) VALUES (0)')
  t.equal(await reopened.durabilityStats(), null, 'with fsync off nothing is flushed')
})

t.test('in memory there is nothing to flush', async (t) => {
  const { db, close } = await openTestDatabase('embedded', { migrate: false, template: true })
  t.teardown(close)
  t.equal(await (db as EmbeddedDatabase).durabilityStats(), null)
  const staged = db.queryStaged?.<{ one: number }>('SELECT 1 AS one')
  t.equal((await staged?.executed)?.rows[0]?.one, 1)
  t.equal((await staged?.durable)?.rows[0]?.one, 1)
})
