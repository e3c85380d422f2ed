import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { loadConfig } from '../../../core/config.js'
import { createSilentLogger } from '../../../core/logger.js'
import { loadRulModels } from '../../../gateway/insight/detection/rul-models.js'
import { planFleet } from '../../../simulators/fleet/fleet-plan.js'
import type { DevicePlan } from '../../../simulators/fleet/fleet-plan.js'
import { createInProcessDetection } from '../../../simulators/fleet/in-process-detection.js'
import { definitionOf } from '../../../simulators/fleet/model-spec.js'
import { AC_200 } from '../../../simulators/fleet/models/index.js'
import { createDeviceSimulator } from '../../../simulators/fleet/physics.js'
import type { SimReading } from '../../../simulators/fleet/physics.js'
import { startPlatform } from '../../../web/platform.js'
import type { Platform } from '../../../web/platform.js'
import { forEachDriver, openTestDatabase } from '../../helpers/database.js'
import { ADMIN_PASSWORD } from '../../helpers/platform.js'

const START = Date.parse('2026-02-02T00:00:00Z')
const HOUR = 3_600_000
const STEP_MS = 120_000

/** A compressor whose motor bearing is wearing out: it fails about 4.7 days after START. */
function degradingCompressor (): DevicePlan {
  const plan = planFleet({ devices: 1, days: 5, seed: 31, start: START, models: [AC_200], failingShare: 1, minFailureDay: 4.6, degradationDays: [7, 7] })
  const device = plan.devices[0] as DevicePlan
  return { ...device, failure: { ...(device.failure as NonNullable<DevicePlan['failure']>), mode: 'bearing_wear' }, transients: [], gaps: [], dropouts: [] }
}

forEachDriver(t, 'restart in the middle of a degradation: health, RUL and open alerts are the same after it, with or without a fresh checkpoint', async (t, driver) => {
  const database = await openTestDatabase(driver, { migrate: false })
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-restart-'))
  const clock = { now: START }
  const config = loadConfig({
    HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', DATA_DIR: dataDir, ADMIN_PASSWORD,
    LOG_LEVEL: 'silent', SPOOL_FSYNC: 'false', DETECTION_CHECKPOINT_S: '86400', AUTH_TOKEN_TTL_S: '8640000'
  })
  const start = async (): Promise<Platform> => await startPlatform(config, { db: database.db, logger: createSilentLogger(), now: () => clock.now })
  let platform = await start()
  t.teardown(async () => {
    await platform.stop()
    await database.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })
  const call = async (method: 'GET' | 'PUT' | 'POST', url: string, token: string | null, body?: unknown) => {
    const response = await platform.app.inject({ method, url, headers: token === null ? {} : { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as object }) })
    return { status: response.statusCode, body: JSON.parse(response.body === '' ? 'null' : response.body) }
  }
  const login = async (): Promise<string> => (await platform.users.login('admin', ADMIN_PASSWORD)).token

  let token = await login()
  t.equal((await call('PUT', '/api/device-models/AC-200', token, definitionOf(AC_200, { withRul: true }))).status, 201)
  const registered = await call('POST', '/api/devices', token, { assetCode: 'AC-RESTART-1', model: 'AC-200', location: { lat: 50, lng: 8 } })
  const deviceId = registered.body.id as string
  await platform.bus.idle()

  // The same readings go to the platform (through ingest) and to a reference pipeline that never restarts.
  const plan = { ...degradingCompressor(), deviceId }
  const sim = createDeviceSimulator(AC_200, plan)
  let referenceNow = START
  const reference = createInProcessDetection({
    plan: { seed: 31, start: START, end: START + 5 * 24 * HOUR, devices: [plan] }, models: [AC_200], rul: loadRulModels(), now: () => referenceNow
  })
  let t0 = START
  const feedUntil = async (until: number): Promise<void> => {
    let batch: SimReading[][] = []
    for (; t0 < until; t0 += STEP_MS) {
      const out = sim.step(t0)
      batch.push(...out.messages)
      referenceNow = t0
      for (const message of out.messages) reference.target.onReadings(deviceId, message)
      if (batch.length >= 30 || t0 + STEP_MS >= until) {
        clock.now = t0
        const payload = batch.map((readings) => ({ ts: (readings[0] as SimReading).ts / 1000, values: Object.fromEntries(readings.map((r) => [r.metric, r.value])) }))
        const result = await platform.gateway.ingest.accept(deviceId, `devices/${deviceId}/telemetry`, 'telemetry', Buffer.from(JSON.stringify(payload)))
        if (!result.accepted) throw new Error(result.reason)
        batch = []
      }
    }
    await platform.bus.idle()
    await platform.gateway.insight.flush()
  }
  const observe = async () => {
    const health = await call('GET', `/api/devices/${deviceId}/health`, token)
    const open = await call('GET', `/api/alerts?status=open&deviceId=${deviceId}`, token)
    return { health: health.body, open: open.body.alerts }
  }
  const referenceHealth = () => {
    const health = reference.pipeline.health(deviceId)
    return health === null ? null : { healthIndex: health.healthIndex, rul: health.rul, updatedAt: new Date(health.updatedAt).toISOString() }
  }

  // 1. Graceful restart two days in: the stop checkpoints, the start restores.
  await feedUntil(START + 48 * HOUR)
  const before = await observe()
  t.not(before.health.healthIndex, null, 'an estimate exists')
  t.ok(before.health.rul.value < 240, `the wear shows: ${JSON.stringify(before.health.rul)}`)
  t.ok(before.open.length >= 1, `alerts are open: ${before.open.map((a: { cause: string }) => a.cause).join(', ')}`)
  t.same(before.health, referenceHealth(), 'platform and reference agree')
  await platform.stop()
  platform = await start()
  token = await login()
  t.same(await observe(), before, 'the same health and open alerts after the restart')

  // Going on after the restart gives what an uninterrupted pipeline gives.
  await feedUntil(START + 72 * HOUR)
  const afterMore = await observe()
  t.same(afterMore.health, referenceHealth(), 'the restored estimator continues exactly')
  t.same(afterMore.open.map((a: { cause: string }) => a.cause).sort(), reference.book.openFor(deviceId).map((a) => a.cause).sort(), 'the same alerts open as the reference')
  t.equal((await call('GET', `/api/alerts?deviceId=${deviceId}&limit=1000`, token)).body.total, reference.raised.length, 'no alert raised twice')

  // 2. As after a crash: the stored checkpoint is older than the readings in the database. The start
  //    replays the telemetry after it and arrives at the same state.
  const saved = await database.db.query<{ state: unknown, last_reading_us: number }>('SELECT state, last_reading_us FROM insight_device_state WHERE device_id = $1', [deviceId])
  await feedUntil(START + 84 * HOUR)
  const latest = await observe()
  await platform.stop()
  await database.db.query('UPDATE insight_device_state SET state = $2::jsonb, last_reading_us = $3 WHERE device_id = $1',
    [deviceId, JSON.stringify(saved.rows[0]?.state), saved.rows[0]?.last_reading_us])
  platform = await start()
  token = await login()
  t.same(await observe(), latest, 'replaying 12 hours of telemetry restores the same health and open alerts')
  t.same(latest.health, referenceHealth())
})
