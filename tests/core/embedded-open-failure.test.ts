import { EventEmitter } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Worker } from 'node:worker_threads'
import t from 'tap'
import { openEmbeddedDatabase as openDriver } from '../../core/db/embedded-driver.js'
import type { EmbeddedDatabaseOptions } from '../../core/db/embedded-driver.js'

// The embedded database's thread can fail or end before it answers the open (PGlite ends its thread
// on a fatal start-up error). The open must then reject with a coded error, not wait for ever, and an
// on-disk database must release its folder's lock so a later open can try again.

type Ending = { kind: 'exit', code: number } | { kind: 'error', message: string }
let ending: Ending = { kind: 'exit', code: 7 }
let started = 0

/** A thread that ends as `ending` says right after it starts, and never answers a request. */
class EndingWorker extends EventEmitter {
  constructor () {
    super()
    started++
    setImmediate(() => {
      if (ending.kind === 'error') this.emit('error', new Error(ending.message))
      this.emit('exit', ending.kind === 'exit' ? ending.code : 1)
    })
  }

  postMessage (): void {}
  ref (): void {}
  unref (): void {}
  async terminate (): Promise<number> { return 1 }
}

/** The driver, its new threads ending as `ending` says. */
const openEmbeddedDatabase = async (options: EmbeddedDatabaseOptions): Promise<unknown> =>
  await openDriver(options, () => new EndingWorker() as unknown as Worker)

/** The open's outcome, or 'still waiting' if it has neither opened nor failed within five seconds. */
async function outcome (open: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const waiting = new Promise((resolve) => { timer = setTimeout(() => resolve('still waiting'), 5000) })
  try {
    return await Promise.race([open.then(() => 'opened', (error: unknown) => error), waiting])
  } finally {
    clearTimeout(timer)
  }
}

t.test('a thread that exits before the database opened fails the open with CORE_DB_UNAVAILABLE', async (t) => {
  ending = { kind: 'exit', code: 7 }
  const error = await outcome(openEmbeddedDatabase({ dataDir: null }))
  t.match(error, { code: 'CORE_DB_UNAVAILABLE', message: /exited \(code 7\) before the database opened/ })
})

t.test('a thread that fails before the database opened gives its reason, coded', async (t) => {
  ending = { kind: 'error', message: 'engine aborted: out of memory' }
  const error = await outcome(openEmbeddedDatabase({ dataDir: null }))
  t.match(error, { code: 'CORE_DB_UNAVAILABLE', message: /engine aborted: out of memory/ })
})

t.test('a failed on-disk open releases the folder, so the next open starts a thread again', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-open-failure-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const dataDir = path.join(dir, 'db')
  ending = { kind: 'exit', code: 1 }
  const before = started
  t.match(await outcome(openEmbeddedDatabase({ dataDir })), { code: 'CORE_DB_UNAVAILABLE' })
  t.match(await outcome(openEmbeddedDatabase({ dataDir })), { code: 'CORE_DB_UNAVAILABLE', message: /exited/ }, 'not refused as locked by the first attempt')
  t.equal(started - before, 2, 'each attempt started its own thread')
})
