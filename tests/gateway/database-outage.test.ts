import { randomBytes } from 'node:crypto'
import t from 'tap'
import { migrate } from '../../core/db/migrate.js'
import { openServerDatabase } from '../../core/db/server-driver.js'
import { allMigrations } from '../../web/platform.js'
import { serverUrl } from '../helpers/database.js'
import { registerDevice } from '../helpers/mqtt.js'
import { startTestPlatform } from '../helpers/platform.js'
import { countAcked, METRICS, runPublishers } from '../helpers/publishers.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

const DEVICES = 200
const MESSAGES = 500
const OUTAGE_MS = 20_000

const url = serverUrl
if (url === null) {
  t.comment('database outage test skipped: it needs the server driver and TEST_DATABASE_URL is not set')
} else {
  t.test(`the database connection is cut for ${OUTAGE_MS / 1000} s mid-run: every acknowledged reading is stored once`, async (t) => {
    const target = new URL(url)
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) })
    t.teardown(() => proxy.close())
    const proxied = new URL(url)
    proxied.port = String(proxy.port)
    const schema = `t_outage_${randomBytes(4).toString('hex')}`
    const db = await openServerDatabase({ url: proxied.toString(), schema, poolSize: 4 })
    await migrate(db, allMigrations)
    t.teardown(async () => {
      const direct = await openServerDatabase({ url, schema })
      await direct.exec(`DROP SCHEMA ${schema} CASCADE`)
      await direct.close()
      await db.close().catch(() => {})
    })

    const test = await startTestPlatform('server', { db })
    t.teardown(() => test.close())
    const devices = []
    for (let i = 0; i < DEVICES; i++) devices.push(await registerDevice(test, `OUT-${i}`))
    const base = Date.now() - 3_600_000

    // About 3,300 messages/s for 30 s; the database disappears from second 5 to second 25.
    const run = runPublishers(test.mqttUrl, devices, { messages: MESSAGES, base, window: 4, ratePerDevice: MESSAGES / 30 })
    await new Promise((resolve) => setTimeout(resolve, 5000))
    proxy.cut()
    const cutAt = Date.now()
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const during = await test.request('GET', '/healthz')
    t.equal(during.status, 503, 'health says the database is unavailable')
    t.ok(test.platform.gateway.ingest.pendingMessages > 0, `readings wait in the spool (${test.platform.gateway.ingest.pendingMessages} messages)`)
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - cutAt)))
    proxy.restore()

    const log = await run
    t.equal(countAcked(log), DEVICES * MESSAGES, 'devices kept being acknowledged through the outage')
    await test.platform.gateway.ingest.drained()
    t.equal((await test.request('GET', '/healthz')).status, 200)

    const { rows } = await db.query<{ n: number, distinct_keys: number }>(
      'SELECT count(*) AS n, count(DISTINCT (device_id, metric, ts)) AS distinct_keys FROM telemetry')
    t.equal(rows[0]!.n, DEVICES * MESSAGES * METRICS.length, 'every acknowledged reading is stored')
    t.equal(rows[0]!.distinct_keys, rows[0]!.n, 'none twice')
    const perDevice = await db.query<{ device_id: string, n: number }>('SELECT device_id, count(*) AS n FROM telemetry GROUP BY device_id HAVING count(*) <> $1', [MESSAGES * METRICS.length])
    t.same(perDevice.rows, [], 'no device is missing readings')
    const metrics = await test.request('GET', '/metrics')
    t.match(metrics.text, /afterline_db_write_failures_total [1-9]/, 'failed writes were counted and retried')
  })
}
