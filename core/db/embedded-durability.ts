/**
 * Makes the embedded engine's commits reach the disk. PGlite runs PostgreSQL compiled to WASM over
 * Emscripten's NODEFS (the host filesystem): its writes become real `write`s, but `fdatasync` — the
 * call PostgreSQL flushes the WAL with at every commit — is a no-op there, and NODEFS has no `fsync`
 * either. Without this a commit survives a crash of the process (the bytes are in the OS page cache)
 * but not a power cut, and a checkpoint could recycle WAL whose data pages never reached the disk.
 *
 * Runs on the worker thread, beside PGlite:
 * - the host file descriptors of WAL segments (`pg_wal/`) are tracked through `fs.openSync`, and a
 *   `fs.writeSync` to one marks it unsynced;
 * - after each request, before it is answered, `walDurable()` flushes the unsynced segments with
 *   `fdatasync` on libuv's thread pool while PGlite goes on with the next request; requests that end
 *   while a flush runs share the next one (group commit). A request that wrote nothing waits for the
 *   flushes already begun, so nobody is shown data that is not yet on disk;
 * - NODEFS gets the `fsync` it lacks, so PostgreSQL's own flushes of data files (checkpoints) and
 *   directories (new files) are real;
 * - a flush that fails leaves commits whose fate is unknown: `onFailure` is told, as PostgreSQL
 *   stops (PANIC) when it cannot flush.
 */
import fs from 'node:fs'
import path from 'node:path'

interface NodeFsStream { nfd?: number, node: unknown }
interface EmscriptenFs {
  filesystems: { NODEFS: { stream_ops: { fsync?: (stream: NodeFsStream) => number }, realPath: (node: unknown) => string } }
  ErrnoError: new (errno: number) => Error
}

const EIO = 29
const WAL_DIR = `${path.sep}pg_wal${path.sep}`

export interface Durability {
  /** Resolves once every WAL write made so far (and every flush already begun) is on disk; null when nothing is pending. */
  walDurable (): Promise<void> | null
  /** Log flushes completed, and files PostgreSQL flushed itself (checkpoints, new files). */
  readonly stats: { walFlushes: number, fileSyncs: number }
}

interface Flush { fds: Set<number>, promise: Promise<void>, resolve: () => void, reject: (error: Error) => void }

function newFlush (): Flush {
  let resolve!: () => void
  let reject!: (error: Error) => void
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej })
  // A request answered before the flush settles has nobody else waiting on it.
  promise.catch(() => {})
  return { fds: new Set(), promise, resolve, reject }
}

/** Patch `fs` before PGlite opens the data directory; `patchEngine` once the engine exists. */
export function trackWalWrites (onFailure: (error: Error) => void): Durability & { patchEngine (FS: EmscriptenFs): void } {
  const walFds = new Set<number>()
  const unsynced = new Set<number>()
  const stats = { walFlushes: 0, fileSyncs: 0 }
  let running: Flush | null = null
  let queued: Flush | null = null

  const { openSync, writeSync, closeSync } = fs
  fs.openSync = function (file: fs.PathLike, ...rest: unknown[]): number {
    const fd = (openSync as (...args: unknown[]) => number).call(fs, file, ...rest)
    if (String(file).includes(WAL_DIR)) walFds.add(fd)
    return fd
  } as typeof fs.openSync
  fs.writeSync = function (fd: number, ...rest: unknown[]): number {
    if (walFds.has(fd)) unsynced.add(fd)
    return (writeSync as (...args: unknown[]) => number).call(fs, fd, ...rest)
  } as typeof fs.writeSync
  fs.closeSync = function (fd: number): void {
    // A segment closed (switched away from) with writes not yet flushed, or a flush still using its
    // descriptor: flush it here, before the number can be reused.
    if (unsynced.has(fd) || queued?.fds.has(fd) === true || running?.fds.has(fd) === true) {
      fs.fdatasyncSync(fd)
      unsynced.delete(fd)
      queued?.fds.delete(fd)
      running?.fds.delete(fd)
    }
    walFds.delete(fd)
    closeSync.call(fs, fd)
  }

  const start = (): void => {
    if (running !== null || queued === null) return
    const flush = queued
    queued = null
    running = flush
    const fds = [...flush.fds]
    void Promise.all(fds.map((fd) => new Promise<void>((resolve, reject) => {
      fs.fdatasync(fd, (error) => {
        // Closed meanwhile: flushed synchronously by closeSync before it went.
        if (error === null || !flush.fds.has(fd)) resolve()
        else reject(error)
      })
    }))).then(() => {
      stats.walFlushes++
      flush.resolve()
    }, (error: Error) => {
      flush.reject(error)
      onFailure(error)
    }).finally(() => {
      running = null
      start()
    })
  }

  return {
    stats,
    walDurable () {
      if (unsynced.size > 0) {
        queued ??= newFlush()
        for (const fd of unsynced) queued.fds.add(fd)
        unsynced.clear()
        const promise = queued.promise
        start()
        return promise
      }
      return queued?.promise ?? running?.promise ?? null
    },
    patchEngine (FS) {
      const nodefs = FS.filesystems.NODEFS
      nodefs.stream_ops.fsync = (stream) => {
        try {
          if (stream.nfd !== undefined) fs.fdatasyncSync(stream.nfd)
          else {
            // A directory (NODEFS opens no host descriptor for one): after files were created in it.
            const fd = openSync.call(fs, nodefs.realPath(stream.node), 'r')
            try { fs.fsyncSync(fd) } finally { closeSync.call(fs, fd) }
          }
          stats.fileSyncs++
          return 0
        } catch {
          throw new FS.ErrnoError(EIO)
        }
      }
    }
  }
}
