import type { DevicePlan } from './fleet-plan.js'
import type { SensorSpec, SimModelSpec, WearEffect } from './model-spec.js'
import { createRandom } from './random.js'

/** A reading as the gateway sees it: `ts` in epoch microseconds. */
export interface SimReading {
  metric: string
  ts: number
  value: number
}

/** A fault code as the device publishes it on `devices/{id}/events` (`ts` epoch ms). */
export interface SimEvent {
  ts: number
  code: string
  severity: 'info' | 'warning' | 'critical'
  message: string
}

export interface StepOutput {
  /** Messages delivered now, oldest first (several after a connectivity gap with store-and-forward). */
  messages: SimReading[][]
  events: SimEvent[]
}

const MINUTE_MS = 60_000
const DAY_MS = 86_400_000
const LOAD_TAU_MS = 30 * MINUTE_MS
const LOAD_SD = 6
const WEATHER_TAU_MS = 2 * DAY_MS
const WEATHER_SD = 3

/**
 * One machine's physics, stepped forward in time: operating condition (daily and weekly load pattern,
 * ambient temperature with weather), sensors that follow it through thermal lags, wear of the planned
 * failure mode, sudden transient faults, sensor dropouts and connectivity gaps. The same code feeds the
 * detection pipeline in-process and publishes over MQTT.
 */
