import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'
import type { Database, DriverName } from '../../core/db/database.js'
import { openEmbeddedDatabase } from '../../core/db/embedded-driver.js'
import { openServerDatabase } from '../../core/db/server-driver.js'

const MAIN = fileURLToPath(new URL('../../web/main.ts', import.meta.url))

export interface ChildPlatform {
  process: ChildProcess
  httpUrl: string
  mqttUrl: string
  output: () => string
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<number | string>
}

/** `npm start`'s entry point as a separate process (so a test can SIGKILL it), on loopback, ports from the OS. */
export async function spawnPlatform (env: Record<string, string>, timeoutMs = 60_000): Promise<ChildPlatform> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH ?? '', HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')))
  const started = Date.now()
  while (!/Afterline is running[\s\S]*MQTT\s+mqtt:\/\/\S+:\d+/.test(output)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`platform exited during start:\n${output}`)
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL')
      throw new Error(`platform did not start within ${timeoutMs} ms:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const http = /console\s+(http:\/\/\S+:\d+)\//.exec(output)?.[1] as string
  const mqtt = /MQTT\s+(mqtt:\/\/\S+:\d+)/.exec(output)?.[1] as string
  return { process: child, httpUrl: http, mqttUrl: mqtt, output: () => output, exited }
}

export async function httpJson (url: string, init: { method?: string, token?: string, body?: unknown } = {}): Promise<{ status: number, body: any }> {
  const headers: Record<string, string> = {}
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`
  const response = await fetch(url, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }) })
  const text = await response.text()
  return { status: response.status, body: text === '' ? null : JSON.parse(text) }
}

/**
 * Stop a spawned platform gracefully (asserting it exits with 0), then open its database to look
 * inside: the embedded one in `env.DATA_DIR`, or `env.DATABASE_URL` on the server driver.
 */
export async function stopAndOpenDatabase (t: Test, child: ChildPlatform, driver: DriverName, env: Record<string, string>): Promise<Database> {
  child.process.kill('SIGTERM')
  t.equal(await child.exited, 0, 'graceful stop')
  const db = driver === 'embedded'
    ? await openEmbeddedDatabase({ dataDir: path.join(env.DATA_DIR as string, 'db') })
    : await openServerDatabase({ url: env.DATABASE_URL as string })
  t.teardown(() => db.close())
  return db
}
