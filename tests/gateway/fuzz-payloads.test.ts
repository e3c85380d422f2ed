import t from 'tap'
import { createRandom } from '../../core/random.js'
import type { Random } from '../../core/random.js'
import { forEachDriver } from '../helpers/database.js'
import { connectDevice, eventually, registerDevice } from '../helpers/mqtt.js'
import { startTestPlatform } from '../helpers/platform.js'

const BAD_PER_DEVICE = 1050
const DEVICES = 10
const VALID_EVERY = 3

/** Payloads that are wrong by construction, each labelled with the reason code it must get. */
function badPayload (random: Random, now: number): { payload: Buffer, code: string } {
  const kind = random.int(0, 13)
  const valid = { ts: now - random.int(0, 1e6), values: { temp: 20 + random.next() } }
  switch (kind) {
    case 0: return { payload: Buffer.concat([Buffer.from([0xff]), random.bytes(random.int(0, 300))]), code: 'GW_PAYLOAD_NOT_JSON' }
    case 1: {
      const text = JSON.stringify(valid)
      return { payload: Buffer.from(text.slice(0, random.int(1, text.length - 1))), code: 'GW_PAYLOAD_NOT_JSON' }
    }
    case 2: {
      const depth = random.int(200, 3000)
      return { payload: Buffer.from('['.repeat(depth) + '1' + ']'.repeat(depth)), code: 'GW_PAYLOAD_INVALID' }
    }
    case 3: {
      const depth = random.int(200, 3000)
      return { payload: Buffer.from('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)), code: 'GW_PAYLOAD_INVALID' }
    }
    case 4: return { payload: Buffer.from(random.pick(['{"temp": NaN}', '{"temp": Infinity}', '{"temp": -Infinity}', '{"values":{"t":NaN}}'])), code: 'GW_PAYLOAD_NOT_JSON' }
    case 5: return { payload: Buffer.from(`{"temp": ${random.pick(['1e400', '-1e999'])}}`), code: 'GW_PAYLOAD_INVALID' }
    case 6: return { payload: Buffer.from(JSON.stringify({ ts: valid.ts, values: { temp: String(random.next()) } })), code: 'GW_PAYLOAD_INVALID' }
    case 7: return { payload: Buffer.from(JSON.stringify({ temp: random.pick([true, null, [1], { v: 1 }, '81.2']) })), code: 'GW_PAYLOAD_INVALID' }
    case 8: return { payload: Buffer.alloc(random.int(1_000_000, 1_100_000), 0x20), code: 'GW_PAYLOAD_TOO_LARGE' }
    case 9: return { payload: Buffer.from(JSON.stringify({ ts: random.pick([Math.floor(now / 1000), -5, 0, now + 86_400_000 * 30]), values: { temp: 1 } })), code: 'GW_PAYLOAD_BAD_TIMESTAMP' }
    case 10: return { payload: Buffer.from(JSON.stringify({ ts: random.pick(['yesterday', '2026-13-45T99:00:00Z', '', '1795000000000']), values: { temp: 1 } })), code: 'GW_PAYLOAD_BAD_TIMESTAMP' }
    case 11: return { payload: Buffer.from(JSON.stringify({ ts: random.pick([{}, [], true, 1.5]), values: { temp: 1 } })), code: 'GW_PAYLOAD_INVALID' }
    case 12: return { payload: Buffer.from(JSON.stringify(Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`m${i}`, i])))), code: 'GW_PAYLOAD_INVALID' }
    default: {
      const text = random.pick(['', '[]', '{}', 'null', '42', '"text"', '[{"temp":1},"x"]'])
      return { payload: Buffer.from(text), code: text === '' ? 'GW_PAYLOAD_NOT_JSON' : 'GW_PAYLOAD_INVALID' }
    }
  }
}

