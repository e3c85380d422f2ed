import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { registerDevice } from '../helpers/mqtt.js'
import { startTestPlatform } from '../helpers/platform.js'
import { countAcked, METRICS, runPublishers } from '../helpers/publishers.js'

const DEVICES = 200
const MESSAGES = 500

forEachDriver(t, `${DEVICES} devices × ${MESSAGES} QoS 1 messages: every acknowledged reading is stored exactly once`, async (t, driver) => {
  const test = await startTestPlatform(driver)
  t.teardown(() => test.close())
  const devices = []
  for (let i = 0; i < DEVICES; i++) devices.push(await registerDevice(test, `EO-${i}`))
  const base = Date.now() - 3_600_000

  const log = await runPublishers(test.mqttUrl, devices, { messages: MESSAGES, base, window: 8 })
  t.equal(countAcked(log), DEVICES * MESSAGES, 'every message was acknowledged')

  await test.platform.gateway.ingest.drained()
  const { rows } = await test.platform.db.query<{ device_id: string, n: number, distinct_ts: number, metrics: number, min_ts: Date, max_ts: Date }>(
    `SELECT device_id, count(*) AS n, count(DISTINCT ts) AS distinct_ts, count(DISTINCT metric) AS metrics, min(ts) AS min_ts, max(ts) AS max_ts
     FROM telemetry GROUP BY device_id`)
  t.equal(rows.length, DEVICES, 'readings from every device')
  const wrong = rows.filter((row) => row.n !== MESSAGES * METRICS.length || row.distinct_ts !== MESSAGES || row.metrics !== METRICS.length ||
    row.min_ts.getTime() !== base || row.max_ts.getTime() !== base + MESSAGES - 1)
  t.same(wrong, [], `each device has ${MESSAGES} × ${METRICS.length} readings, one per (metric, time)`)
  const total = await test.platform.db.query<{ n: number }>('SELECT count(*) AS n FROM telemetry')
  t.equal(total.rows[0]!.n, DEVICES * MESSAGES * METRICS.length)

  // A device resending what it already sent (it never saw the PUBACK) adds nothing.
  await runPublishers(test.mqttUrl, devices.slice(0, 10), { messages: 50, base })
  await test.platform.gateway.ingest.drained()
  const after = await test.platform.db.query<{ n: number }>('SELECT count(*) AS n FROM telemetry')
  t.equal(after.rows[0]!.n, DEVICES * MESSAGES * METRICS.length, 'redelivery does not duplicate')
})
