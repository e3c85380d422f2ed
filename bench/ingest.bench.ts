/**
 * npm run bench:ingest [-- --devices 1000 --messages 100 --window 4 --rounds 3 --server <url>]
 *
 * In one run, on loopback, the same load (devices × messages QoS 1 PUBLISHes of 4 readings, at most
 * `window` in flight per device, from a separate load-generator process) against:
 *   (a) bare aedes, no hooks — the baseline;
 *   (b) Afterline's gateway with durable ingest, embedded driver;
 *   (c) the same with the server driver (TEST_DATABASE_URL or --server; skipped when neither is set);
 *   (d) raw COPY of the same rows into the same telemetry table (each driver);
 * and (b) again with fault detection off (DETECTION_ENABLED=false), for what detection adds.
 * (a) and (b) run `rounds` times, alternating, and their median rounds are reported.
 * Durable throughput counts acknowledgements (each one is durable in the spool); "stored" counts the
 * time until the last reading is in the database. Broker CPU per message is reported too, since it does
 * not depend on how fast the load generator is. Last line: JSON.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { Aedes } from 'aedes'
import { loadConfig } from '../core/config.js'
import type { Database } from '../core/db/database.js'
import { migrate } from '../core/db/migrate.js'
import { openEmbeddedDatabase } from '../core/db/embedded-driver.js'
import { openServerDatabase } from '../core/db/server-driver.js'
import { createSilentLogger } from '../core/logger.js'
import { allMigrations, startPlatform } from '../web/platform.js'

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '100' },
    window: { type: 'string', default: '4' },
    server: { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
    only: { type: 'string' },
    rounds: { type: 'string', default: '3' }
  }
})
const ROUNDS = Math.max(1, Number(args.rounds))
const ONLY = args.only === undefined ? null : new Set(args.only.split(','))
const runs = (name: string): boolean => ONLY === null || ONLY.has(name)
const DEVICES = Number(args.devices)
const MESSAGES = Number(args.messages)
const WINDOW = Number(args.window)
const SERVER_URL = args.server ?? process.env.TEST_DATABASE_URL ?? null
const EXTRA_ENV = Object.fromEntries((args.env ?? []).map((pair) => pair.split('=', 2) as [string, string]))
const METRICS_PER_MESSAGE = 4
const LOAD = fileURLToPath(new URL('./ingest-load.ts', import.meta.url))

interface Device { id: string, username: string, password: string }

/** The benchmark's device model: a threshold and an anomaly rule on each of the four metrics. */
const BENCH_MODEL = {
  name: 'Generator G100',
  metrics: [
    { name: 'temp', unit: '°C', normal: { min: 20, max: 110 } },
    { name: 'rpm', unit: 'rpm', normal: { min: 0, max: 3000 } },
    { name: 'pressure', unit: 'bar', normal: { min: 1, max: 4 } },
    { name: 'vibration', unit: 'mm/s', normal: { min: 0, max: 1 } }
  ],
  rules: [
    { kind: 'threshold', id: 'hot', metric: 'temp', above: 120, clearBelow: 110, forSeconds: 60, severity: 'critical' },
    { kind: 'threshold', id: 'overspeed', metric: 'rpm', above: 5000, clearBelow: 4500, severity: 'warning' },
    { kind: 'threshold', id: 'low-pressure', metric: 'pressure', below: 0.5, clearAbove: 1, forSeconds: 30, severity: 'warning' },
    { kind: 'anomaly', id: 'vibration-anomaly', metric: 'vibration' },
    { kind: 'anomaly', id: 'temp-anomaly', metric: 'temp' }
  ]
}
interface RunResult { messages_per_s: number, points_per_s: number, seconds: number, broker_cpu_us_per_msg: number }

function log (message: string): void { process.stderr.write(`${message}\n`) }

/**
 * Run the load generator: it connects every device, says "connected", and publishes once told "go".
 * `onConnected` runs in between (to let connection bookkeeping settle and start the CPU clock).
 */
async function runLoad (port: number, devices: Device[], base: number, onConnected: () => Promise<void> = async () => {}): Promise<{ seconds: number, messages: number }> {
  const job = JSON.stringify({ port, devices, messages: MESSAGES, window: WINDOW, base })
  const child = spawn(process.execPath, ['--import', 'tsx', LOAD], { stdio: ['pipe', 'pipe', 'inherit'] })
  child.stdin.write(`${job}\n`)
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    if (out.includes('connected\n') && !out.includes('go-sent')) {
      out += 'go-sent\n'
      void onConnected().then(() => child.stdin.end('go\n'))
    }
  })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`load generator failed (${code}): ${out}`)
  return JSON.parse(out.trim().split('\n').pop() as string) as { seconds: number, messages: number }
}

/** Broker-side CPU is counted only while messages flow (not while 1,000 devices connect). */
async function measure (port: number, devices: Device[], base: number, settle: () => Promise<void> = async () => {}): Promise<RunResult> {
  let cpu = process.cpuUsage()
  const result = await runLoad(port, devices, base, async () => {
    await settle()
    cpu = process.cpuUsage()
  })
  const used = process.cpuUsage(cpu)
  return {
    messages_per_s: Math.round(result.messages / result.seconds),
    points_per_s: Math.round(result.messages * METRICS_PER_MESSAGE / result.seconds),
    seconds: Number(result.seconds.toFixed(2)),
    broker_cpu_us_per_msg: Number(((used.user + used.system) / result.messages).toFixed(1))
  }
}

