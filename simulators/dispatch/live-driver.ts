import { estimateEtaMinutes, haversineKm, interpolate, reachableKm } from '../../dispatch/engine/geo.js'
import type { LatLng, Priority } from '../../dispatch/engine/types.js'
import { createCity, offsetKm, sampleDemand } from './city.js'
import type { City } from './city.js'
import { createRandom } from './prng.js'
import type { Random } from './prng.js'
import { PART_NUMBERS, SKILLS } from './scenario.js'

/**
 * Drives a running platform through its public API, for demos and end-to-end tests: it creates a
 * station and engineers (each with a login), streams work orders over the city's hot spots, and plays
 * every engineer — accept (or now and then reject), drive to the site at the ETA model's speeds while
 * reporting positions, work on site for a realistic time, complete with part codes. `speedup` makes
 * simulated engineers move and work that many times faster than real time (SLA clocks stay real).
 */
export interface LiveDriverOptions {
  baseUrl: string
  adminPassword: string
  seed?: number
  engineers?: number
  /** Mean seconds (real time) between new orders. */
  orderEverySeconds?: number
  speedup?: number
  rejectRate?: number
  /** Real milliseconds between engineer steps. */
  tickMs?: number
  log?: (line: string) => void
}

interface SimEngineerState {
  id: string
  token: string
  position: LatLng
  job: { orderId: string, status: string, target: LatLng, onSiteUntil: number | null } | null
}

export interface LiveDriverStats {
  ordersCreated: number
  accepted: number
  rejected: number
  completed: number
  positionReports: number
  errors: string[]
}

const PRIORITY_MIX: Array<[Priority, number]> = [['critical', 0.1], ['high', 0.25], ['medium', 0.45], ['low', 0.2]]

