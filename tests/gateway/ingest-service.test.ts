import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import type { DriverName } from '../../core/db/database.js'
import { createEventBus } from '../../core/event-bus.js'
import { createSilentLogger } from '../../core/logger.js'
import { createMetricsRegistry } from '../../core/metrics.js'
import type { Reading } from '../../gateway/events.js'
import { createIngestService } from '../../gateway/ingest/ingest.service.js'
import type { IngestService } from '../../gateway/ingest/ingest.service.js'
import type { PayloadLimits } from '../../gateway/ingest/parse-payload.js'
import { createGatewayMetrics } from '../../gateway/metrics.js'
import { forEachDriver, openTestDatabase } from '../helpers/database.js'

const DEVICE = '0f8fad5b-d9cb-469f-a165-70867728950e'
const TOPIC = `devices/${DEVICE}/telemetry`
const NOW = Date.parse('2026-11-22T10:00:00Z')

/**
 * A test database and spool folder (both gone after the test); `open` starts an ingest service over
 * them at NOW, with its own metrics registry, as many times as a test restarts it.
 */
async function ingestFixture (t: Test, driver: DriverName, options: { limits?: PayloadLimits, spoolBytes?: number } = {}) {
  const { db, close } = await openTestDatabase(driver)
  t.teardown(close)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-ingest-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const logger = createSilentLogger()
  const bus = createEventBus(logger)
  const open = async (): Promise<{ ingest: IngestService, registry: ReturnType<typeof createMetricsRegistry> }> => {
    const registry = createMetricsRegistry({ processMetrics: false })
    const ingest = await createIngestService({
      db, bus, logger, metrics: createGatewayMetrics(registry), spool: { dir, maxBytes: options.spoolBytes ?? 1 << 20, fsync: true },
      batchPoints: 1000, maxLagMs: 1000, limits: options.limits ?? { maxPayloadBytes: 1024, maxFutureMicros: 60e6 }, deadLetterMaxBytes: 64, now: () => NOW
    })
    return { ingest, registry }
  }
  return { db, dir, bus, open }
}

forEachDriver(t, 'validation waits for the drainer: acknowledged messages are parsed when stored, listeners see them in order, refused ones become dead letters', async (t, driver) => {
  const { db, bus, open } = await ingestFixture(t, driver)
  const { ingest, registry } = await open()
  t.teardown(() => ingest.close())
  const seen: Array<{ deviceId: string, readings: readonly Reading[] }> = []
  ingest.addReadingsListener((deviceId, readings) => seen.push({ deviceId, readings }))
  const rejected: string[] = []
  bus.subscribe('payload.rejected', (event) => { rejected.push(event.code) })

  const payloads = [
    JSON.stringify({ ts: NOW - 2000, values: { temp: 80 } }),
    '{"ts":1,"values":{"temp":',
    JSON.stringify([{ temp: 81 }, { temp: 82 }]),
    JSON.stringify({ ts: NOW - 1000, values: { temp: 'hot' } }),
    JSON.stringify({ huge: 'x'.repeat(2000) }),
    JSON.stringify({ temp: 83 })
  ]
  const acked = await Promise.all(payloads.map(async (payload) => await new Promise<boolean>((resolve) => {
    ingest.acceptMessage(DEVICE, TOPIC, 'telemetry', Buffer.from(payload), (error) => resolve(error === null))
  })))
  t.same(acked, [true, true, true, true, true, true], 'every message is acknowledged once durable, valid or not')

  await ingest.drained()
  await bus.idle()
  const values = seen.map((entry) => entry.readings.map((reading) => reading.value))
  t.same(values, [[80], [81, 82], [83]], 'listeners see stored readings in acknowledgement order')
  t.ok(seen.every((entry) => entry.deviceId === DEVICE))
  const serverTimes = seen.slice(1).flatMap((entry) => entry.readings.map((reading) => reading.ts))
  t.equal(new Set(serverTimes).size, 3, 'readings without a timestamp never share a server time')

  const stored = await db.query<{ value: number }>('SELECT value FROM telemetry ORDER BY ts')
  t.same(stored.rows.map((row) => row.value), [80, 81, 82, 83])
  const dead = await db.query<{ reason_code: string, payload_bytes: number, payload_size: number }>(
    'SELECT reason_code, payload_bytes, octet_length(payload) AS payload_size FROM dead_letters ORDER BY received_at')
  t.same(dead.rows.map((row) => row.reason_code), ['GW_PAYLOAD_NOT_JSON', 'GW_PAYLOAD_INVALID', 'GW_PAYLOAD_TOO_LARGE'])
  t.same(dead.rows.map((row) => [row.payload_bytes, row.payload_size]), [[payloads[1]!.length, payloads[1]!.length], [payloads[3]!.length, payloads[3]!.length], [payloads[4]!.length, 64]], 'dead letters keep their size and at most DEAD_LETTER_MAX_BYTES of the payload')
  t.same(rejected, ['GW_PAYLOAD_NOT_JSON', 'GW_PAYLOAD_INVALID', 'GW_PAYLOAD_TOO_LARGE'], 'payload.rejected is published for each')
  const text = await registry.metrics()
  t.match(text, /afterline_mqtt_messages_accepted_total\{kind="telemetry"\} 3/)
  t.match(text, /afterline_readings_accepted_total 4/)
  t.match(text, /afterline_spool_appended_total 6/)
  t.match(text, /afterline_ingest_ack_latency_seconds_count 6/, 'every spooled message\'s wait for its acknowledgement is observed')
})

