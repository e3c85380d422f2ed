import type { FleetPlan } from './fleet-plan.js'
import type { SimModelSpec } from './model-spec.js'
import { createDeviceSimulator } from './physics.js'
import type { SimEvent, SimReading } from './physics.js'

/** Where an in-process run delivers: the detection pipeline directly (no broker, no database). */
export interface FleetTarget {
  onReadings (deviceId: string, readings: SimReading[]): void
  onEvent (deviceId: string, event: SimEvent): void
  /** Called every `tickSeconds` of simulated time (missing-data timers). */
  onTick? (now: number): void
}

export interface InProcessOptions {
  plan: FleetPlan
  models: readonly SimModelSpec[]
  /** Seconds between two readings of a device. */
  intervalSeconds: number
  tickSeconds?: number
  targets: readonly FleetTarget[]
  /** Sets the simulated clock the targets read (their injected `now`). */
  setNow: (now: number) => void
  onProgress?: (fraction: number) => void
}

/**
 * Run the whole fleet faster than real time, time-major (every device's step k before any step k+1),
 * so the targets see one consistent clock. Each device reports at its own phase within the interval.
 */
export function runFleetInProcess (options: InProcessOptions): { messages: number, readings: number, events: number } {
  const { plan } = options
  const intervalMs = options.intervalSeconds * 1000
  const tickMs = (options.tickSeconds ?? 60) * 1000
  const specs = new Map(options.models.map((model) => [model.id, model]))
  const devices = plan.devices.map((device, i) => ({
    plan: device,
    phase: Math.floor(((i * 7919) % 1000) / 1000 * intervalMs),
    sim: createDeviceSimulator(specs.get(device.model) as SimModelSpec, device)
  })).sort((a, b) => a.phase - b.phase)
  const steps = Math.floor((plan.end - plan.start) / intervalMs)
  let nextTick = plan.start + tickMs
  let messages = 0
  let readings = 0
  let events = 0
  for (let k = 0; k < steps; k++) {
    const base = plan.start + k * intervalMs
    for (const device of devices) {
      const t = base + device.phase
      while (nextTick <= t) {
        options.setNow(nextTick)
        for (const target of options.targets) target.onTick?.(nextTick)
        nextTick += tickMs
      }
      options.setNow(t)
      const out = device.sim.step(t)
      for (const message of out.messages) {
        messages++
        readings += message.length
        for (const target of options.targets) target.onReadings(device.plan.deviceId, message)
      }
      for (const event of out.events) {
        events++
        for (const target of options.targets) target.onEvent(device.plan.deviceId, event)
      }
    }
    if (options.onProgress !== undefined && k % 720 === 0) options.onProgress(k / steps)
  }
  return { messages, readings, events }
}