export function createLiveDriver (options: LiveDriverOptions) {
  const random: Random = createRandom(options.seed ?? 7)
  const city: City = createCity(random)
  const speedup = options.speedup ?? 10
  const tickMs = options.tickMs ?? 1000
  const log = options.log ?? (() => {})
  const engineers: SimEngineerState[] = []
  const stats: LiveDriverStats = { ordersCreated: 0, accepted: 0, rejected: 0, completed: 0, positionReports: 0, errors: [] }
  const run = `${Date.now().toString(36)}${random.integer(0, 1e6).toString(36)}`
  let admin = ''
  let timer: NodeJS.Timeout | null = null
  let nextOrderAt = 0
  let stepping: Promise<void> | null = null

  const call = async (method: string, path: string, token: string, body?: unknown): Promise<any> => {
    const response = await fetch(`${options.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await response.text()
    const json = text === '' ? null : JSON.parse(text)
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${json?.code ?? ''} ${json?.message ?? ''}`)
    return json
  }
  const login = async (username: string, password: string): Promise<string> =>
    (await call('POST', '/api/auth/login', '', { username, password })).token as string

  const report = async (engineer: SimEngineerState): Promise<void> => {
    await call('PUT', `/api/engineers/${engineer.id}/location`, engineer.token, engineer.position)
    stats.positionReports++
  }

  const openOrder = async (): Promise<void> => {
    const priority = PRIORITY_MIX[random.weighted(PRIORITY_MIX.map(([, share]) => share))]?.[0] as Priority
    await call('POST', '/api/work-orders', admin, {
      source: random.next() < 0.5 ? 'customer' : 'agent',
      priority,
      problem: random.pick(['no cooling', 'hydraulic leak', 'engine will not start', 'controller fault E-301', 'abnormal vibration']),
      location: sampleDemand(city, random),
      customer: { name: `Customer ${random.integer(1, 999)}`, contract: random.next() < 0.2 ? 'premium' : 'standard' },
      requiredSkills: [random.pick(SKILLS)],
      requiredParts: random.next() < 0.2 ? [random.pick(PART_NUMBERS)] : []
    })
    stats.ordersCreated++
  }

  /** One engineer's move for this tick, from what the platform says about their orders. */
  const step = async (engineer: SimEngineerState, now: number): Promise<void> => {
    if (engineer.job === null) {
      const { workOrders } = await call('GET', '/api/work-orders?status=assigned&status=accepted&status=en_route&status=on_site', engineer.token)
      const order = workOrders[0]
      if (order === undefined) return
      engineer.job = { orderId: order.id, status: order.status, target: order.location, onSiteUntil: null }
    }
    const job = engineer.job
    if (job.status === 'assigned') {
      if (random.next() < (options.rejectRate ?? 0.05)) {
        await call('POST', `/api/work-orders/${job.orderId}/reject`, engineer.token, { reason: 'cannot reach the site in time' })
        stats.rejected++
        engineer.job = null
        return
      }
      await call('POST', `/api/work-orders/${job.orderId}/accept`, engineer.token)
      await call('POST', `/api/work-orders/${job.orderId}/depart`, engineer.token)
      stats.accepted++
      job.status = 'en_route'
      return
    }
    if (job.status === 'accepted') {
      await call('POST', `/api/work-orders/${job.orderId}/depart`, engineer.token)
      job.status = 'en_route'
      return
    }
    if (job.status === 'en_route') {
      const remainingKm = haversineKm(engineer.position, job.target)
      // Drive for this tick's simulated minutes at the speed the ETA model gives the remaining trip.
      const minutes = (tickMs / 60_000) * speedup
      const etaLeft = estimateEtaMinutes(remainingKm) - 2
      const coveredKm = etaLeft <= minutes ? remainingKm : remainingKm - reachableKm(etaLeft - minutes + 2)
      engineer.position = remainingKm < 0.02 ? job.target : interpolate(engineer.position, job.target, coveredKm / remainingKm)
      await report(engineer)
      if (engineer.position === job.target) {
        await call('POST', `/api/work-orders/${job.orderId}/arrive`, engineer.token)
        job.status = 'on_site'
        job.onSiteUntil = now + (random.logNormal(40, 0.45) * 60_000) / speedup
      }
      return
    }
    if (job.status === 'on_site' && now >= (job.onSiteUntil ?? 0)) {
      await call('POST', `/api/work-orders/${job.orderId}/complete`, engineer.token, {
        notes: 'fixed on site', partsUsed: random.next() < 0.3 ? [`https://id.afterline.example/01/09506000134352/21/${run}${random.integer(1e5, 1e6)}`] : []
      })
      stats.completed++
      engineer.job = null
    }
  }

  const tick = async (): Promise<void> => {
    const now = Date.now()
    if (now >= nextOrderAt) {
      await openOrder().catch((error: Error) => stats.errors.push(error.message))
      nextOrderAt = now + random.exponential((options.orderEverySeconds ?? 20) * 1000)
    }
    await Promise.all(engineers.map((engineer) => step(engineer, now).catch((error: Error) => {
      // A 409 means the platform moved the order on (unassigned, cancelled): look again next tick.
      engineer.job = null
      if (!/→ 409/.test(error.message)) stats.errors.push(error.message)
    })))
    if (stats.completed > 0 && stats.completed % 10 === 0) log(`orders ${stats.ordersCreated}, completed ${stats.completed}, rejected ${stats.rejected}`)
  }

  return {
    stats,
    city,
    /** Create a station and the engineers (each with a login), all available at their home base. */
    async setup (): Promise<void> {
      admin = await login('admin', options.adminPassword)
      const station = await call('POST', '/api/stations', admin, { code: `SIM-${run}`, name: 'Simulated station', location: city.center, timezone: city.timezone })
      for (let i = 0; i < (options.engineers ?? 20); i++) {
        const username = `sim-${run}-${i}`
        const password = `sim-password-${run}`
        const user = await call('POST', '/api/users', admin, { username, password, role: 'engineer', displayName: `Sim Engineer ${i}` })
        const home = offsetKm(sampleDemand(city, random), random.normal(0, 1), random.normal(0, 1))
        const skills: Record<string, number> = {}
        for (const skill of random.sample(SKILLS, 4)) skills[skill] = random.integer(2, 5)
        const vanStock: Record<string, number> = {}
        for (const part of random.sample(PART_NUMBERS, 15)) vanStock[part] = 3
        const profile = await call('POST', '/api/engineers', admin, {
          name: `Sim Engineer ${i}`, userId: user.id, stationId: station.id, skills, home, timezone: city.timezone, vanStock
        })
        const engineer: SimEngineerState = { id: profile.id, token: await login(username, password), position: home, job: null }
        await report(engineer)
        await call('PUT', `/api/engineers/${engineer.id}/status`, engineer.token, { status: 'available' })
        engineers.push(engineer)
      }
      log(`created station SIM-${run} with ${engineers.length} engineers`)
    },
    /** Every tick: maybe a new order, one step per engineer; supervisors' batch assignment every 10 ticks. */
    start (): void {
      let ticks = 0
      timer = setInterval(() => {
        if (stepping !== null) return
        ticks++
        stepping = tick()
          .then(async () => { if (ticks % 10 === 0) await call('POST', '/api/dispatch/optimize', admin, {}) })
          .catch((error: Error) => { stats.errors.push(error.message) })
          .finally(() => { stepping = null })
      }, tickMs)
    },
    async stop (): Promise<LiveDriverStats> {
      if (timer !== null) clearInterval(timer)
      timer = null
      await stepping
      return stats
    }
  }
}
