import t from 'tap'
import { createEngineerPool } from '../../../dispatch/engine/engineer-pool.js'
import { DEFAULT_ROUND, planDispatchRound, projectFreeEngineers } from '../../../dispatch/engine/dispatch-round.js'
import { DEFAULT_ETA_MODEL } from '../../../dispatch/engine/geo.js'
import { DEFAULT_WEIGHTS } from '../../../dispatch/engine/score.js'
import type { EngineerSnapshot, OrderDemand } from '../../../dispatch/engine/types.js'

const NOW = Date.parse('2026-11-23T03:00:00Z')
const MINUTE = 60_000
const at = (eastKm: number) => ({ lat: 31.2304, lng: 121.4737 + eastKm / 95.1 })

function engineer (id: string, eastKm: number, busy: boolean): EngineerSnapshot {
  return {
    id, userId: null, name: id, stationId: null, skills: { hvac: 3 }, territory: null, home: at(eastKm), shifts: [], timezone: 'Asia/Shanghai',
    status: busy ? 'busy' : 'available', position: at(eastKm), positionAt: NOW, vanStock: {}, activeOrderId: busy ? 'job' : null, maxDistanceKm: null, jobsToday: 1
  }
}

const order: OrderDemand = {
  id: 'wo-1', location: at(0.3), priority: 'medium', requiredSkills: [{ skill: 'hvac', level: 2 }], requiredParts: [], rejectedBy: [],
  preferredEngineerId: null, arriveBy: NOW + 240 * MINUTE, createdAt: NOW
}

t.test('busy engineers are projected free after the mean visit, soon when overrunning, never beyond the look-ahead', async (t) => {
  const pool = createEngineerPool()
  for (const e of [engineer('on-site-30', 0, true), engineer('overrun', 0, true), engineer('just-started', 0, true)]) pool.put(e)
  const projected = projectFreeEngineers(pool, [
    { engineerId: 'on-site-30', site: at(0), onSiteAt: NOW - 30 * MINUTE },
    { engineerId: 'overrun', site: at(1), onSiteAt: NOW - 90 * MINUTE },
    // On site soon, so free 10 minutes after the look-ahead ends.
    { engineerId: 'just-started', site: at(2), onSiteAt: NOW + (DEFAULT_ROUND.lookaheadMinutes - DEFAULT_ROUND.meanVisitMinutes + 10) * MINUTE },
    { engineerId: 'unknown', site: at(2), onSiteAt: NOW }
  ], NOW)
  t.same(projected.map((p) => [p.engineer.id, (p.availableAt - NOW) / MINUTE, p.engineer.status, p.engineer.position]), [
    ['on-site-30', DEFAULT_ROUND.meanVisitMinutes - 30, 'available', at(0)],
    ['overrun', DEFAULT_ROUND.overrunMinutes, 'available', at(1)]
  ])
})

t.test('an order waits for an engineer finishing next door, and goes at once when none is', async (t) => {
  const pool = createEngineerPool()
  pool.put(engineer('far', 12, false))
  pool.put(engineer('next-door', 0, true))
  const options = { now: NOW, weights: DEFAULT_WEIGHTS, etaModel: DEFAULT_ETA_MODEL, defaultMaxDistanceKm: 60 }
  const held = planDispatchRound(pool, [order], { ...options, busy: [{ engineerId: 'next-door', site: at(0), onSiteAt: NOW - 30 * MINUTE }] })
  t.same([held.assignments.map((a) => a.engineerId), held.waiting.map((a) => a.engineerId), held.unassigned], [[], ['next-door'], []])
  const sent = planDispatchRound(pool, [order], { ...options, busy: [] })
  t.same([sent.assignments.map((a) => a.engineerId), sent.waiting, sent.unassigned], [['far'], [], []])
})