forEachDriver(t, `${DEVICES * BAD_PER_DEVICE} fuzzed payloads interleaved with valid ones`, async (t, driver) => {
  const test = await startTestPlatform(driver)
  t.teardown(() => test.close())
  const random = createRandom(20261122)
  const now = Date.now()
  const expectedCodes = new Map<string, number>()
  let bad = 0
  let validReadings = 0

  await Promise.all(Array.from({ length: DEVICES }, async (_, d) => {
    const device = await registerDevice(test, `FUZZ-${d}`)
    const client = await connectDevice(test.mqttUrl, { username: device.id, password: device.password })
    for (let i = 0; i < BAD_PER_DEVICE; i++) {
      const { payload, code } = badPayload(random, now)
      await client.publishAsync(`devices/${device.id}/telemetry`, payload, { qos: random.int(0, 1) as 0 | 1 })
      bad++
      expectedCodes.set(code, (expectedCodes.get(code) ?? 0) + 1)
      if (i % VALID_EVERY === 0) {
        await client.publishAsync(`devices/${device.id}/telemetry`, JSON.stringify({ ts: now - 10_000_000 + i, values: { temp: i, rpm: d } }), { qos: 1 })
        validReadings += 2
      }
    }
    t.equal(client.connected, true, `device ${d} stayed connected through its bad payloads`)
    await client.endAsync()
  }))

  // QoS 0 messages are not acknowledged: wait until the broker has taken every message, then for the drain.
  const handled = async (): Promise<number> => {
    const text = (await test.request('GET', '/metrics')).text
    return [...text.matchAll(/^afterline_mqtt_messages_(?:accepted|rejected)_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0)
  }
  await eventually(async () => await handled() === bad + validReadings / 2, 30_000, 'every message handled')
  await test.platform.gateway.ingest.drained()
  const db = test.platform.db
  const dead = await db.query<{ n: number, reasonless: number }>("SELECT count(*) AS n, count(*) FILTER (WHERE reason = '' OR reason_code = '') AS reasonless FROM dead_letters")
  t.equal(dead.rows[0]!.n, bad, 'every bad payload is dead-lettered')
  t.equal(dead.rows[0]!.reasonless, 0, 'each with a code and a reason')
  const bounded = await db.query<{ n: number }>('SELECT count(*) AS n FROM dead_letters WHERE length(payload) > 4096')
  t.equal(bounded.rows[0]!.n, 0, 'raw bytes are kept up to DEAD_LETTER_MAX_BYTES')
  const big = await db.query<{ n: number }>("SELECT count(*) AS n FROM dead_letters WHERE reason_code = 'GW_PAYLOAD_TOO_LARGE' AND payload_bytes >= 1000000")
  t.equal(big.rows[0]!.n, expectedCodes.get('GW_PAYLOAD_TOO_LARGE'), '1 MB bodies are dead-lettered with their real size')
  const byCode = await db.query<{ reason_code: string, n: number }>('SELECT reason_code, count(*) AS n FROM dead_letters GROUP BY reason_code ORDER BY reason_code')
  t.same(Object.fromEntries(byCode.rows.map((row) => [row.reason_code, row.n])), Object.fromEntries([...expectedCodes].sort()), 'each is rejected for its own reason')
  const readings = await db.query<{ n: number }>('SELECT count(*) AS n FROM telemetry')
  t.equal(readings.rows[0]!.n, validReadings, 'every valid reading is stored')

  const metrics = await test.request('GET', '/metrics')
  const rejected = [...metrics.text.matchAll(/^afterline_mqtt_messages_rejected_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0)
  t.equal(rejected, bad, 'every rejection is counted in /metrics')

  const listed = await test.request('GET', '/api/dead-letters?limit=5&reasonCode=GW_PAYLOAD_NOT_JSON', { token: await test.tokenFor('admin') })
  t.equal(listed.status, 200)
  t.equal(listed.body.deadLetters.length, 5)
  t.match(listed.body.deadLetters[0], { reasonCode: 'GW_PAYLOAD_NOT_JSON', reason: /not JSON/, payloadBase64: String })
})
