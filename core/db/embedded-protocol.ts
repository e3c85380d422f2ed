/** Messages between the embedded driver (main thread) and the PGlite worker thread. */
export interface WorkerInit {
  /** Folder of the database files; null keeps the database in memory (tests). */
  dataDir: string | null
  /** A dump of a data directory (tar, from `dumpDataDir`) to start from; in memory only. */
  fromDump: Uint8Array | null
  /** On disk: flush commits before answering them (embedded-durability.ts). */
  fsync: boolean
}

export type WorkerRequest =
  /** `prepared`: run as a prepared statement, parsed once per worker (embedded-prepared.ts). */
  | { id: number, op: 'query', sql: string, params: readonly unknown[], prepared?: true }
  | { id: number, op: 'exec', sql: string }
  | { id: number, op: 'copy', sql: string, csv: string }
  | { id: number, op: 'close' }
  /** Answered with the durability counters (embedded-durability.ts), or null in memory. */
  | { id: number, op: 'stats' }
  /** Answered with the data directory as a tar, the one row. */
  | { id: number, op: 'dump' }
  /**
   * Open another database on a thread whose last one closed (in memory only: the driver keeps such a
   * thread for the next in-memory database); answered, like the first open, with id 0.
   */
  | { id: 0, op: 'open', init: WorkerInit }

export interface SerializedDbError {
  message: string
  code: string | undefined
  detail: string | undefined
  constraint: string | undefined
}

/**
 * A request that committed something on disk is answered twice: once it has run (`flushing: true`),
 * and once its commit is on disk (`flushed`) or could not be flushed (`flushFailed`).
 */
export type WorkerAnswer =
  | { id: number, ok: true, rows: unknown[], rowCount: number, flushing?: true }
  | { id: number, ok: false, error: SerializedDbError }

export type WorkerResponse =
  | WorkerAnswer
  | { id: number, flushed: true }
  | { id: number, flushFailed: SerializedDbError }
