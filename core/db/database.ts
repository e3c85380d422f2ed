/**
 * The one narrow interface every repository uses. Two drivers implement it (embedded PGlite with
 * TimescaleDB, and `pg` against a server) and return values of the same JavaScript types:
 * int8 and numeric → number, timestamptz → Date, json/jsonb → parsed, bytea → Uint8Array/Buffer
 * (both are Uint8Array), arrays → arrays. SQL is parameterised with `$1…`.
 */
export interface QueryResult<Row> {
  rows: Row[]
  /** Rows inserted, updated, deleted or returned. */
  rowCount: number
}

export interface Queryable {
  query<Row = Record<string, unknown>> (sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>
}

/** What a transaction callback receives: queries, and parameterless multi-statement SQL. */
export interface Transaction extends Queryable {
  exec (sql: string): Promise<void>
  /** `COPY table (columns) FROM STDIN` with CSV rows (no header), inside this transaction. Returns the number of rows copied. */
  copyFrom (table: string, columns: readonly string[], csv: string): Promise<number>
}

export type DriverName = 'embedded' | 'server'

export interface Database extends Queryable {
  readonly driver: DriverName
  /** True when the TimescaleDB extension is loaded (hypertables, time_bucket, policies, continuous aggregates). */
  readonly timescaledb: boolean
  /** Run `fn` in one transaction; commit when it resolves, roll back when it throws. */
  transaction<T> (fn: (tx: Transaction) => Promise<T>): Promise<T>
  /** `COPY table (columns) FROM STDIN` with CSV rows (no header). Returns the number of rows copied. */
  copyFrom (table: string, columns: readonly string[], csv: AsyncIterable<string> | string): Promise<number>
  /** Several statements without parameters (migrations). */
  exec (sql: string): Promise<void>
  /** Cheap round trip; rejects when the database cannot be reached. */
  ping (): Promise<void>
  /**
   * The embedded driver only: `executed` settles once the statement has run (committed, perhaps not
   * yet on disk), `durable` once its commit is on disk as well. A caller whose next statement needs
   * only this one committed can send it at `executed`, and answer its own callers at `durable`.
   * The statement is prepared once and reused (meant for a hot statement sent again and again).
   */
  queryStaged?<Row = Record<string, unknown>> (sql: string, params?: readonly unknown[]): { executed: Promise<QueryResult<Row>>, durable: Promise<QueryResult<Row>> }
  close (): Promise<void>
}

/** A database error keeps PostgreSQL's SQLSTATE in `code` on both drivers (e.g. 23505 unique_violation). */
export class DatabaseError extends Error {
  readonly code: string | undefined
  readonly detail: string | undefined
  readonly constraint: string | undefined

  constructor (message: string, fields: { code?: string | undefined, detail?: string | undefined, constraint?: string | undefined } = {}) {
    super(message)
    this.name = 'DatabaseError'
    this.code = fields.code
    this.detail = fields.detail
    this.constraint = fields.constraint
  }
}

export const UNIQUE_VIOLATION = '23505'

export function isUniqueViolation (error: unknown): boolean {
  return error instanceof DatabaseError && error.code === UNIQUE_VIOLATION
}

/** Connection-level failures (server gone, socket reset) as opposed to errors in the SQL itself. */
export function isConnectionError (error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004'].includes(code)) return true
  }
  return /Connection terminated|connection error|not queryable|Client was closed|timeout exceeded when trying to connect/i.test(error.message)
}

/** Quote a CSV field for COPY … (FORMAT csv). */
export function csvField (value: string | number | boolean | null): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text
}
