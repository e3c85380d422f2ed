import {
  A_ACTIVE, A_COUNT, A_MEAN, A_PEAK, A_PENDING, A_TS, A_VAR,
  R_ACTIVE, R_ANCHOR_TS, R_ANCHOR_VALUE, R_RATE,
  T_ACTIVE, T_EXTREME, T_PENDING
} from './compile-model.js'
import type { CompiledRule } from './compile-model.js'
import type { DeviceState } from './device-state.js'

/**
 * The per-reading state machines. Each takes the device's flat state, a rule and one reading, updates
 * the rule's slots in place and reports a transition through `Transitions` — allocation happens only
 * when something is raised or cleared (the evidence object). Time is the reading's timestamp (µs).
 */
export interface Transitions {
  raise (state: DeviceState, rule: CompiledRule, ts: number, evidence: Record<string, unknown>): void
  clear (state: DeviceState, rule: CompiledRule, ts: number, reason: string): void
}

/** Deviations beyond this many standard deviations are clipped when the anomaly baseline learns. */
const CLIP = 3
/** Least spread an armed detector needs: a fraction of the mean, and an absolute minimum. */
const MIN_STD_RELATIVE = 1e-6
const MIN_STD_ABSOLUTE = 1e-9

const iso = (micros: number): string => new Date(micros / 1000).toISOString()

/**
 * Threshold with duration and hysteresis: beyond `level` continuously for `forMicros` raises; back past
 * `clearLevel` clears (immediately: the hysteresis band is the debounce). A reading between the two
 * levels neither starts nor stops anything.
 */
export function evaluateThreshold (state: DeviceState, rule: CompiledRule, ts: number, value: number, out: Transitions): void {
  const s = state.slots
  const o = rule.offset
  const beyond = rule.direction > 0 ? value > rule.level : value < rule.level
  if (s[o + T_ACTIVE] === 1) {
    if (rule.direction > 0 ? value > (s[o + T_EXTREME] as number) : value < (s[o + T_EXTREME] as number)) s[o + T_EXTREME] = value
    const cleared = rule.direction > 0 ? value < rule.clearLevel : value > rule.clearLevel
    if (cleared) {
      s[o + T_ACTIVE] = 0
      s[o + T_PENDING] = Number.NaN
      out.clear(state, rule, ts, `${rule.metricName as string} back ${rule.direction > 0 ? 'below' : 'above'} ${rule.clearLevel} (${value})`)
    }
    return
  }
  if (!beyond) {
    s[o + T_PENDING] = Number.NaN
    return
  }
  const since = s[o + T_PENDING] as number
  if (Number.isNaN(since)) {
    s[o + T_PENDING] = ts
    s[o + T_EXTREME] = value
  } else if (rule.direction > 0 ? value > (s[o + T_EXTREME] as number) : value < (s[o + T_EXTREME] as number)) {
    s[o + T_EXTREME] = value
  }
  const start = Number.isNaN(since) ? ts : since
  if (ts - start >= rule.forMicros) {
    s[o + T_ACTIVE] = 1
    out.raise(state, rule, ts, {
      rule: rule.rule.id,
      condition: `${rule.metricName as string} ${rule.direction > 0 ? '>' : '<'} ${rule.level} for ${rule.forMicros / 1e6} s`,
      value,
      extreme: s[o + T_EXTREME],
      level: rule.level,
      clearLevel: rule.clearLevel,
      unit: state.model.units[rule.metric],
      since: iso(start)
    })
  }
}

/**
 * Rate of change over tumbling windows of `windowMicros`: at the end of each window the change since its
 * start, per minute, is compared with the rise and fall limits. Raised while a window breaks a limit;
 * cleared by the first window that keeps within both.
 */
export function evaluateRate (state: DeviceState, rule: CompiledRule, ts: number, value: number, out: Transitions): void {
  const s = state.slots
  const o = rule.offset
  const anchorTs = s[o + R_ANCHOR_TS] as number
  if (Number.isNaN(anchorTs)) {
    s[o + R_ANCHOR_TS] = ts
    s[o + R_ANCHOR_VALUE] = value
    return
  }
  const elapsed = ts - anchorTs
  if (elapsed < rule.windowMicros) return
  const anchorValue = s[o + R_ANCHOR_VALUE] as number
  const perMinute = (value - anchorValue) / (elapsed / 60e6)
  s[o + R_ANCHOR_TS] = ts
  s[o + R_ANCHOR_VALUE] = value
  s[o + R_RATE] = perMinute
  // A gap of more than two windows says nothing about the rate: start a fresh window.
  if (elapsed > 2 * rule.windowMicros) return
  const breaks = perMinute > rule.level || -perMinute > rule.clearLevel
  if (s[o + R_ACTIVE] === 1) {
    if (!breaks) {
      s[o + R_ACTIVE] = 0
      out.clear(state, rule, ts, `${rule.metricName as string} changes at ${round(perMinute)} per minute, within limits`)
    }
  } else if (breaks) {
    s[o + R_ACTIVE] = 1
    out.raise(state, rule, ts, {
      rule: rule.rule.id,
      condition: perMinute > 0 ? `${rule.metricName as string} rises faster than ${rule.level} per minute` : `${rule.metricName as string} falls faster than ${rule.clearLevel} per minute`,
      ratePerMinute: round(perMinute),
      from: { at: iso(anchorTs), value: anchorValue },
      to: { at: iso(ts), value },
      unit: state.model.units[rule.metric]
    })
  }
}

