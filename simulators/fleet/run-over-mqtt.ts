import mqtt from 'mqtt'
import type { MqttClient } from 'mqtt'
import type { DevicePlan, FleetPlan } from './fleet-plan.js'
import type { SimModelSpec } from './model-spec.js'
import { createDeviceSimulator } from './physics.js'
import type { SimReading } from './physics.js'

/** A planned device as registered on the platform: its real id and MQTT credentials. */
export interface RegisteredDevice {
  plan: DevicePlan
  deviceId: string
  username: string
  password: string
}

export interface MqttRunOptions {
  plan: FleetPlan
  models: readonly SimModelSpec[]
  devices: readonly RegisteredDevice[]
  url: string
  intervalSeconds: number
  /** Simulated seconds per real second before `liveFrom`; Infinity = as fast as the platform acknowledges. */
  speed: number
  /** From this time (epoch ms) on, steps wait for the wall clock: the fleet goes live. */
  liveFrom?: number
  /** Readings of this many steps go in one publish (an array payload), like a device that batches. */
  stepsPerMessage?: number
  signal?: AbortSignal
  onProgress?: (simulatedUntil: number, published: number) => void
}

const sleep = async (ms: number, signal?: AbortSignal): Promise<void> => await new Promise((resolve) => {
  const timer = setTimeout(resolve, ms)
  signal?.addEventListener('abort', () => { clearTimeout(timer); resolve() }, { once: true })
})

function toPayload (messages: readonly SimReading[][]): string {
  return JSON.stringify(messages.map((readings) => ({
    ts: Math.floor((readings[0] as SimReading).ts / 1000),
    values: Object.fromEntries(readings.map((reading) => [reading.metric, reading.value]))
  })))
}

/**
 * Drive the fleet against a running platform over MQTT with the same physics as the in-process run:
 * each device connects with its own credentials and publishes its readings (QoS 1, so every message is
 * durable when acknowledged) and fault codes on its own topics. Timestamps are the simulated times; run
 * a past period (plan.start in the past) to backfill faster than real time, or with `speed: 1` to go live.
 */
export async function runFleetOverMqtt (options: MqttRunOptions): Promise<{ published: number, events: number }> {
  const specs = new Map(options.models.map((model) => [model.id, model]))
  const stepsPerMessage = options.stepsPerMessage ?? 10
  const intervalMs = options.intervalSeconds * 1000
  const devices = options.devices.map((device) => ({
    ...device,
    sim: createDeviceSimulator(specs.get(device.plan.model) as SimModelSpec, device.plan),
    pending: [] as SimReading[][],
    client: null as MqttClient | null
  }))
  try {
    for (const device of devices) {
      device.client = await mqtt.connectAsync(options.url, {
        clientId: `sim-${device.plan.assetCode}`,
        username: device.username,
        password: device.password,
        protocolVersion: 4,
        reconnectPeriod: 1000,
        connectTimeout: 10_000
      })
    }
    const realStart = Date.now()
    let published = 0
    let events = 0
    const steps = Math.floor((options.plan.end - options.plan.start) / intervalMs)
    for (let k = 0; k < steps && options.signal?.aborted !== true; k++) {
      const t = options.plan.start + k * intervalMs
      const live = options.liveFrom !== undefined && t >= options.liveFrom
      if (live) {
        if (t > Date.now()) await sleep(t - Date.now(), options.signal)
      } else if (Number.isFinite(options.speed)) {
        const due = realStart + (t - options.plan.start) / options.speed
        if (due > Date.now()) await sleep(due - Date.now(), options.signal)
      }
      const sends: Array<Promise<unknown>> = []
      const flushAll = live || Number.isFinite(options.speed) || k % stepsPerMessage === stepsPerMessage - 1 || k === steps - 1
      for (const device of devices) {
        const client = device.client as MqttClient
        const out = device.sim.step(t)
        device.pending.push(...out.messages)
        for (const event of out.events) {
          events++
          sends.push(client.publishAsync(`devices/${device.deviceId}/events`, JSON.stringify({ ts: event.ts, code: event.code, severity: event.severity, message: event.message }), { qos: 1 }))
        }
        if (flushAll && device.pending.length > 0) {
          const batch = device.pending.splice(0)
          for (let i = 0; i < batch.length; i += 500) {
            published++
            sends.push(client.publishAsync(`devices/${device.deviceId}/telemetry`, toPayload(batch.slice(i, i + 500)), { qos: 1 }))
          }
        }
      }
      await Promise.all(sends)
      if (flushAll) options.onProgress?.(t, published)
    }
    return { published, events }
  } finally {
    await Promise.allSettled(devices.map(async (device) => await device.client?.endAsync()))
  }
}
