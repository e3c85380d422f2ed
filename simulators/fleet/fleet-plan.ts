import { createHash } from 'node:crypto'
import type { SimModelSpec } from './model-spec.js'
import { createRandom } from './random.js'

/**
 * The fleet's script, drawn from a seed before anything runs: which devices fail, when and how, their
 * sudden faults, sensor dropouts and connectivity gaps, and each device's operating profile. The
 * failures are the ground truth the alert evaluation scores against.
 */
export interface FleetOptions {
  devices: number
  days: number
  seed: number
  /** Epoch milliseconds of the first reading. */
  start: number
  models: readonly SimModelSpec[]
  /** Share of devices that fail within the period (the rest never fail). */
  failingShare?: number
  /** Failures happen no earlier than this many days after the start. */
  minFailureDay?: number
  /** Days from the first sign of wear to the failure, [min, max]. */
  degradationDays?: [number, number]
  /** Mean days between sudden (transient) faults, sensor dropouts and connectivity gaps, per device. */
  transientEveryDays?: number
  dropoutEveryDays?: number
  gapEveryDays?: number
  /** Longest connectivity gap, minutes (kept below the offline rule unless a test wants otherwise). */
  maxGapMinutes?: number
  /** Device ids: deterministic UUIDs from the seed (default) or given. */
  idPrefix?: string
}

export interface LoadProfile {
  pattern: 'shift' | 'continuous'
  shiftStartHour: number
  shiftEndHour: number
  workLoad: number
  idleLoad: number
  weekendWork: boolean
  ambientMean: number
  ambientAmplitude: number
  /** Per-sensor multiplicative manufacturing spread (1 ± a few %). */
  spread: Record<string, number>
}

export interface PlannedFailure {
  mode: string
  /** Epoch ms: first wear, and the breakdown. */
  onsetAt: number
  at: number
}

export interface Episode {
  at: number
  until: number
}

export interface DevicePlan {
  deviceId: string
  assetCode: string
  model: string
  seed: number
  location: { lat: number, lng: number }
  profile: LoadProfile
  failure: PlannedFailure | null
  transients: Array<Episode & { id: string }>
  dropouts: Array<Episode & { metric: string }>
  gaps: Array<Episode & { backfill: boolean }>
}

export interface FleetPlan {
  seed: number
  start: number
  end: number
  devices: DevicePlan[]
}

const DAY_MS = 86_400_000
const MINUTE_MS = 60_000

/** A UUID (version 4 layout) derived from the seed and index, so runs are repeatable. */
export function deterministicUuid (seed: number, index: number, prefix = 'fleet'): string {
  const hex = createHash('sha256').update(`${prefix}:${seed}:${index}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${(8 + (parseInt(hex.slice(16, 17), 16) & 3)).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

function episodes (random: ReturnType<typeof createRandom>, start: number, end: number, everyDays: number, minutes: [number, number]): Episode[] {
  const list: Episode[] = []
  let at = start + random.exponential(everyDays * DAY_MS)
  while (at < end) {
    const until = at + random.uniform(minutes[0], minutes[1]) * MINUTE_MS
    list.push({ at: Math.round(at), until: Math.round(until) })
    at = until + random.exponential(everyDays * DAY_MS)
  }
  return list
}

export function planFleet (options: FleetOptions): FleetPlan {
  const random = createRandom(options.seed)
  const end = options.start + options.days * DAY_MS
  const failingShare = options.failingShare ?? 0.25
  const minFailureDay = options.minFailureDay ?? Math.min(3, options.days / 2)
  const [minDegradation, maxDegradation] = options.degradationDays ?? [6, 20]
  const devices: DevicePlan[] = []
  for (let i = 0; i < options.devices; i++) {
    const model = options.models[i % options.models.length] as SimModelSpec
    const r = random.fork(i)
    const continuous = r.chance(model.id.startsWith('GS') ? 0.7 : 0.35)
    const profile: LoadProfile = {
      pattern: continuous ? 'continuous' : 'shift',
      shiftStartHour: r.uniform(5, 8),
      shiftEndHour: r.uniform(16, 22),
      workLoad: r.uniform(50, 85),
      idleLoad: r.uniform(5, 20),
      weekendWork: r.chance(0.3),
      ambientMean: r.uniform(6, 24),
      ambientAmplitude: r.uniform(3, 8),
      spread: Object.fromEntries(model.sensors.map((sensor) => [sensor.metric, 1 + 0.03 * r.gaussian()]))
    }
    let failure: PlannedFailure | null = null
    if (r.chance(failingShare)) {
      // Whole milliseconds, so times compare exactly with alert timestamps (Date keeps milliseconds).
      const at = Math.round(options.start + r.uniform(minFailureDay, options.days) * DAY_MS)
      const onsetAt = Math.round(at - r.uniform(minDegradation, maxDegradation) * DAY_MS)
      failure = { mode: r.pick(model.failureModes).id, onsetAt, at }
    }
    const lifeEnd = failure?.at ?? end
    const transients = episodes(r, options.start, lifeEnd, options.transientEveryDays ?? 12, [1, 1])
      .map((episode) => {
        const spec = r.pick(model.transients)
        return { at: episode.at, until: Math.round(episode.at + r.uniform(spec.minutes[0], spec.minutes[1]) * MINUTE_MS), id: spec.id }
      })
    const dropouts = episodes(r, options.start, lifeEnd, options.dropoutEveryDays ?? 4, [10, 240])
      .map((episode) => ({ ...episode, metric: r.pick(model.sensors).metric }))
    const gaps = episodes(r, options.start, lifeEnd, options.gapEveryDays ?? 3, [4, options.maxGapMinutes ?? 40])
      .map((episode) => ({ ...episode, backfill: r.chance(0.5) }))
    devices.push({
      deviceId: deterministicUuid(options.seed, i, options.idPrefix),
      assetCode: `${model.id}-${String(options.seed).padStart(3, '0')}-${String(i + 1).padStart(5, '0')}`,
      model: model.id,
      seed: Math.floor(r.next() * 2 ** 31),
      location: { lat: 48 + r.uniform(-3, 3), lng: 8 + r.uniform(-5, 5) },
      profile,
      failure,
      transients,
      dropouts,
      gaps
    })
  }
  return { seed: options.seed, start: options.start, end, devices }
}

/** The ground truth written next to a run: when and how each failing device fails. */
export function groundTruthOf (plan: FleetPlan) {
  return {
    seed: plan.seed,
    start: new Date(plan.start).toISOString(),
    end: new Date(plan.end).toISOString(),
    devices: plan.devices.length,
    failures: plan.devices.filter((device) => device.failure !== null).map((device) => ({
      deviceId: device.deviceId,
      assetCode: device.assetCode,
      model: device.model,
      mode: device.failure?.mode,
      onsetAt: new Date(device.failure?.onsetAt as number).toISOString(),
      failureAt: new Date(device.failure?.at as number).toISOString()
    })),
    transients: plan.devices.flatMap((device) => device.transients.map((t) => ({ deviceId: device.deviceId, kind: t.id, at: new Date(t.at).toISOString(), until: new Date(t.until).toISOString() }))),
    dropouts: plan.devices.reduce((n, device) => n + device.dropouts.length, 0),
    connectivityGaps: plan.devices.reduce((n, device) => n + device.gaps.length, 0)
  }
}
