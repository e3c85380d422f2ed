import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import pg from 'pg'
import copyStreams from 'pg-copy-streams'
import { DatabaseError } from './database.js'
import type { Database, QueryResult, Transaction } from './database.js'
import { assertIdentifier } from './sql-helpers.js'

export interface ServerDatabaseOptions {
  url: string
  /** Schema for every table (tests use one per run); `public` stays on the search path for extensions. */
  schema?: string
  poolSize?: number
  /** Called for errors on idle connections, which would otherwise be lost. */
  onIdleError?: (error: Error) => void
}

const INT8 = 20
const NUMERIC = 1700
const typeParsers = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8 || oid === NUMERIC) return (text: string) => Number(text)
    return pg.types.getTypeParser(oid, format as 'text')
  }) as typeof pg.types.getTypeParser
}

function wrapError (error: unknown): Error {
  if (error instanceof DatabaseError) return error
  const e = error as { message?: string, code?: string, detail?: string, constraint?: string }
  return new DatabaseError(e.message ?? String(error), { code: e.code, detail: e.detail, constraint: e.constraint })
}

/** Several statements, no parameters: pg answers with one result per statement, which we do not need. */
async function runScript (client: pg.Pool | pg.PoolClient, sql: string): Promise<void> {
  try {
    await client.query(sql)
  } catch (error) {
    throw wrapError(error)
  }
}

async function run<Row> (client: pg.Pool | pg.PoolClient, sql: string, params: readonly unknown[]): Promise<QueryResult<Row>> {
  try {
    const result = await client.query(sql, params as unknown[])
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length }
  } catch (error) {
    throw wrapError(error)
  }
}

/** `pg` against DATABASE_URL: TimescaleDB when the server has it, plain PostgreSQL ≥ 14 otherwise. */
export async function openServerDatabase (options: ServerDatabaseOptions): Promise<Database> {
  const schema = options.schema ?? 'public'
  assertIdentifier(schema)
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    application_name: 'afterline',
    options: `-c search_path=${schema},public`,
    types: typeParsers
  })
  pool.on('error', (error) => options.onIdleError?.(error))

  try {
    if (schema !== 'public') await run(pool, `CREATE SCHEMA IF NOT EXISTS ${schema}`, [])
    const timescaledb = await enableTimescale(pool)
    return createServerDatabase(pool, timescaledb)
  } catch (error) {
    await pool.end()
    throw wrapError(error)
  }
}

async function enableTimescale (pool: pg.Pool): Promise<boolean> {
  const available = await run<{ n: number }>(pool, "SELECT count(*) AS n FROM pg_available_extensions WHERE name = 'timescaledb'", [])
  if (available.rows[0]?.n === 0) return false
  try {
    await run(pool, 'CREATE EXTENSION IF NOT EXISTS timescaledb WITH SCHEMA public', [])
  } catch {
    // Installed but not preloaded (shared_preload_libraries) or not permitted: run as plain PostgreSQL.
    return false
  }
  const loaded = await run<{ n: number }>(pool, "SELECT count(*) AS n FROM pg_extension WHERE extname = 'timescaledb'", [])
  return loaded.rows[0]?.n === 1
}

async function copyInto (client: pg.PoolClient, table: string, columns: readonly string[], csv: AsyncIterable<string> | string): Promise<number> {
  assertIdentifier(table)
  columns.forEach(assertIdentifier)
  try {
    const stream = client.query(copyStreams.from(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`))
    await pipeline(typeof csv === 'string' ? Readable.from([csv]) : Readable.from(csv), stream)
    return stream.rowCount ?? 0
  } catch (error) {
    throw wrapError(error)
  }
}

function createServerDatabase (pool: pg.Pool, timescaledb: boolean): Database {
  let closed = false
  const database: Database = {
    driver: 'server',
    timescaledb,

    query: <Row>(sql: string, params: readonly unknown[] = []) => run<Row>(pool, sql, params),

    async transaction<T> (fn: (tx: Transaction) => Promise<T>): Promise<T> {
      let client: pg.PoolClient
      try {
        client = await pool.connect()
      } catch (error) {
        throw wrapError(error)
      }
      let broken: Error | undefined
      try {
        await run(client, 'BEGIN', [])
        const tx: Transaction = {
          query: <Row>(sql: string, params: readonly unknown[] = []) => run<Row>(client, sql, params),
          exec: async (sql: string) => { await runScript(client, sql) },
          copyFrom: async (table, columns, csv) => await copyInto(client, table, columns, csv)
        }
        const result = await fn(tx)
        await run(client, 'COMMIT', [])
        return result
      } catch (error) {
        await run(client, 'ROLLBACK', []).catch((rollbackError: Error) => { broken = rollbackError })
        throw error
      } finally {
        client.release(broken)
      }
    },

    async copyFrom (table, columns, csv) {
      const client = await pool.connect().catch((error: unknown) => { throw wrapError(error) })
      let broken: Error | undefined
      try {
        return await copyInto(client, table, columns, csv)
      } catch (error) {
        broken = error as Error
        throw error
      } finally {
        client.release(broken)
      }
    },

    async exec (sql) {
      await runScript(pool, sql)
    },

    async ping () {
      await run(pool, 'SELECT 1', [])
    },

    async close () {
      if (closed) return
      closed = true
      await pool.end()
    }
  }
  return database
}
