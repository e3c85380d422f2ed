import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { DatabaseError, isUniqueViolation } from '../../core/db/database.js'
import { openEmbeddedDatabase } from '../../core/db/embedded-driver.js'
import { AfterlineError } from '../../core/errors.js'
import { forEachDriver, openTestDatabase } from '../helpers/database.js'

/** One conformance suite for both drivers: the same SQL must give the same JavaScript values. */
forEachDriver(t, 'database drivers behave alike', async (t, driver) => {
  const { db, close } = await openTestDatabase(driver, { migrate: false })
  t.teardown(close)
  await db.exec(`CREATE TABLE sample (id int8 PRIMARY KEY, n numeric, at timestamptz, doc jsonb, raw bytea, tags text[], note text);
                 CREATE TABLE counter (k text PRIMARY KEY, v int NOT NULL)`)

  t.test('types come back the same', async (t) => {
    const at = new Date('2026-11-22T10:11:12.345Z')
    await db.query('INSERT INTO sample VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)', [9_007_199_254_740_000, '12.5', at, JSON.stringify({ a: [1, 'x'] }), Buffer.from([1, 2, 255]), ['a', 'b'], null])
    const { rows, rowCount } = await db.query<Record<string, unknown>>('SELECT * FROM sample')
    t.equal(rowCount, 1)
    const row = rows[0]!
    t.equal(row.id, 9_007_199_254_740_000)
    t.equal(row.n, 12.5)
    t.same(row.at, at)
    t.same(row.doc, { a: [1, 'x'] })
    t.same([...(row.raw as Uint8Array)], [1, 2, 255])
    t.same(row.tags, ['a', 'b'])
    t.equal(row.note, null)
  })

  t.test('rowCount counts changed rows and returned rows', async (t) => {
    await db.query("INSERT INTO counter VALUES ('a', 1), ('b', 2), ('c', 3)")
    t.equal((await db.query('UPDATE counter SET v = v + 1 WHERE v >= 2')).rowCount, 2)
    t.equal((await db.query('SELECT * FROM counter')).rowCount, 3)
    t.equal((await db.query('DELETE FROM counter WHERE k = $1', ['zzz'])).rowCount, 0)
  })

  t.test('constraint violations keep their SQLSTATE', async (t) => {
    const error = await db.query("INSERT INTO counter VALUES ('a', 1)").catch((e: unknown) => e)
    t.ok(error instanceof DatabaseError)
    t.equal((error as DatabaseError).code, '23505')
    t.ok(isUniqueViolation(error))
  })

  t.test('a transaction commits or rolls back as a whole', async (t) => {
    await db.transaction(async (tx) => {
      await tx.query("UPDATE counter SET v = 100 WHERE k = 'a'")
      await tx.exec("UPDATE counter SET v = 200 WHERE k = 'b'; UPDATE counter SET v = 300 WHERE k = 'c'")
    })
    const boom = await db.transaction(async (tx) => {
      await tx.query("UPDATE counter SET v = -1 WHERE k = 'a'")
      throw new Error('boom')
    }).catch((e: Error) => e.message)
    t.equal(boom, 'boom')
    const { rows } = await db.query<{ k: string, v: number }>('SELECT k, v FROM counter ORDER BY k')
    t.same(rows, [{ k: 'a', v: 100 }, { k: 'b', v: 200 }, { k: 'c', v: 300 }])
  })

  t.test('queries from outside never run inside another caller\'s transaction', async (t) => {
    let release!: () => void
    const held = new Promise<void>((resolve) => { release = resolve })
    const tx = db.transaction(async (inner) => {
      await inner.query("UPDATE counter SET v = 0 WHERE k = 'a'")
      await held
      throw new Error('rolled back')
    }).catch(() => 'rolled back')
    await new Promise((resolve) => setTimeout(resolve, 20))
    const outside = db.query<{ v: number }>("SELECT v FROM counter WHERE k = 'a'")
    release()
    t.equal(await tx, 'rolled back')
    t.same((await outside).rows, [{ v: 100 }], 'the outside read saw neither the uncommitted nor a lost update')
  })

  t.test('transactions begun in the same tick do not interleave', async (t) => {
    await db.exec('CREATE TABLE ledger (k int PRIMARY KEY, v int)')
    await db.query('INSERT INTO ledger VALUES (1, 0)')
    // Read-modify-write in each transaction: interleaving would lose updates.
    await Promise.all(Array.from({ length: 10 }, () => db.transaction(async (tx) => {
      const { rows } = await tx.query<{ v: number }>('SELECT v FROM ledger WHERE k = 1 FOR UPDATE')
      await new Promise((resolve) => setTimeout(resolve, 2))
      await tx.query('UPDATE ledger SET v = $1 WHERE k = 1', [rows[0]!.v + 1])
    })))
    t.same((await db.query('SELECT v FROM ledger')).rows, [{ v: 10 }])
  })

  t.test('copyFrom streams CSV rows in', async (t) => {
    async function * rows (): AsyncGenerator<string> {
      for (let i = 0; i < 5000; i++) yield `${i},${i / 2},"note, with ""quotes"" ${i}"\n`
    }
    await db.exec('CREATE TABLE copied (id int8, n numeric, note text)')
    t.equal(await db.copyFrom('copied', ['id', 'n', 'note'], rows()), 5000)
    const { rows: sample } = await db.query('SELECT * FROM copied WHERE id = 7')
    t.same(sample, [{ id: 7, n: 3.5, note: 'note, with "quotes" 7' }])
    await t.rejects(db.copyFrom('copied; DROP TABLE counter', ['id'], ''), /not a plain SQL identifier/)
  })

  t.test('a transaction copies CSV rows with its other statements, all or nothing', async (t) => {
    await db.exec('CREATE TABLE copied_tx (id int8, note text); CREATE TABLE copied_mark (n int8)')
    const copied = await db.transaction(async (tx) => {
      const n = await tx.copyFrom('copied_tx', ['id', 'note'], '1,one\n2,"two, ""2"""\n')
      await tx.query('INSERT INTO copied_mark VALUES ($1)', [n])
      return n
    })
    t.equal(copied, 2)
    await t.rejects(db.transaction(async (tx) => {
      await tx.copyFrom('copied_tx', ['id', 'note'], '3,three\n')
      await tx.query('INSERT INTO copied_mark VALUES ($1)', ['not a number'])
    }))
    await t.rejects(db.transaction(async (tx) => await tx.copyFrom('copied_tx', ['id', 'note'], 'x,bad id\n')))
    t.same((await db.query('SELECT id, note FROM copied_tx ORDER BY id')).rows, [{ id: 1, note: 'one' }, { id: 2, note: 'two, "2"' }])
    t.same((await db.query('SELECT n FROM copied_mark')).rows, [{ n: 2 }])
    await t.rejects(db.transaction(async (tx) => await tx.copyFrom('copied_tx; DROP TABLE copied_mark', ['id'], '')), /not a plain SQL identifier/)
  })

  t.test('ping answers', async (t) => {
    await db.ping()
    t.pass()
  })
})