forEachDriver(t, 'an event nested 100,000 levels deep becomes a dead letter and the drain goes on, live and on replay', async (t, driver) => {
  const { db, dir, open } = await ingestFixture(t, driver, { limits: { maxPayloadBytes: 1 << 20, maxFutureMicros: 60e6 }, spoolBytes: 4 << 20 })
  const deep = `{"code":"E1","data":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`
  const events = `devices/${DEVICE}/events`

  const { ingest: live } = await open()
  const refused = await live.accept(DEVICE, events, 'events', Buffer.from(deep))
  t.match(refused, { accepted: false, code: 'GW_PAYLOAD_INVALID', reason: /nests deeper than 32 levels/ })
  t.match(await live.accept(DEVICE, events, 'events', Buffer.from('{"code":"E2"}')), { accepted: true }, 'the next event is stored')
  await live.close()

  // Spooled but not yet drained when the process stopped: the replay must not stall on it either.
  await db.query('DELETE FROM dead_letters')
  await db.query('DELETE FROM device_events')
  const { openSpool } = await import('../../core/spool.js')
  const { encodeRecord, RecordKind } = await import('../../gateway/ingest/spool-record.js')
  const { spool } = await openSpool({ dir, maxBytes: 4 << 20, fsync: true, closedError: () => new Error('closed') })
  for (const [payload, offset] of [[deep, 1], ['{"code":"E3"}', 2]] as const) {
    await spool.append(encodeRecord({ kind: RecordKind.Event, deviceId: DEVICE, receivedAt: NOW * 1000 + offset, topic: events, payload: Buffer.from(payload) }))
  }
  await spool.close()
  const { ingest: replay } = await open()
  t.teardown(() => replay.close())
  t.equal(replay.recovery.records.length, 2, 'both messages are replayed')
  await replay.drained()
  const dead = await db.query<{ reason_code: string }>('SELECT reason_code FROM dead_letters')
  t.same(dead.rows.map((row) => row.reason_code), ['GW_PAYLOAD_INVALID'])
  const stored = await db.query<{ code: string }>('SELECT code FROM device_events')
  t.same(stored.rows.map((row) => row.code), ['E3'])
})

forEachDriver(t, 'a reading resent with the same time is stored once and counted as a duplicate', async (t, driver) => {
  const { db, open } = await ingestFixture(t, driver)
  const { ingest, registry } = await open()
  t.teardown(() => ingest.close())
  const payload = Buffer.from(JSON.stringify({ ts: NOW - 5000, values: { temp: 70, rpm: 900 } }))
  await ingest.accept(DEVICE, TOPIC, 'telemetry', payload)
  await ingest.accept(DEVICE, TOPIC, 'telemetry', payload)
  t.equal((await db.query('SELECT 1 FROM telemetry')).rows.length, 2, 'two readings, stored once')
  const text = await registry.metrics()
  t.match(text, /afterline_readings_duplicate_total 2/)
  t.match(text, /afterline_db_rows_written_total\{table="telemetry"\} 2/)
})