export function createDeviceSimulator (spec: SimModelSpec, plan: DevicePlan) {
  const random = createRandom(plan.seed)
  const sensors = spec.sensors
  const mode = plan.failure === null ? null : spec.failureModes.find((m) => m.id === plan.failure?.mode) ?? null
  const effectsBySensor: WearEffect[][] = sensors.map((sensor) => mode?.effects.filter((effect) => effect.metric === sensor.metric) ?? [])
  const lagged = new Float64Array(sensors.length).fill(Number.NaN)
  const transientSpecs = new Map(spec.transients.map((t) => [t.id, t]))
  let load = plan.profile.idleLoad
  let weather = 0
  let lastT = Number.NaN
  let failed = false
  let transientIndex = 0
  const backlog: SimReading[][] = []
  const eventBacklog: SimEvent[] = []
  let warningSince = Number.NaN
  let warningSent = false
  const warning = mode?.controllerWarning
  const warningSensor = warning === undefined ? -1 : sensors.findIndex((sensor) => sensor.metric === warning.metric)

  const targetLoad = (t: number): number => {
    const p = plan.profile
    const hours = (t / 3_600_000) % 24
    const weekday = new Date(t).getUTCDay()
    if (p.pattern === 'continuous') return p.workLoad + 8 * Math.sin(2 * Math.PI * (hours - 14) / 24)
    const workday = weekday !== 0 && (weekday !== 6 || p.weekendWork)
    return workday && hours >= p.shiftStartHour && hours < p.shiftEndHour ? p.workLoad : p.idleLoad
  }

  const wearAt = (t: number): number => {
    const failure = plan.failure
    if (failure === null || t <= failure.onsetAt) return 0
    return Math.min(1, (t - failure.onsetAt) / (failure.at - failure.onsetAt))
  }

  const inEpisode = <E extends { at: number, until: number }>(list: readonly E[], t: number): E | null => {
    for (const episode of list) {
      if (episode.at > t) return null
      if (t < episode.until) return episode
    }
    return null
  }

  const healthyValue = (sensor: SensorSpec, ambient: number, currentLoad: number): number =>
    (sensor.base + sensor.perLoad * currentLoad + sensor.perAmbient * ambient) * (plan.profile.spread[sensor.metric] ?? 1)

  return {
    /** Advance to time `t` (epoch ms, increasing) and report what the device sends now. */
    step (t: number): StepOutput {
      const events: SimEvent[] = []
      const output: StepOutput = { messages: [], events }
      if (failed) return output
      if (plan.failure !== null && t >= plan.failure.at) {
        failed = true
        events.push({ ts: plan.failure.at, code: (mode?.failureCode ?? 'F999'), severity: 'critical', message: `shutdown: ${mode?.title ?? 'failure'}` })
        return output
      }
      const dt = Number.isNaN(lastT) ? 0 : t - lastT
      lastT = t
      // Operating condition.
      const loadDecay = Math.exp(-dt / LOAD_TAU_MS)
      load = targetLoad(t) + (load - targetLoad(t)) * loadDecay + LOAD_SD * Math.sqrt(1 - loadDecay * loadDecay) * random.gaussian()
      const weatherDecay = Math.exp(-dt / WEATHER_TAU_MS)
      weather = weather * weatherDecay + WEATHER_SD * Math.sqrt(1 - weatherDecay * weatherDecay) * random.gaussian()
      const hours = (t / 3_600_000) % 24
      const ambient = plan.profile.ambientMean + plan.profile.ambientAmplitude * Math.sin(2 * Math.PI * (hours - 9) / 24) + weather
      while (transientIndex < plan.transients.length && (plan.transients[transientIndex] as { until: number }).until <= t) transientIndex++
      const transient = plan.transients[transientIndex]
      const activeTransient = transient !== undefined && transient.at <= t ? transientSpecs.get(transient.id) ?? null : null
      if (activeTransient !== null && transient !== undefined && t - dt < transient.at && activeTransient.code !== null) {
        events.push({ ts: t, code: activeTransient.code, severity: 'info', message: activeTransient.id.replace(/_/g, ' ') })
      }
      const currentLoad = Math.max(0, Math.min(100, activeTransient?.load ?? load))
      const wear = wearAt(t)
      const dropout = inEpisode(plan.dropouts, t)
      const readings: SimReading[] = []
      const ts = t * 1000
      for (let s = 0; s < sensors.length; s++) {
        const sensor = sensors[s] as SensorSpec
        let target = sensor.metric === 'ambient_temp' ? ambient : sensor.metric === 'load' ? currentLoad : healthyValue(sensor, ambient, currentLoad)
        let noiseGrowth = 0
        let scale = 0
        for (const effect of effectsBySensor[s] as WearEffect[]) {
          const w = wear ** effect.power
          target += (effect.add ?? 0) * w
          scale += (effect.scale ?? 0) * w
          noiseGrowth += (effect.noiseGrowth ?? 0) * wear
        }
        target *= 1 + scale
        for (const offset of activeTransient?.offsets ?? []) if (offset.metric === sensor.metric) target += offset.add
        const previous = lagged[s] as number
        const value = Number.isNaN(previous) || sensor.lagMinutes === 0 || dt === 0
          ? target
          : target + (previous - target) * Math.exp(-dt / (sensor.lagMinutes * MINUTE_MS))
        lagged[s] = value
        if (s === warningSensor && warning !== undefined) {
          if (value > warning.above) {
            if (Number.isNaN(warningSince)) warningSince = t
            if (!warningSent && t - warningSince >= warning.forMinutes * MINUTE_MS) {
              warningSent = true
              events.push({ ts: t, code: warning.code, severity: 'warning', message: `${warning.metric} above ${warning.above}` })
            }
          } else if (value < warning.above - 3) {
            warningSince = Number.NaN
            warningSent = false
          }
        }
        if (dropout !== null && dropout.metric === sensor.metric) continue
        let reading = value + sensor.noise * (1 + noiseGrowth) * random.gaussian()
        if (sensor.floor !== undefined && reading < sensor.floor) reading = sensor.floor
        const factor = 10 ** sensor.decimals
        readings.push({ metric: sensor.metric, ts, value: Math.round(reading * factor) / factor })
      }
      const gap = inEpisode(plan.gaps, t)
      if (gap !== null) {
        if (gap.backfill) backlog.push(readings)
        eventBacklog.push(...events.splice(0))
        return output
      }
      if (backlog.length > 0) output.messages.push(...backlog.splice(0))
      if (eventBacklog.length > 0) events.unshift(...eventBacklog.splice(0))
      if (readings.length > 0) output.messages.push(readings)
      return output
    },

    get failed (): boolean { return failed }
  }
}

export type DeviceSimulator = ReturnType<typeof createDeviceSimulator>
