import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { openEmbeddedDatabase } from '../core/db/embedded-driver.js'
import { migrate } from '../core/db/migrate.js'
import { createSilentLogger } from '../core/logger.js'
import { createMetricsRegistry } from '../core/metrics.js'
import { createEventBus } from '../core/event-bus.js'
import type { Reading } from '../gateway/events.js'
import { loadRulModels } from '../gateway/insight/detection/rul-models.js'
import { createIngestService } from '../gateway/ingest/ingest.service.js'
import { createGatewayMetrics } from '../gateway/metrics.js'
import { planFleet } from '../simulators/fleet/fleet-plan.js'
import { createInProcessDetection } from '../simulators/fleet/in-process-detection.js'
import { SIM_MODELS } from '../simulators/fleet/models/index.js'
import { runFleetInProcess } from '../simulators/fleet/run-in-process.js'
import { allMigrations } from '../web/platform.js'

/**
 * `npm run bench:detect`: readings per second through the full detection pipeline on one core — every
 * rule of the simulated models (threshold, rate, missing data, EWMA anomaly), hourly RUL estimates and
 * the alert book — against a baseline listener that only walks the readings, in the same run.
 * Part 2 measures what detection adds to durable ingest: messages through the MQTT hook's path
 * (spool with fsync, acknowledge) until parsed, drained into the embedded database and seen by the
 * readings listeners, with the pipeline attached as a listener and without, alternating.
 * The last line is JSON.
 */
const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '500' },
    hours: { type: 'string', default: '24' },
    rounds: { type: 'string', default: '5' },
    'ingest-messages': { type: 'string', default: '40000' },
    'ingest-rounds': { type: 'string', default: '6' },
    'skip-ingest': { type: 'boolean', default: false }
  }
})

interface Message { deviceId: string, readings: Reading[], at: number }

/** Record what the simulated fleet sends, so every round replays exactly the same messages. */
function recordFleet (devices: number, hours: number): { messages: Message[], plan: ReturnType<typeof planFleet> } {
  const plan = planFleet({ devices, days: hours / 24, seed: 42, start: Date.parse('2026-03-02T00:00:00Z'), models: SIM_MODELS, failingShare: 0.3, minFailureDay: hours / 48 })
  const messages: Message[] = []
  let now = plan.start
  runFleetInProcess({
    plan, models: SIM_MODELS, intervalSeconds: 60, setNow: (t) => { now = t },
    targets: [{ onReadings: (deviceId, readings) => messages.push({ deviceId, readings, at: now }), onEvent: () => {} }]
  })
  return { messages, plan }
}

function measure (messages: readonly Message[], setNow: (t: number) => void, listener: (deviceId: string, readings: readonly Reading[]) => void): number {
  const started = process.hrtime.bigint()
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as Message
    setNow(message.at)
    listener(message.deviceId, message.readings)
  }
  return Number(process.hrtime.bigint() - started) / 1e9
}

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

