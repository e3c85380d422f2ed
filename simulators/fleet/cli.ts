import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { groundTruthOf, planFleet } from './fleet-plan.js'
import { SIM_MODELS } from './models/index.js'
import { createPlatformClient } from './platform-client.js'
import { runFleetOverMqtt } from './run-over-mqtt.js'

/**
 * `npm run sim:fleet -- [options]`: a simulated fleet against a running platform, over MQTT.
 *   --url http://localhost:3000   the platform's HTTP API (models and devices are registered through it)
 *   --mqtt mqtt://localhost:1883  its broker
 *   --username admin --password … an admin account
 *   --devices 50 --days 14 --seed 7 --interval 120
 *   --speed Infinity              simulated seconds per real second; the period ends now, so a fast run backfills
 *   --live-days 0                 then go on in real time for this many days (Ctrl-C stops)
 *   --truth truth.json            write the ground truth (failure times per device) there
 */
const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000' },
    mqtt: { type: 'string', default: 'mqtt://localhost:1883' },
    username: { type: 'string', default: 'admin' },
    password: { type: 'string' },
    devices: { type: 'string', default: '50' },
    days: { type: 'string', default: '14' },
    seed: { type: 'string', default: '7' },
    interval: { type: 'string', default: '120' },
    speed: { type: 'string', default: 'Infinity' },
    'live-days': { type: 'string', default: '0' },
    truth: { type: 'string', default: 'fleet-ground-truth.json' }
  }
})

async function main (): Promise<void> {
  const password = args.password
  if (password === undefined) throw new Error('give --password of the admin account')
  const days = Number(args.days)
  const liveDays = Number(args['live-days'])
  const intervalSeconds = Number(args.interval)
  const now = Math.floor(Date.now() / (intervalSeconds * 1000)) * intervalSeconds * 1000
  const plan = planFleet({ devices: Number(args.devices), days: days + liveDays, seed: Number(args.seed), start: now - days * 86_400_000, models: SIM_MODELS })
  const client = createPlatformClient(args.url as string)
  await client.login(args.username as string, password)
  for (const spec of SIM_MODELS) await client.putModel(spec, true)
  const devices = []
  for (const device of plan.devices) devices.push(await client.register(device))
  const ids = new Map(devices.map((device) => [device.plan.deviceId, device.deviceId]))
  const truth = groundTruthOf(plan)
  fs.writeFileSync(args.truth as string, `${JSON.stringify({
    ...truth,
    failures: truth.failures.map((failure) => ({ ...failure, deviceId: ids.get(failure.deviceId) })),
    transients: truth.transients.map((transient) => ({ ...transient, deviceId: ids.get(transient.deviceId) }))
  }, null, 2)}\n`)
  console.log(`registered ${devices.length} devices; ${truth.failures.length} will fail; ground truth in ${args.truth as string}`)
  const controller = new AbortController()
  process.once('SIGINT', () => controller.abort())
  const run = await runFleetOverMqtt({
    plan, models: SIM_MODELS, devices, url: args.mqtt as string, intervalSeconds, speed: Number(args.speed), liveFrom: now, signal: controller.signal,
    onProgress: (t, published) => process.stdout.write(`\r  simulated until ${new Date(t).toISOString()}${t >= now ? ' (live)' : ''}, ${published} messages`)
  })
  console.log(`\npublished ${run.published} telemetry messages and ${run.events} events`)
}

main().catch((error: unknown) => {
  console.error((error as Error).message)
  process.exitCode = 1
})