t.test('the embedded data folder belongs to one process; a stale lock is taken over', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-lock-'))
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }))
  const dataDir = path.join(root, 'db')
  fs.writeFileSync(`${dataDir}.lock`, '999999999')
  const db = await openEmbeddedDatabase({ dataDir })
  await db.query('CREATE TABLE kept (v int)')
  await db.query('INSERT INTO kept VALUES (42)')
  fs.writeFileSync(`${dataDir}.lock`, String(process.ppid))
  const second = await openEmbeddedDatabase({ dataDir }).catch((e: unknown) => e)
  t.ok(second instanceof AfterlineError)
  t.equal((second as AfterlineError).code, 'CORE_DATA_DIR_LOCKED')
  fs.writeFileSync(`${dataDir}.lock`, String(process.pid))
  await db.close()
  t.notOk(fs.existsSync(`${dataDir}.lock`), 'the lock is released on close')
  const reopened = await openEmbeddedDatabase({ dataDir })
  t.same((await reopened.query('SELECT v FROM kept')).rows, [{ v: 42 }], 'data survives a reopen')
  // A reopened folder still has TimescaleDB's full feature set (compression, policies).
  await reopened.exec("CREATE TABLE ts (t timestamptz NOT NULL, v int); SELECT create_hypertable('ts', by_range('t'))")
  await reopened.exec("ALTER TABLE ts SET (timescaledb.compress); SELECT add_compression_policy('ts', INTERVAL '7 days')")
  await reopened.close()
})