async function measureIngestOverhead (plan: ReturnType<typeof planFleet>, messages: readonly Message[], count: number, rounds: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-detect-bench-'))
  const logger = createSilentLogger()
  const db = await openEmbeddedDatabase({ dataDir: null })
  await migrate(db, allMigrations)
  const ingest = await createIngestService({
    db, bus: createEventBus(logger), logger, metrics: createGatewayMetrics(createMetricsRegistry({ processMetrics: false })),
    spool: { dir: path.join(dir, 'spool'), maxBytes: 512 * 1024 * 1024, fsync: true }, batchPoints: 20000, maxLagMs: 10_000,
    limits: { maxPayloadBytes: 262144, maxFutureMicros: 86400e6 * 365 * 10 }, deadLetterMaxBytes: 4096
  })
  // Each run sends new readings (shifted by a day per run), so every run inserts as many rows.
  let run = 0
  const payloadsFor = (shiftMs: number) => messages.slice(0, count).map((message) => ({
    deviceId: message.deviceId,
    body: Buffer.from(JSON.stringify({ ts: Math.floor((message.readings[0] as Reading).ts / 1000) + shiftMs, values: Object.fromEntries(message.readings.map((r) => [r.metric, r.value])) }))
  }))
  // Many devices publish at once: keep 256 messages in flight, as a busy broker would. Timed until the
  // readings are in the database (durable ingest end to end).
  const ingestAll = async (detection: boolean): Promise<number> => {
    const payloads = payloadsFor(++run * 86_400_000)
    let now = plan.start
    const pipeline = detection ? createInProcessDetection({ plan, models: SIM_MODELS, rul: loadRulModels(), now: () => now }).pipeline : null
    const remove = pipeline === null
      ? () => {}
      : ingest.addReadingsListener((deviceId, readings) => {
        now = (readings[0] as Reading).ts / 1000
        pipeline.onReadings(deviceId, readings)
      })
    const started = process.hrtime.bigint()
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < payloads.length) {
        const payload = payloads[next++] as (typeof payloads)[number]
        await new Promise<void>((resolve, reject) => {
          ingest.acceptMessage(payload.deviceId, `devices/${payload.deviceId}/telemetry`, 'telemetry', payload.body, (error) => error === null ? resolve() : reject(error))
        })
      }
    }
    await Promise.all(Array.from({ length: 256 }, worker))
    await ingest.drained()
    const seconds = Number(process.hrtime.bigint() - started) / 1e9
    remove()
    return seconds
  }
  await ingestAll(false) // warm-up
  const on: number[] = []
  const off: number[] = []
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so drift on a shared machine does not favour either.
    if (round % 2 === 0) {
      on.push(await ingestAll(true))
      off.push(await ingestAll(false))
    } else {
      off.push(await ingestAll(false))
      on.push(await ingestAll(true))
    }
  }
  process.stderr.write(`durable ingest seconds per run, detection on: ${on.map((x) => x.toFixed(2)).join(' ')}; off: ${off.map((x) => x.toFixed(2)).join(' ')}\n`)
  await ingest.close()
  await db.close()
  fs.rmSync(dir, { recursive: true, force: true })
  const onRate = count / median(on)
  const offRate = count / median(off)
  return {
    messages: count,
    readings_per_message: messages[0]?.readings.length ?? 0,
    durable_messages_per_s_detection_off: Math.round(offRate),
    durable_messages_per_s_detection_on: Math.round(onRate),
    added_cost_percent: Math.round((offRate / onRate - 1) * 1000) / 10
  }
}

async function main (): Promise<void> {
  const rounds = Number(args.rounds)
  const { messages, plan } = recordFleet(Number(args.devices), Number(args.hours))
  const readings = messages.reduce((n, message) => n + message.readings.length, 0)
  process.stderr.write(`recorded ${messages.length} messages, ${readings} readings from ${plan.devices.length} devices\n`)
  const rul = loadRulModels()

  const baseline: number[] = []
  const full: number[] = []
  let alerts = 0
  let sink = 0
  for (let round = 0; round < rounds; round++) {
    baseline.push(measure(messages, () => {}, (_deviceId, list) => {
      for (let i = 0; i < list.length; i++) sink += (list[i] as Reading).value
    }))
    let now = plan.start
    const detection = createInProcessDetection({ plan, models: SIM_MODELS, rul, now: () => now })
    full.push(measure(messages, (t) => { now = t }, detection.pipeline.onReadings))
    alerts = detection.raised.length
  }
  const fullRate = readings / median(full)
  const baselineRate = readings / median(baseline)
  process.stderr.write(`full pipeline: ${Math.round(fullRate)} readings/s (${alerts} alerts raised); baseline listener: ${Math.round(baselineRate)} readings/s (checksum ${Math.round(sink) % 1000})\n`)

  const ingest = args['skip-ingest'] ? null : await measureIngestOverhead(plan, messages, Number(args['ingest-messages']), Number(args['ingest-rounds']))
  if (ingest !== null) process.stderr.write(`durable ingest: ${JSON.stringify(ingest)}\n`)
  console.log(JSON.stringify({
    readings,
    devices: plan.devices.length,
    rounds,
    readings_per_s: Math.round(fullRate),
    ns_per_reading: Math.round(1e9 / fullRate),
    baseline_readings_per_s: Math.round(baselineRate),
    alerts_raised: alerts,
    ingest
  }))
}

await main()
