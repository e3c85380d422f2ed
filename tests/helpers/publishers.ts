import type { MqttClient } from 'mqtt'
import { connectDevice } from './mqtt.js'
import type { RegisteredDevice } from './mqtt.js'

/** One message a simulated device sends: a unique timestamp and 4 metrics, so it is 4 readings. */
export const METRICS = ['temp', 'rpm', 'pressure', 'vibration'] as const

export function messageFor (ts: number, n: number): string {
  return JSON.stringify({ ts, values: { temp: 60 + (n % 40), rpm: 1500 + n, pressure: 2 + (n % 7) / 10, vibration: (n % 13) / 100 } })
}

export interface PublishLog {
  /** device id → timestamps (epoch ms) whose PUBACK the device received. */
  acked: Map<string, number[]>
  /** device id → timestamps sent but not acknowledged (connection lost first). */
  unacked: Map<string, number[]>
}

/**
 * Devices that each publish `messages` QoS 1 messages with timestamps base + i ms, at most `window` in
 * flight, optionally pacing to `ratePerDevice` messages/s. Records which messages were acknowledged.
 * A lost connection ends that device's run (what was in flight counts as unacknowledged).
 */
export async function runPublishers (url: string, devices: RegisteredDevice[], options: {
  messages: number
  base: number
  window?: number
  ratePerDevice?: number
  log?: PublishLog
  /** First message index per device (default 0): resend from there. */
  startAt?: (deviceId: string) => number
  /** Called after each acknowledgement (e.g. to kill the server mid-run). */
  onAck?: () => void
}): Promise<PublishLog> {
  const log = options.log ?? { acked: new Map(), unacked: new Map() }
  const window = options.window ?? 10
  await Promise.all(devices.map(async (device) => {
    const acked = log.acked.get(device.id) ?? []
    const unacked = log.unacked.get(device.id) ?? []
    log.acked.set(device.id, acked)
    log.unacked.set(device.id, unacked)
    let client: MqttClient
    try {
      client = await connectDevice(url, { username: device.id, password: device.password, clientId: `pub-${device.id}` })
    } catch {
      return
    }
    let lost = false
    // mqtt.js keeps unacknowledged QoS 1 messages for a reconnect that never comes here, so their
    // promises would never settle: a lost connection settles them as unacknowledged.
    let onLost: () => void = () => {}
    const connectionLost = new Promise<never>((_resolve, reject) => { onLost = () => reject(new Error('connection lost')) })
    connectionLost.catch(() => {})
    const markLost = (): void => { lost = true; onLost() }
    client.on('close', markLost)
    client.on('error', markLost)
    const started = Date.now()
    const first = options.startAt?.(device.id) ?? 0
    let next = first
    const worker = async (): Promise<void> => {
      while (next < options.messages && !lost) {
        const i = next++
        const ts = options.base + i
        if (options.ratePerDevice !== undefined) {
          const due = started + (i - first) * 1000 / options.ratePerDevice
          if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()))
        }
        try {
          await Promise.race([client.publishAsync(`devices/${device.id}/telemetry`, messageFor(ts, i), { qos: 1 }), connectionLost])
          acked.push(ts)
          options.onAck?.()
        } catch {
          unacked.push(ts)
          lost = true
        }
      }
    }
    await Promise.all(Array.from({ length: window }, worker))
    client.end(true)
  }))
  return log
}

export function countAcked (log: PublishLog): number {
  let total = 0
  for (const list of log.acked.values()) total += list.length
  return total
}
