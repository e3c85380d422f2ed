import t from 'tap'
import { createRuleContext } from '../../../dispatch/engine/candidate-search.js'
import { findViolation, listViolations, passesHardRules } from '../../../dispatch/engine/hard-rules.js'
import { scoreCandidate, DEFAULT_SCORING } from '../../../dispatch/engine/score.js'
import { isWithinShifts, toLocalTime } from '../../../dispatch/engine/shift-clock.js'
import type { EngineerSnapshot, OrderDemand } from '../../../dispatch/engine/types.js'

const NOW = Date.parse('2026-11-23T03:00:00Z') // Monday 11:00 in Shanghai
const engineer: EngineerSnapshot = {
  id: 'e1', userId: null, name: 'Wang Wei', stationId: null, skills: { hvac: 3, electrical: 1 },
  territory: { type: 'Polygon', coordinates: [[[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.3], [121.4, 31.2]]] },
  home: { lat: 31.25, lng: 121.45 }, shifts: [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '17:00' }], timezone: 'Asia/Shanghai',
  status: 'available', position: { lat: 31.25, lng: 121.45 }, positionAt: NOW, vanStock: { 'P-1': 1 }, activeOrderId: null,
  maxDistanceKm: null, jobsToday: 2
}
const order: OrderDemand = {
  id: 'o1', location: { lat: 31.26, lng: 121.46 }, priority: 'high', requiredSkills: [{ skill: 'hvac', level: 2 }],
  requiredParts: ['P-1'], rejectedBy: [], preferredEngineerId: null, arriveBy: NOW + 30 * 60_000, createdAt: NOW
}
// Dealer stock as a list of units: ['P1', 'P1'] is two of P1 near the order.
const context = (now = NOW, dealerParts: string[] = []) => createRuleContext({ now, defaultMaxDistanceKm: 50, dealerParts: dealerParts.reduce((units, part) => units.set(part, (units.get(part) ?? 0) + 1), new Map<string, number>()) })
const check = (e: Partial<EngineerSnapshot>, o: Partial<OrderDemand> = {}, now = NOW, distanceKm = 1.4, dealer: string[] = []) =>
  findViolation({ engineer: { ...engineer, ...e }, order: { ...order, ...o }, distanceKm }, context(now, dealer))

t.test('each hard rule refuses with its name and reason', async (t) => {
  t.equal(check({}), null, 'all rules pass')
  t.same(check({ status: 'on_break' }), { rule: 'available', reason: 'status is on_break' })
  t.same(check({ activeOrderId: 'x' }), { rule: 'available', reason: 'already holds an active work order' })
  t.same(check({}, { rejectedBy: ['e1'] }), { rule: 'not_rejected', reason: 'rejected this order before' })
  t.same(check({ skills: { hvac: 1 } }), { rule: 'skills', reason: 'hvac level 1 < 2' })
  t.same(check({ skills: {} }), { rule: 'skills', reason: 'lacks skill hvac' })
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    t.same(check({}, { requiredSkills: [{ skill: name, level: 1 }] }), { rule: 'skills', reason: `lacks skill ${name}` }, `a skill named ${name} is not found on every object`)
    t.equal(passesHardRules({ engineer, order: { ...order, requiredSkills: [{ skill: name, level: 1 }] }, distanceKm: 1.4 }, context()), false)
    t.same(check({}, { requiredParts: [name] }), { rule: 'parts', reason: `part ${name} not on the van nor at a nearby dealer` })
  }
  t.same(check({}, {}, NOW, 60), { rule: 'reach', reason: '60.0 km away, more than 50 km' })
  t.same(check({ maxDistanceKm: 1 }), { rule: 'reach', reason: '1.4 km away, more than 1 km' })
  t.same(check({}, { location: { lat: 31.35, lng: 121.46 } }), { rule: 'reach', reason: 'outside territory' })
  t.same(check({ position: null, home: null }), { rule: 'reach', reason: 'position unknown' })
  t.same(check({}, {}, Date.parse('2026-11-23T10:00:00Z')), { rule: 'on_shift', reason: 'not on shift now' }, '18:00 local')
  t.same(check({}, {}, Date.parse('2026-11-22T03:00:00Z')), { rule: 'on_shift', reason: 'not on shift now' }, 'Sunday')
  t.same(check({ vanStock: {} }), { rule: 'parts', reason: 'part P-1 not on the van nor at a nearby dealer' })
  t.equal(check({ vanStock: {} }, {}, NOW, 1.4, ['P-1']), null, 'a nearby dealer has the part')
  t.same(check({}, { requiredParts: ['P-1', 'P-1'] }), { rule: 'parts', reason: 'part P-1 not on the van nor at a nearby dealer' }, 'two needed, one on the van')
  t.equal(check({}, { requiredParts: ['P-1', 'P-1'] }, NOW, 1.4, ['P-1']), null, 'two needed: one on the van, one at a dealer')
  t.same(check({}, { requiredParts: ['P-1', 'P-1', 'P-1'] }, NOW, 1.4, ['P-1']), { rule: 'parts', reason: 'part P-1 not on the van nor at a nearby dealer' },
    'three needed: the van and the dealer together hold two')
  t.equal(check({ vanStock: {} }, { requiredParts: ['P-1', 'P-1'] }, NOW, 1.4, ['P-1', 'P-1']), null, 'two at dealers')
  t.same(listViolations({ engineer: { ...engineer, status: 'off', skills: {} }, order, distanceKm: 1 }, context()).map((v) => v.rule), ['available', 'skills'])
})

