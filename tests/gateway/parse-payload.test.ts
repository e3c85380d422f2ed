import t from 'tap'
import { MAX_ABS_VALUE, MIN_TIMESTAMP_MICROS, parseEventPayload, parseTelemetryPayload } from '../../gateway/ingest/parse-payload.js'

const limits = { maxPayloadBytes: 1024, maxFutureMicros: 60e6, maxAgeMicros: 400 * 86_400e6 }
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
    ['deep nesting', '['.repeat(500) + ']'.repeat(500), 'GW_PAYLOAD_INVALID', /payload\.0 must be object/],
    ['beyond the value bound', { temp: 1.7e308 }, 'GW_PAYLOAD_INVALID', /beyond ±1000000000000000/],
    ['older than retention', { ts: receivedAt / 1000 - 401 * 86_400_000, values: { t: 1 } }, 'GW_PAYLOAD_BAD_TIMESTAMP', /older than the 400-day telemetry retention/],
    ['February 30th', { ts: '2026-02-30T10:00:00Z', values: { t: 1 } }, 'GW_PAYLOAD_BAD_TIMESTAMP', /no such day/],
    ['February 29th of a common year', { ts: '2026-02-29T10:00:00Z', values: { t: 1 } }, 'GW_PAYLOAD_BAD_TIMESTAMP', /no such day/],
    ['hour 24', { ts: '2026-11-22T24:00:00Z', values: { t: 1 } }, 'GW_PAYLOAD_BAD_TIMESTAMP', /no such hour/],
    ['leap second', { ts: '2026-11-22T09:59:60Z', values: { t: 1 } }, 'GW_PAYLOAD_BAD_TIMESTAMP', /no such second|RFC 3339/],
    ['offset +25:00', { ts: '2026-11-22T09:59:00+25:00', values: { t: 1 } }, 'GW_PAYLOAD_BAD_TIMESTAMP', /no such offset|RFC 3339/]
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
  const unlimited = (ts: number): boolean => parseTelemetryPayload(Buffer.from(JSON.stringify({ ts, values: { t: 1 } })), receivedAt, { maxPayloadBytes: 1024, maxFutureMicros: 60e6 }).ok
  t.equal(unlimited(Date.parse('2000-01-01T00:00:00Z')), true)
  t.equal(unlimited(Date.parse('1999-12-31T23:59:59Z')), false)
})

t.test('values up to the bound, leap days and readings within retention are accepted', async (t) => {
  t.equal(parse({ temp: MAX_ABS_VALUE, rpm: -MAX_ABS_VALUE }).ok, true)
  t.equal(parseTelemetryPayload(Buffer.from(JSON.stringify({ ts: '2024-02-29T10:00:00Z', values: { t: 1 } })), receivedAt, { maxPayloadBytes: 1024, maxFutureMicros: 60e6 }).ok, true, 'a leap day')
  t.equal(parse({ ts: receivedAt / 1000 - 399 * 86_400_000, values: { t: 1 } }).ok, true)
  const noRetention = parseTelemetryPayload(Buffer.from(JSON.stringify({ ts: Date.parse('2001-01-01T00:00:00Z'), values: { t: 1 } })), receivedAt, { maxPayloadBytes: 1024, maxFutureMicros: 60e6 })
  t.equal(noRetention.ok, true, 'without a retention only the year-2000 floor applies')
})

t.test('events that could not be stored or walked are refused', async (t) => {
  const events = (text: string): ReturnType<typeof parseEventPayload> => parseEventPayload(Buffer.from(text), receivedAt, { ...limits, maxPayloadBytes: 1 << 20 })
  const deep = `{"code":"E1","data":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`
  t.match(events(deep), { ok: false, code: 'GW_PAYLOAD_INVALID', reason: /payload\.data\.x(\.0)* nests deeper than 32 levels/ }, 'deep data is refused, not walked recursively')
  t.match(events('{"code":"E1","message":"bad \\ud800 text"}'), { ok: false, code: 'GW_PAYLOAD_INVALID', reason: /payload\.message is not well-formed Unicode/ })
  t.match(events('{"code":"E1","data":{"\\udc00":1}}'), { ok: false, code: 'GW_PAYLOAD_INVALID', reason: /payload\.data has a key that is not well-formed Unicode/ })
  t.match(events('[{"code":"E1"},{"code":"E2","data":{"note":"a\\u0000b"}}]'), { ok: false, code: 'GW_PAYLOAD_INVALID', reason: /payload\.1\.data\.note contains a NUL/ })
  t.equal(events('{"code":"E1","message":"pair \\ud83d\\ude00 ok","data":{"a":[[[1]]]}}').ok, true, 'surrogate pairs and modest nesting are fine')
  t.equal(events(JSON.stringify({ code: 'E1', ts: receivedAt / 1000 - 800 * 86_400_000 })).ok, true, 'events have no retention limit')
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
