import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { listMigrationFiles, migrate } from '../../core/db/migrate.js'
import { AfterlineError } from '../../core/errors.js'
import { allMigrations } from '../../web/platform.js'
import { forEachDriver, openTestDatabase } from '../helpers/database.js'

t.test('migration files are chosen by the presence of TimescaleDB', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-mig-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  for (const name of ['0002_b.sql', '0001_a.sql', '0001_a.timescaledb.sql', '0001_a.plain.sql', 'notes.txt']) fs.writeFileSync(path.join(dir, name), '')
  t.same(listMigrationFiles(dir, true), ['0001_a.sql', '0001_a.timescaledb.sql', '0002_b.sql'])
  t.same(listMigrationFiles(dir, false), ['0001_a.plain.sql', '0001_a.sql', '0002_b.sql'])
})

forEachDriver(t, 'migrations apply once, in order, and report the failing file', async (t, driver) => {
  const { db, close } = await openTestDatabase(driver, { migrate: false })
  t.teardown(close)
  const first = await migrate(db, allMigrations)
  t.ok(first.includes('core/0001_users.sql') && first.includes('gateway/0002_telemetry.sql'))
  t.equal(first.includes('gateway/0002_telemetry.timescaledb.sql'), db.timescaledb)
  t.same(await migrate(db, allMigrations), [], 'a second run applies nothing')
  const concurrent = await Promise.all([migrate(db, allMigrations), migrate(db, allMigrations)])
  t.same(concurrent, [[], []])

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-mig-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  fs.writeFileSync(path.join(dir, '0001_ok.sql'), 'CREATE TABLE mig_ok (v int);')
  fs.writeFileSync(path.join(dir, '0002_broken.sql'), 'CREATE TABLE mig_broken (v int); SELECT no_such_function();')
  const error = await migrate(db, [{ module: 'extra', dir }]).catch((e: unknown) => e)
  t.ok(error instanceof AfterlineError)
  t.match((error as AfterlineError).message, /extra\/0002_broken\.sql failed: .*no_such_function/)
  const tables = await db.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_name IN ('mig_ok', 'mig_broken') AND table_schema = current_schema()")
  t.same(tables.rows.map((r) => r.name), ['mig_ok'], 'the failed file left nothing behind')
})