t.test('the allocation-free predicate agrees with the explained check on every rule', async (t) => {
  const cases: Array<[Partial<EngineerSnapshot>, Partial<OrderDemand>, number, number, string[]]> = [
    [{}, {}, NOW, 1.4, []], [{ status: 'on_break' }, {}, NOW, 1.4, []], [{ activeOrderId: 'x' }, {}, NOW, 1.4, []],
    [{}, { rejectedBy: ['e1'] }, NOW, 1.4, []], [{ skills: { hvac: 1 } }, {}, NOW, 1.4, []], [{}, {}, NOW, 60, []],
    [{}, { location: { lat: 31.35, lng: 121.46 } }, NOW, 1.4, []], [{ position: null, home: null }, {}, NOW, 1.4, []],
    [{}, {}, Date.parse('2026-11-23T10:00:00Z'), 1.4, []], [{ vanStock: {} }, {}, NOW, 1.4, []], [{ vanStock: {} }, {}, NOW, 1.4, ['P-1']],
    [{}, { requiredParts: ['P-1', 'P-1'] }, NOW, 1.4, []], [{ maxDistanceKm: 1 }, {}, NOW, 1.4, []]
  ]
  for (const [e, o, now, km, dealer] of cases) {
    const input = { engineer: { ...engineer, ...e }, order: { ...order, ...o }, distanceKm: km }
    t.equal(passesHardRules(input, context(now, dealer)), findViolation(input, context(now, dealer)) === null, JSON.stringify([e, o, km, dealer]))
  }
})

t.test('shifts in the engineer\'s time zone, including one past midnight', async (t) => {
  t.same(toLocalTime(NOW, 'Asia/Shanghai'), { day: 1, minute: 660 })
  t.same(toLocalTime(NOW, 'Europe/Paris'), { day: 1, minute: 240 })
  const night = [{ days: [5], start: '22:00', end: '06:00' }]
  t.equal(isWithinShifts(night, { day: 5, minute: 23 * 60 }), true, 'Friday 23:00')
  t.equal(isWithinShifts(night, { day: 6, minute: 5 * 60 }), true, 'Saturday 05:00')
  t.equal(isWithinShifts(night, { day: 6, minute: 7 * 60 }), false, 'Saturday 07:00')
  t.equal(isWithinShifts(night, { day: 5, minute: 5 * 60 }), false, 'Friday 05:00')
  t.equal(isWithinShifts([], { day: 0, minute: 0 }), true, 'no schedule: always on')
})

t.test('the score explains itself', async (t) => {
  const scored = scoreCandidate({ ...engineer, id: 'e1' }, { ...order, preferredEngineerId: 'e1' }, 1.4, { ...DEFAULT_SCORING, now: NOW })
  t.same(scored, {
    engineerId: 'e1',
    cost: -5.9,
    score: 100,
    distanceKm: 1.4,
    etaMinutes: 8.1,
    reasons: [
      { factor: 'travel', cost: 8.1, detail: '1.4 km, about 8 min' },
      { factor: 'sla', cost: 0, detail: 'arrives 22 min before the arrive deadline' },
      { factor: 'workload', cost: 6, detail: '2 jobs today' },
      { factor: 'preferred', cost: -20, detail: 'the customer\'s preferred engineer' }
    ]
  })
  const late = scoreCandidate(engineer, { ...order, arriveBy: NOW + 5 * 60_000 }, 1.4, { ...DEFAULT_SCORING, now: NOW })
  t.same(late.reasons[1], { factor: 'sla', cost: 12.3, detail: 'would arrive 3 min after the arrive deadline' })
  t.equal(late.score, 53.3)
})
