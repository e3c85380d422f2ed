import t from 'tap'
import { MIN_TIMESTAMP_MICROS, parseEventPayload, parseTelemetryPayload } from '../../gateway/ingest/parse-payload.js'

const limits = { maxPayloadBytes: 1024, maxFutureMicros: 60e6 }
const receivedAt = Date.parse('2026-11-22T10:00:00Z') * 1000
const parse = (value: unknown): ReturnType<typeof parseTelemetryPayload> =>
  parseTelemetryPayload(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), receivedAt, limits)

t.test('the three accepted shapes', async (t) => {
  t.same(parse({ ts: 1_795_000_000_000, values: { temp: 81.2, rpm: 1500 } }), {
    ok: true, value: { readings: [{ metric: 'temp', ts: 1_795_000_000_000_000, value: 81.2 }, { metric: 'rpm', ts: 1_795_000_000_000_000, value: 1500 }], serverTimed: 0 }
  })
  t.same(parse({ temp: 81.2 }), { ok: true, value: { readings: [{ metric: 'temp', ts: receivedAt, value: 81.2 }], serverTimed: 1 } })
  t.same(parse([{ temp: 1 }, { temp: 2 }, { ts: '2026-11-22T09:59:59.123456Z', values: { temp: 3 } }]), {
    ok: true,
    value: {
      readings: [
        { metric: 'temp', ts: receivedAt, value: 1 },
        { metric: 'temp', ts: receivedAt + 1, value: 2 },
        { metric: 'temp', ts: Date.parse('2026-11-22T09:59:59.123Z') * 1000 + 456, value: 3 }
      ],
      serverTimed: 2
    }
  }, 'server-timed readings get consecutive microseconds; RFC 3339 keeps microseconds')
  t.same(parse({ values: { temp: 5 } }), { ok: true, value: { readings: [{ metric: 'temp', ts: receivedAt, value: 5 }], serverTimed: 1 } })
  t.same(parse({ ts: '2026-11-22T11:59:00+02:00', values: { t: 0 } }), { ok: true, value: { readings: [{ metric: 't', ts: Date.parse('2026-11-22T09:59:00Z') * 1000, value: 0 }], serverTimed: 0 } }, 'offsets')
})

t.test('every kind of bad payload is rejected with a code and a reason', async (t) => {
  const cases: Array<[string, unknown, string, RegExp]> = [
    ['empty', '', 'GW_PAYLOAD_NOT_JSON', /empty/],
    ['not JSON', 'temp=81', 'GW_PAYLOAD_NOT_JSON', /not JSON/],
    ['truncated JSON', '{"temp": 8', 'GW_PAYLOAD_NOT_JSON', /not JSON/],
    ['NaN literal', '{"temp": NaN}', 'GW_PAYLOAD_NOT_JSON', /not JSON/],
    ['too large', JSON.stringify({ temp: 1, pad: 'x'.repeat(2000) }), 'GW_PAYLOAD_TOO_LARGE', /more than the 1024 allowed/],
    ['string for a number', { temp: '81.2' }, 'GW_PAYLOAD_INVALID', /payload\.temp must be number/],
    ['null value', { temp: null }, 'GW_PAYLOAD_INVALID', /must be number/],
    ['nested object', { temp: { deep: 1 } }, 'GW_PAYLOAD_INVALID', /must be number/],
    ['no metrics', {}, 'GW_PAYLOAD_INVALID', /fewer than 1/],
    ['bad metric name', { 'a b': 1 }, 'GW_PAYLOAD_INVALID', /invalid metric name "a b"/],
    ['ts in a flat reading', { ts: 1_795_000_000_000, temp: 1 }, 'GW_PAYLOAD_INVALID', /mixes "ts" with metrics/],
    ['extra field', { ts: 1_795_000_000_000, values: { t: 1 }, unit: 'C' }, 'GW_PAYLOAD_INVALID', /additional properties/],
    ['empty array', [], 'GW_PAYLOAD_INVALID', /fewer than 1/],
    ['overflow to Infinity', '{"temp": 1e400}', 'GW_PAYLOAD_INVALID', /finite|must be number/],
    ['seconds instead of ms', { ts: 1_795_000_000, values: { t: 1 } }, 'GW_PAYLOAD_BAD_TIMESTAMP', /before 2000/],
    ['far future', { ts: receivedAt / 1000 + 3_600_000, values: { t: 1 } }, 'GW_PAYLOAD_BAD_TIMESTAMP', /future/],
    ['not a date', { ts: 'yesterday', values: { t: 1 } }, 'GW_PAYLOAD_BAD_TIMESTAMP', /RFC 3339/],
    ['fractional ms', { ts: 1_795_000_000_000.5, values: { t: 1 } }, 'GW_PAYLOAD_INVALID', /integer|string/],
    ['deep nesting', '['.repeat(500) + ']'.repeat(500), 'GW_PAYLOAD_INVALID', /payload\.0 must be object/]
  ]
  for (const [name, payload, code, reason] of cases) {
    const result = parse(payload)
    t.equal(result.ok, false, `${name} is rejected`)
    if (!result.ok) {
      t.equal(result.code, code, `${name}: ${result.reason}`)
      t.match(result.reason, reason, `${name}: reason says why`)
    }
  }
})

t.test('the earliest accepted timestamp is 2000-01-01', async (t) => {
  t.equal(MIN_TIMESTAMP_MICROS, Date.parse('2000-01-01T00:00:00Z') * 1000)
  t.equal(parse({ ts: Date.parse('2000-01-01T00:00:00Z'), values: { t: 1 } }).ok, true)
  t.equal(parse({ ts: Date.parse('1999-12-31T23:59:59Z'), values: { t: 1 } }).ok, false)
})

t.test('events: code required, defaults applied, arrays accepted', async (t) => {
  const one = parseEventPayload(Buffer.from(JSON.stringify({ code: 'E42' })), receivedAt, limits)
  t.same(one, { ok: true, value: [{ ts: receivedAt, code: 'E42', severity: 'warning', message: null, data: null }] })
  const many = parseEventPayload(Buffer.from(JSON.stringify([{ code: 'A', severity: 'critical', message: 'overheat', data: { t: 99 } }, { code: 'B', ts: 1_795_000_000_000 }])), receivedAt, limits)
  t.same(many, { ok: true, value: [
    { ts: receivedAt, code: 'A', severity: 'critical', message: 'overheat', data: { t: 99 } },
    { ts: 1_795_000_000_000_000, code: 'B', severity: 'warning', message: null, data: null }
  ] })
  const bad = parseEventPayload(Buffer.from(JSON.stringify({ severity: 'critical' })), receivedAt, limits)
  t.match(bad, { ok: false, code: 'GW_PAYLOAD_INVALID', reason: /required property 'code'/ })
})
