import fs from 'node:fs'
import path from 'node:path'
import type { Worker } from 'node:worker_threads'
import { CORE_DB_CLOSED, CORE_DB_UNAVAILABLE } from '../errors.js'
import { acquireDataDirLock } from './data-dir-lock.js'
import { DatabaseError } from './database.js'
import type { Database, QueryResult, Transaction } from './database.js'
import type { WorkerAnswer, WorkerInit, WorkerRequest, WorkerResponse } from './embedded-protocol.js'
import { startEngineThread } from './embedded-thread.js'
import { assertIdentifier, collectCsvChunks } from './sql-helpers.js'

export interface EmbeddedDatabaseOptions {
  /** Folder for the database files; null = in memory (tests). */
  dataDir: string | null
  /**
   * On disk: flush each commit to disk before answering it (embedded-durability.ts; default true).
   * false: a commit survives a crash of the process but not a power cut.
   */
  fsync?: boolean
  /** Start from this dump (`dumpDataDir`) instead of an empty database; only in memory. */
  fromDump?: Uint8Array
}

export interface EmbeddedDatabase extends Database {
  /** The whole data directory as a tar, to open a copy from (`fromDump`). */
  dumpDataDir (): Promise<Uint8Array>
  /** How often the log and data files were flushed to disk (embedded-durability.ts); null in memory. */
  durabilityStats (): Promise<{ walFlushes: number, fileSyncs: number } | null>
  queryStaged: NonNullable<Database['queryStaged']>
}

interface Pending {
  resolve: (value: QueryResult<unknown>) => void
  reject: (error: Error) => void
  /** Told when the request has run, before its commit is flushed (queryStaged). */
  executed?: (value: QueryResult<unknown>) => void
  /** The result, kept between the request having run and its flush. */
  result?: QueryResult<unknown>
}
type WorkerRequestBody = WorkerRequest extends infer R ? R extends { id: number } ? Omit<R, 'id'> : never : never

const COPY_CHUNK_CHARS = 8 * 1024 * 1024

/**
 * A thread whose in-memory database has closed, kept (unreferenced, so it never holds the process
 * open) for the next in-memory database: starting a thread, its module loader and PGlite's code
 * costs about half of opening one, and tests open hundreds. On-disk databases always get a new
 * thread, ended when they close.
 */
let spare: { worker: Worker, lost: () => void } | null = null

function keepSpare (worker: Worker): void {
  worker.unref()
  const lost = (): void => {
    if (spare?.worker === worker) spare = null
    void worker.terminate()
  }
  worker.once('exit', lost)
  worker.once('error', lost)
  spare = { worker, lost }
}

function takeSpare (): Worker | undefined {
  if (spare === null) return undefined
  const { worker, lost } = spare
  spare = null
  worker.off('exit', lost)
  worker.off('error', lost)
  worker.ref()
  return worker
}

/**
 * PGlite with TimescaleDB on a worker thread. The worker executes requests in arrival order on its one
 * connection; a transaction therefore holds a gate that parks other callers' queries until it ends,
 * so nothing from outside can run between its BEGIN and COMMIT. `startThread` starts a new thread
 * (tests pass their own, to see how an open fails).
 */
