import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import type { Database, DriverName } from '../../core/db/database.js'
import { migrate } from '../../core/db/migrate.js'
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

export async function openTestDatabase (driver: DriverName, options: { migrate?: boolean, dataDir?: string | null } = {}): Promise<TestDatabase> {
  let db: Database
  let schema: string | null = null
  if (driver === 'server') {
    if (serverUrl === null) throw new Error('TEST_DATABASE_URL is not set')
    schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`
    db = await openServerDatabase({ url: serverUrl, schema, poolSize: 5 })
  } else {
    db = await openEmbeddedDatabase({ dataDir: options.dataDir ?? null })
  }
  if (options.migrate ?? true) await migrate(db, allMigrations)
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