/**
 * EWMA anomaly detector: mean and variance decay with the time between readings (half-life from the
 * rule); z = (x − mean) / std. |z| ≥ zRaise for `forMicros` raises, |z| ≤ zClear clears. The baseline
 * is not updated while raised or pending, so a fault is never learnt as the new normal.
 */
export function evaluateAnomaly (state: DeviceState, rule: CompiledRule, ts: number, value: number, out: Transitions): void {
  const s = state.slots
  const o = rule.offset
  const count = s[o + A_COUNT] as number
  const mean = s[o + A_MEAN] as number
  const variance = s[o + A_VAR] as number
  if (count === 0) {
    s[o + A_COUNT] = 1
    s[o + A_MEAN] = value
    s[o + A_VAR] = 0
    s[o + A_TS] = ts
    return
  }
  const std = Math.sqrt(variance)
  const raw = std > 1e-9 ? (value - mean) / std : 0
  const z = rule.direction === 0 ? Math.abs(raw) : rule.direction * raw
  const active = s[o + A_ACTIVE] === 1
  const pendingSince = s[o + A_PENDING] as number
  if (active) {
    if (z > (s[o + A_PEAK] as number)) s[o + A_PEAK] = z
    if (z <= rule.zClear) {
      s[o + A_ACTIVE] = 0
      s[o + A_PENDING] = Number.NaN
      s[o + A_TS] = ts
      out.clear(state, rule, ts, `${rule.metricName as string} back within ${rule.zClear} standard deviations (z = ${round(raw)})`)
    }
    return
  }
  // Armed once warmed up with a spread to measure against. A metric flat so far (std ≈ 0) starts its
  // warm-up again, so once it moves its spread is learnt as a running variance — instead of alarming at
  // its first change, freezing the baseline, and never clearing.
  const flat = std <= Math.max(MIN_STD_RELATIVE * Math.abs(mean), MIN_STD_ABSOLUTE)
  const armed = count >= rule.warmup && !flat
  if (armed && z >= rule.zRaise) {
    if (Number.isNaN(pendingSince)) {
      s[o + A_PENDING] = ts
      s[o + A_PEAK] = z
    } else if (z > (s[o + A_PEAK] as number)) {
      s[o + A_PEAK] = z
    }
    const start = Number.isNaN(pendingSince) ? ts : pendingSince
    if (ts - start >= rule.forMicros) {
      s[o + A_ACTIVE] = 1
      out.raise(state, rule, ts, {
        rule: rule.rule.id,
        condition: `${rule.metricName as string} more than ${rule.zRaise} standard deviations from its baseline for ${rule.forMicros / 1e6} s`,
        value,
        z: round(raw),
        peakZ: round(s[o + A_PEAK] as number),
        baseline: { mean: round(mean), std: round(std) },
        unit: state.model.units[rule.metric],
        since: iso(start)
      })
    }
    return
  }
  s[o + A_PENDING] = Number.NaN
  // Baseline update, weighted by the time since the previous baseline reading; during warm-up a plain
  // running mean (weight 1/n) so the first readings make a sound baseline quickly.
  const dt = ts - (s[o + A_TS] as number)
  const n = flat && count >= rule.warmup ? 1 : count
  const young = n < rule.warmup ? 1 / (n + 1) : 0
  const alpha = Math.max(dt > 0 ? 1 - Math.exp(-dt / rule.tauMicros) : 0, young)
  const beta = Math.max(dt > 0 ? 1 - Math.exp(-dt / rule.varianceTauMicros) : 0, young)
  // Robust (Huber) update: after warm-up a deviation counts at most CLIP standard deviations, so a
  // burst or a slow drift cannot drag the baseline (and inflate the variance) faster than that.
  const limit = armed ? CLIP * std : Number.POSITIVE_INFINITY
  const diff = Math.max(-limit, Math.min(limit, value - mean))
  s[o + A_MEAN] = mean + alpha * diff
  s[o + A_VAR] = (1 - beta) * (variance + beta * diff * diff)
  s[o + A_TS] = ts
  s[o + A_COUNT] = n + 1
}

function round (value: number): number {
  return Math.round(value * 1000) / 1000
}