async function benchBare (): Promise<RunResult> {
  const aedes = await Aedes.createBroker()
  const server = net.createServer((socket) => aedes.handle(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: `bare-${i}`, username: `bare-${i}`, password: 'x' }))
  await runLoad(port, devices.slice(0, 50), 0) // warm-up
  const result = await measure(port, devices, Date.now())
  await new Promise<void>((resolve) => aedes.close(() => resolve()))
  server.close()
  return result
}

async function benchDurable (db: Database, dataDir: string, env: Record<string, string> = {}): Promise<RunResult & { stored_messages_per_s: number, stored_points_per_s: number, stored_cpu_us_per_msg: number, rows: number }> {
  const config = loadConfig({ HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', DATA_DIR: dataDir, ADMIN_PASSWORD: 'bench-admin-password', LOG_LEVEL: 'silent', ...EXTRA_ENV, ...env })
  const platform = await startPlatform(config, { db, logger: createSilentLogger() })
  try {
    // Devices of a model with alarm rules on every metric, so detection (when on) does its real work.
    await platform.gateway.insight.models.put('G100', BENCH_MODEL, 'bench')
    const devices: Device[] = []
    for (let i = 0; i < DEVICES; i++) {
      const { device, credentials } = await platform.gateway.devices.create({ assetCode: `BENCH-${i}`, model: 'G100' })
      devices.push({ id: device.id, username: credentials.username, password: credentials.password })
    }
    await runLoad(platform.mqtt.port, devices.slice(0, 50), Date.now() - 7_200_000) // warm-up
    await platform.gateway.ingest.drained()
    const before = (await db.query<{ n: number }>('SELECT count(*) AS n FROM telemetry')).rows[0]!.n
    let started = process.hrtime.bigint()
    let cpuAtGo = process.cpuUsage()
    const result = await measure(platform.mqtt.port, devices, Date.now() - 3_600_000, async () => {
      // Bookkeeping of the connections just opened (presence writes, one per device) goes first: the
      // embedded engine is one queue, so a query issued now returns once everything before it is done.
      await platform.bus.idle()
      await platform.gateway.ingest.drained()
      await db.query('SELECT 1')
      await new Promise((resolve) => setTimeout(resolve, 300))
      await db.query('SELECT 1')
      started = process.hrtime.bigint()
      cpuAtGo = process.cpuUsage()
    })
    await platform.gateway.ingest.drained()
    const storedSeconds = Number(process.hrtime.bigint() - started) / 1e9
    const storedCpu = process.cpuUsage(cpuAtGo)
    const rows = (await db.query<{ n: number }>('SELECT count(*) AS n FROM telemetry')).rows[0]!.n - before
    if (rows !== DEVICES * MESSAGES * METRICS_PER_MESSAGE) throw new Error(`stored ${rows} readings, expected ${DEVICES * MESSAGES * METRICS_PER_MESSAGE}`)
    return {
      ...result,
      stored_messages_per_s: Math.round(DEVICES * MESSAGES / storedSeconds),
      stored_points_per_s: Math.round(rows / storedSeconds),
      // Everything the platform spent on a message until it was stored and detection had seen it
      // (all threads: broker, spool, drainer, database worker).
      stored_cpu_us_per_msg: Number(((storedCpu.user + storedCpu.system) / (DEVICES * MESSAGES)).toFixed(1)),
      rows
    }
  } finally {
    await platform.stop()
  }
}

/** The same rows, straight into the same table with COPY: the database's own ceiling. */
async function benchCopy (db: Database): Promise<{ points_per_s: number, messages_per_s: number, seconds: number }> {
  await db.exec('TRUNCATE telemetry')
  const deviceIds = Array.from({ length: DEVICES }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
  const base = Date.now() - 3_600_000
  async function * rows (): AsyncGenerator<string> {
    for (const id of deviceIds) {
      let chunk = ''
      for (let n = 0; n < MESSAGES; n++) {
        const ts = new Date(base + n).toISOString()
        chunk += `${id},temp,${ts},${60 + (n % 40)}\n${id},rpm,${ts},${1500 + n}\n${id},pressure,${ts},${2 + (n % 7) / 10}\n${id},vibration,${ts},${(n % 13) / 100}\n`
      }
      yield chunk
    }
  }
  const started = process.hrtime.bigint()
  const copied = await db.copyFrom('telemetry', ['device_id', 'metric', 'ts', 'value'], rows())
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return { points_per_s: Math.round(copied / seconds), messages_per_s: Math.round(copied / METRICS_PER_MESSAGE / seconds), seconds: Number(seconds.toFixed(2)) }
}

async function withEmbedded<T> (fn: (db: Database, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-bench-'))
  const db = await openEmbeddedDatabase({ dataDir: path.join(dataDir, 'db') })
  try {
    await migrate(db, allMigrations)
    return await fn(db, dataDir)
  } finally {
    await db.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

async function withServer<T> (url: string, fn: (db: Database, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-bench-'))
  const schema = `bench_${process.pid}`
  const db = await openServerDatabase({ url, schema })
  try {
    await migrate(db, allMigrations)
    return await fn(db, dataDir)
  } finally {
    await db.exec(`DROP SCHEMA ${schema} CASCADE`)
    await db.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

log(`bench:ingest — ${DEVICES} devices × ${MESSAGES} QoS 1 messages × ${METRICS_PER_MESSAGE} readings, window ${WINDOW}, ${os.cpus().length} cores`)
// (a) and (b) make the headline ratio: run them `--rounds` times, alternating which goes first, and
// report each one's median round (by messages/s), so a noisy moment on a shared machine decides nothing.
const bareRounds: RunResult[] = []
const embeddedRounds: Array<Awaited<ReturnType<typeof benchDurable>>> = []
for (let round = 0; round < ROUNDS; round++) {
  const runBare = async (): Promise<void> => {
    bareRounds.push(await benchBare())
    log(`(a) bare aedes          round ${round + 1}: ${JSON.stringify(bareRounds[bareRounds.length - 1])}`)
  }
  const runEmbedded = async (): Promise<void> => {
    if (!runs('embedded')) return
    embeddedRounds.push(await withEmbedded((db, dir) => benchDurable(db, dir)))
    log(`(b) durable, embedded   round ${round + 1}: ${JSON.stringify(embeddedRounds[embeddedRounds.length - 1])}`)
  }
  if (round % 2 === 0) { await runBare(); await runEmbedded() } else { await runEmbedded(); await runBare() }
}
const medianRun = <T extends { messages_per_s: number }>(list: T[]): T | null => {
  if (list.length === 0) return null
  return [...list].sort((a, b) => a.messages_per_s - b.messages_per_s)[Math.floor((list.length - 1) / 2)] as T
}
const bare = medianRun(bareRounds) as RunResult
const embedded = medianRun(embeddedRounds)
log(`(a) bare aedes          median: ${JSON.stringify(bare)}`)
log(`(b) durable, embedded   median: ${JSON.stringify(embedded)}`)
// The same with fault detection switched off: what detection adds to durable ingest.
const embeddedNoDetection = runs('detection') ? await withEmbedded((db, dir) => benchDurable(db, dir, { DETECTION_ENABLED: 'false' })) : null
log(`(b) same, detection off ${JSON.stringify(embeddedNoDetection)}`)
const server = SERVER_URL === null || !runs('server') ? null : await withServer(SERVER_URL, (db, dir) => benchDurable(db, dir))
log(`(c) durable, server     ${server === null ? 'skipped: no --server and no TEST_DATABASE_URL' : JSON.stringify(server)}`)
const copyEmbedded = runs('copy') ? await withEmbedded((db) => benchCopy(db)) : null
log(`(d) COPY, embedded      ${JSON.stringify(copyEmbedded)}`)
const copyServer = SERVER_URL === null || !runs('copy') ? null : await withServer(SERVER_URL, (db) => benchCopy(db))
log(`(d) COPY, server        ${copyServer === null ? 'skipped' : JSON.stringify(copyServer)}`)

const ratio = (run: RunResult | null): number | null => run === null ? null : Number((run.messages_per_s / bare.messages_per_s).toFixed(3))
process.stdout.write(JSON.stringify({
  devices: DEVICES,
  messages_per_device: MESSAGES,
  readings_per_message: METRICS_PER_MESSAGE,
  window: WINDOW,
  env: EXTRA_ENV,
  rounds: ROUNDS,
  bare_aedes: bare,
  bare_aedes_rounds_messages_per_s: bareRounds.map((run) => run.messages_per_s),
  durable_embedded_rounds_messages_per_s: embeddedRounds.map((run) => run.messages_per_s),
  durable_embedded: embedded,
  durable_server: server,
  copy_embedded: copyEmbedded,
  copy_server: copyServer,
  durable_embedded_detection_off: embeddedNoDetection,
  // Detection runs on stored readings (after the acknowledgement): its cost shows in the CPU a message
  // takes until stored, and in the acknowledged rate only if it slowed the broker.
  detection_added_cost_pct: embedded === null || embeddedNoDetection === null ? null
    : Number(((embedded.stored_cpu_us_per_msg / embeddedNoDetection.stored_cpu_us_per_msg - 1) * 100).toFixed(1)),
  detection_ack_throughput_change_pct: embedded === null || embeddedNoDetection === null ? null
    : Number(((embedded.messages_per_s / embeddedNoDetection.messages_per_s - 1) * 100).toFixed(1)),
  detection_stored_throughput_change_pct: embedded === null || embeddedNoDetection === null ? null
    : Number(((embedded.stored_messages_per_s / embeddedNoDetection.stored_messages_per_s - 1) * 100).toFixed(1)),
  ratio_durable_vs_bare: { embedded: ratio(embedded), server: ratio(server) }
}) + '\n')
process.exit(0)
