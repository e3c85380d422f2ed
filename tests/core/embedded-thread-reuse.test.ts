import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { openEmbeddedDatabase } from '../../core/db/embedded-driver.js'
import { queryStagedDurably as staged } from '../helpers/database.js'

// An in-memory database's thread is kept for the next in-memory database (embedded-driver.ts). What
// the next one sees must be its own database only: no table, no prepared statement, no closed state.

t.test('a database opened on a reused thread starts from nothing of the one before', async (t) => {
  const first = await openEmbeddedDatabase({ dataDir: null })
  await first.exec('CREATE TABLE reuse_probe (id integer PRIMARY KEY)')
  await first.query('INSERT INTO reuse_probe VALUES (1), (2)')
  t.same((await staged<{ n: number }>(first, 'SELECT count(*)::int AS n FROM reuse_probe')).rows, [{ n: 2 }])
  const dump = await first.dumpDataDir()
  await first.close()
  await t.rejects(first.query('SELECT 1'), { code: 'CORE_DB_CLOSED' }, 'the closed handle stays closed though its thread lives on')

  const second = await openEmbeddedDatabase({ dataDir: null })
  t.same((await second.query('SELECT to_regclass(\'reuse_probe\') AS found')).rows, [{ found: null }], 'the table of the closed database is not there')
  await second.exec('CREATE TABLE reuse_probe (id integer PRIMARY KEY, note text)')
  await second.query("INSERT INTO reuse_probe VALUES (7, 'seven')")
  t.same((await staged(second, 'SELECT count(*)::int AS n FROM reuse_probe')).rows, [{ n: 1 }], 'the same staged statement is prepared again for the new database')
  t.same((await second.query('SELECT extname FROM pg_extension WHERE extname = \'timescaledb\'')).rows, [{ extname: 'timescaledb' }])

  // Two open at once: the third gets a thread of its own, since the only spare is the second's, in use.
  const third = await openEmbeddedDatabase({ dataDir: null, fromDump: dump })
  t.same((await third.query('SELECT id FROM reuse_probe ORDER BY id')).rows, [{ id: 1 }, { id: 2 }], 'a copy from the first database\'s dump')
  t.same((await second.query('SELECT id FROM reuse_probe')).rows, [{ id: 7 }], 'each keeps its own data')
  await second.close()
  await third.close()
})

t.test('an on-disk database gets its own thread and is intact after an in-memory one closed', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-reuse-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const memory = await openEmbeddedDatabase({ dataDir: null })
  await memory.exec('CREATE TABLE only_in_memory (id integer)')
  await memory.close()

  const dataDir = path.join(dir, 'pgdata')
  const disk = await openEmbeddedDatabase({ dataDir })
  t.same((await disk.query('SELECT to_regclass(\'only_in_memory\') AS found')).rows, [{ found: null }])
  await disk.exec('CREATE TABLE on_disk (id integer)')
  await disk.query('INSERT INTO on_disk VALUES (3)')
  t.not(await disk.durabilityStats(), null, 'flushes commits to disk, unlike an in-memory database')
  await disk.close()

  const reopened = await openEmbeddedDatabase({ dataDir })
  t.same((await reopened.query('SELECT id FROM on_disk')).rows, [{ id: 3 }])
  await reopened.close()
})
