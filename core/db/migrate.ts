import fs from 'node:fs'
import path from 'node:path'
import { CORE_MIGRATION_FAILED } from '../errors.js'
import type { Database } from './database.js'

/** A module's folder of plain SQL migrations, applied in file-name order. */
export interface MigrationSource {
  module: string
  dir: string
}

/**
 * File names: `0001_name.sql` runs everywhere; `0001_name.timescaledb.sql` only where TimescaleDB is
 * loaded; `0001_name.plain.sql` only where it is not. A file whose first line is
 * `-- afterline:no-transaction` runs outside a transaction (TimescaleDB refuses some DDL inside one).
 * Each applied file is recorded in `schema_migrations`; applying twice is a no-op, and concurrent
 * starts against one server serialise on an advisory lock.
 */
export async function migrate (db: Database, sources: readonly MigrationSource[]): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`)
  const applied: string[] = []
  for (const source of sources) {
    for (const file of listMigrationFiles(source.dir, db.timescaledb)) {
      const name = `${source.module}/${file}`
      const sql = fs.readFileSync(path.join(source.dir, file), 'utf8')
      try {
        if (await applyOne(db, name, sql)) applied.push(name)
      } catch (error) {
        throw new CORE_MIGRATION_FAILED(name, (error as Error).message)
      }
    }
  }
  return applied
}

export function listMigrationFiles (dir: string, timescaledb: boolean): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .filter((file) => {
      if (file.endsWith('.timescaledb.sql')) return timescaledb
      if (file.endsWith('.plain.sql')) return !timescaledb
      return true
    })
    .sort()
}

const LOCK_KEY = 'afterline.migrations'

async function applyOne (db: Database, name: string, sql: string): Promise<boolean> {
  if (sql.startsWith('-- afterline:no-transaction')) {
    // Such files must be idempotent themselves (IF NOT EXISTS): they run first and are recorded after.
    const done = await db.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name])
    if (done.rowCount > 0) return false
    await db.exec(sql)
    await db.query('INSERT INTO schema_migrations (name) VALUES ($1) ON CONFLICT DO NOTHING', [name])
    return true
  }
  return await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext(current_schema() || $1))', [LOCK_KEY])
    const done = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name])
    if (done.rowCount > 0) return false
    await tx.exec(sql)
    await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name])
    return true
  })
}
