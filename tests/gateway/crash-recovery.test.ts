import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { createServerDatabase, serverUrl, testDrivers } from '../helpers/database.js'
import { httpJson, spawnPlatform, stopAndOpenDatabase } from '../helpers/child-platform.js'
import type { RegisteredDevice } from '../helpers/mqtt.js'
import { countAcked, METRICS, runPublishers } from '../helpers/publishers.js'

const DEVICES = 50
const MESSAGES = 1000
const KILL_AFTER_ACKS = 15_000
const ADMIN_PASSWORD = 'crash-test-admin'

if (serverUrl === null) t.comment('crash recovery on the server driver skipped: TEST_DATABASE_URL is not set')

for (const driver of testDrivers()) {
  t.test(`SIGKILL mid-run, restart: every acknowledged reading is stored once [${driver}]`, async (t) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-crash-'))
    t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    const env: Record<string, string> = { DATA_DIR: dataDir, ADMIN_PASSWORD }
    if (driver === 'server') env.DATABASE_URL = await createServerDatabase(t)

    const first = await spawnPlatform(env)
    t.teardown(() => { first.process.kill('SIGKILL') })
    const { body: { token } } = await httpJson(`${first.httpUrl}/api/auth/login`, { method: 'POST', body: { username: 'admin', password: ADMIN_PASSWORD } })
    const devices: RegisteredDevice[] = []
    for (let i = 0; i < DEVICES; i++) {
      const { body } = await httpJson(`${first.httpUrl}/api/devices`, { method: 'POST', token, body: { assetCode: `K-${i}`, model: 'G100' } })
      devices.push({ id: body.id, ...body.credentials })
    }
    const base = Date.now() - 3_600_000

    let acks = 0
    const log = await runPublishers(first.mqttUrl, devices, {
      messages: MESSAGES,
      base,
      window: 8,
      onAck: () => { if (++acks === KILL_AFTER_ACKS) first.process.kill('SIGKILL') }
    })
    t.equal(await first.exited, 'SIGKILL')
    const ackedBeforeKill = countAcked(log)
    t.ok(ackedBeforeKill >= KILL_AFTER_ACKS && ackedBeforeKill < DEVICES * MESSAGES, `killed mid-run after ${ackedBeforeKill} acknowledgements`)

    const second = await spawnPlatform(env)
    t.teardown(() => { second.process.kill('SIGKILL') })
    // Devices resend from a little before their first unacknowledged message, as real firmware would.
    const resumeAt = (id: string): number => Math.max(0, (log.acked.get(id)?.length ?? 0) - 20)
    await runPublishers(second.mqttUrl, devices, { messages: MESSAGES, base, window: 8, startAt: resumeAt })

    // Wait until the restarted gateway has written everything, then stop it cleanly and look inside.
    for (let i = 0; ; i++) {
      const metrics = await (await fetch(`${second.httpUrl}/metrics`)).text()
      if (/afterline_spool_pending_messages 0\b/.test(metrics)) break
      if (i > 600) throw new Error('spool did not drain')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const db = await stopAndOpenDatabase(t, second, driver, env)
    const stored = new Map<string, Set<number>>()
    const { rows } = await db.query<{ device_id: string, ms: number, metrics: number }>(
      `SELECT device_id, (extract(epoch FROM ts) * 1000)::int8 AS ms, count(*) AS metrics FROM telemetry GROUP BY device_id, ts`)
    let badMetricCount = 0
    for (const row of rows) {
      if (row.metrics !== METRICS.length) badMetricCount++
      let set = stored.get(row.device_id)
      if (set === undefined) stored.set(row.device_id, set = new Set())
      set.add(row.ms)
    }
    t.equal(badMetricCount, 0, 'each stored message has its 4 readings, once each (primary key)')
    let missing = 0
    for (const [deviceId, acked] of log.acked) for (const ts of acked) if (!stored.get(deviceId)?.has(ts)) missing++
    t.equal(missing, 0, `all ${ackedBeforeKill} readings acknowledged before the kill are stored`)
    const total = await db.query<{ n: number, keys: number }>('SELECT count(*) AS n, count(DISTINCT (device_id, metric, ts)) AS keys FROM telemetry')
    t.equal(total.rows[0]!.n, total.rows[0]!.keys, 'no duplicates')
    t.equal(total.rows[0]!.n, DEVICES * MESSAGES * METRICS.length, 'after the resend every message is stored exactly once')
  })
}