export async function openEmbeddedDatabase (options: EmbeddedDatabaseOptions, startThread: (init: WorkerInit) => Worker = startEngineThread): Promise<EmbeddedDatabase> {
  if (options.fromDump !== undefined && options.dataDir !== null) throw new TypeError('a database opened from a dump lives in memory: dataDir must be null')
  let releaseLock = (): void => {}
  if (options.dataDir !== null) {
    fs.mkdirSync(path.dirname(options.dataDir), { recursive: true })
    releaseLock = acquireDataDirLock(options.dataDir)
  }

  const init: WorkerInit = { dataDir: options.dataDir, fromDump: options.fromDump ?? null, fsync: options.fsync ?? true }
  const reused = options.dataDir === null ? takeSpare() : undefined
  const worker = reused ?? startThread(init)
  reused?.postMessage({ id: 0, op: 'open', init } satisfies WorkerRequest)
  const pending = new Map<number, Pending>()
  let nextId = 1
  let closed = false
  let failure: Error | null = null

  // The open's answer, or the thread failing or exiting before it (PGlite ending the thread on a fatal
  // start-up error would otherwise leave the open waiting for ever).
  const ready = new Promise<void>((resolve, reject) => {
    const settle = (error: Error | null): void => {
      worker.off('message', onFirst)
      worker.off('error', onFailed)
      worker.off('exit', onExited)
      if (error === null) resolve()
      else reject(error)
    }
    const onFirst = (response: WorkerAnswer): void => {
      if (response.id === 0) settle(response.ok ? null : new CORE_DB_UNAVAILABLE(response.error.message))
    }
    const onFailed = (error: Error): void => settle(new CORE_DB_UNAVAILABLE(error.message))
    const onExited = (code: number): void => settle(new CORE_DB_UNAVAILABLE(`the database thread exited (code ${code}) before the database opened`))
    worker.on('message', onFirst)
    worker.on('error', onFailed)
    worker.on('exit', onExited)
  })

  const onMessage = (response: WorkerResponse): void => {
    if (response.id === 0) return
    const waiter = pending.get(response.id)
    if (waiter === undefined) return
    pending.delete(response.id)
    if ('flushed' in response) {
      waiter.resolve(waiter.result as QueryResult<unknown>)
    } else if ('flushFailed' in response) {
      waiter.reject(new CORE_DB_UNAVAILABLE(`commit could not be flushed to disk: ${response.flushFailed.message}`))
    } else if (!response.ok) {
      waiter.reject(new DatabaseError(response.error.message, response.error))
    } else {
      const result = { rows: response.rows, rowCount: response.rowCount }
      if (response.flushing !== true) {
        waiter.resolve(result)
        return
      }
      // Run, not yet on disk: answered again once flushed.
      waiter.result = result
      pending.set(response.id, waiter)
      waiter.executed?.(result)
    }
  }
  const failAll = (error: Error): void => {
    failure = error
    for (const waiter of pending.values()) waiter.reject(error)
    pending.clear()
  }
  const onError = (error: Error): void => failAll(new CORE_DB_UNAVAILABLE(error.message))
  const onExit = (): void => failAll(closed ? new CORE_DB_CLOSED() : new CORE_DB_UNAVAILABLE('embedded database thread exited'))
  worker.on('message', onMessage)
  worker.on('error', onError)
  worker.on('exit', onExit)

  try {
    await ready
  } catch (error) {
    releaseLock()
    await worker.terminate()
    throw error
  }

  const send = <Row>(request: WorkerRequestBody, executed?: (result: QueryResult<Row>) => void): Promise<QueryResult<Row>> => {
    if (failure !== null) return Promise.reject(failure)
    const id = nextId++
    return new Promise<QueryResult<Row>>((resolve, reject) => {
      pending.set(id, { resolve: resolve as Pending['resolve'], reject, ...(executed === undefined ? {} : { executed: executed as Pending['executed'] }) })
      worker.postMessage({ ...request, id })
    })
  }

  // ---- transaction gate ----
  // Transactions run one after another (a promise chain taken synchronously, so two begun in the same
  // tick cannot both pass); while one is open, other callers' queries are parked until it ends.
  let inTransaction = false
  let parked: Array<() => void> = []
  let transactionChain: Promise<void> = Promise.resolve()
  const waitForGate = async (): Promise<void> => {
    await new Promise<void>((resolve) => parked.push(resolve))
  }
  const openGate = (): void => {
    inTransaction = false
    const wake = parked
    parked = []
    for (const resolve of wake) resolve()
  }

  const insideTransaction: Transaction = {
    query: <Row>(sql: string, params: readonly unknown[] = []) => send<Row>({ op: 'query', sql, params: [...params] }),
    exec: async (sql: string) => { await send({ op: 'exec', sql }) },
    copyFrom: async (table, columns, csv) => await sendCopy(copySql(table, columns), csv)
  }

  const database: EmbeddedDatabase = {
    driver: 'embedded',
    timescaledb: true,

    async dumpDataDir () {
      while (inTransaction) await waitForGate()
      return (await send<Uint8Array>({ op: 'dump' })).rows[0] as Uint8Array
    },

    async durabilityStats () {
      return (await send<{ walFlushes: number, fileSyncs: number } | null>({ op: 'stats' })).rows[0] ?? null
    },

    async query<Row> (sql: string, params: readonly unknown[] = []) {
      while (inTransaction) await waitForGate()
      return await send<Row>({ op: 'query', sql, params: [...params] })
    },

    queryStaged<Row> (sql: string, params: readonly unknown[] = []) {
      let onExecuted!: (result: QueryResult<Row>) => void
      let onFailed!: (error: unknown) => void
      const executed = new Promise<QueryResult<Row>>((resolve, reject) => { onExecuted = resolve; onFailed = reject })
      const durable = (async () => {
        while (inTransaction) await waitForGate()
        return await send<Row>({ op: 'query', sql, params: [...params], prepared: true }, onExecuted)
      })()
      // Failing before it ran fails both; once it ran, only `durable` can still fail.
      durable.then(onExecuted, onFailed)
      return { executed, durable }
    },

    async transaction<T> (fn: (tx: Transaction) => Promise<T>): Promise<T> {
      let release!: () => void
      const previous = transactionChain
      transactionChain = new Promise<void>((resolve) => { release = resolve })
      await previous
      inTransaction = true
      try {
        await send({ op: 'query', sql: 'BEGIN', params: [] })
        try {
          const result = await fn(insideTransaction)
          await send({ op: 'query', sql: 'COMMIT', params: [] })
          return result
        } catch (error) {
          await send({ op: 'query', sql: 'ROLLBACK', params: [] }).catch(() => {})
          throw error
        }
      } finally {
        openGate()
        release()
      }
    },

    async copyFrom (table, columns, csv) {
      const sql = copySql(table, columns)
      if (typeof csv === 'string') {
        while (inTransaction) await waitForGate()
        return await sendCopy(sql, csv)
      }
      return await database.transaction(async () => {
        let copied = 0
        for await (const chunk of collectCsvChunks(csv, COPY_CHUNK_CHARS)) copied += await sendCopy(sql, chunk)
        return copied
      })
    },

    async exec (sql) {
      while (inTransaction) await waitForGate()
      await send({ op: 'exec', sql })
    },

    async ping () {
      await database.query('SELECT 1')
    },

    async close () {
      if (closed) return
      closed = true
      let keep = false
      try {
        await send({ op: 'close' })
        keep = options.dataDir === null && failure === null && spare === null
      } finally {
        if (keep) {
          worker.off('message', onMessage)
          worker.off('error', onError)
          worker.off('exit', onExit)
          failAll(new CORE_DB_CLOSED())
          keepSpare(worker)
        } else {
          await worker.terminate()
        }
        releaseLock()
      }
    }
  }

  const copySql = (table: string, columns: readonly string[]): string => {
    assertIdentifier(table)
    columns.forEach(assertIdentifier)
    return `COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`
  }
  const sendCopy = async (sql: string, chunk: string): Promise<number> =>
    (await send({ op: 'copy', sql, csv: chunk })).rowCount

  return database
}
