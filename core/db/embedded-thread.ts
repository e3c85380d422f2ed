import { Worker } from 'node:worker_threads'
import type { WorkerInit } from './embedded-protocol.js'

// Worker threads do not inherit tsx's loader hooks, so the worker registers them before loading its module.
const workerBootstrap = `
import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}
register()
await import(${JSON.stringify(new URL('./embedded-worker.ts', import.meta.url).href)})
`

/** A new thread for PGlite (embedded-worker.ts), opening the database `init` describes as it starts. */
export function startEngineThread (init: WorkerInit): Worker {
  return new Worker(workerBootstrap, { eval: true, workerData: init })
}
