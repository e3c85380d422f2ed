import mqtt from 'mqtt'
import type { IClientOptions, MqttClient } from 'mqtt'
import type { TestPlatform } from './platform.js'

export interface RegisteredDevice {
  id: string
  username: string
  password: string
  accessToken: string
}

/** Register a device through the API as admin; returns its id and one-time credentials. */
export async function registerDevice (test: TestPlatform, assetCode: string, extra: Record<string, unknown> = {}): Promise<RegisteredDevice> {
  const token = await test.tokenFor('admin')
  const response = await test.request('POST', '/api/devices', { token, body: { assetCode, model: 'G100', ...extra } })
  if (response.status !== 201) throw new Error(`register ${assetCode}: ${response.status} ${response.text}`)
  return { id: response.body.id, ...response.body.credentials }
}

/** An mqtt.js client that does not reconnect on its own (tests decide). */
export async function connectDevice (url: string, options: IClientOptions): Promise<MqttClient> {
  return await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options })
}

/** Connect and resolve with the CONNACK refusal (error) instead of a client. */
export async function connectRefusal (url: string, options: IClientOptions): Promise<{ code: number | undefined, message: string }> {
  return await new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options })
    client.once('connect', () => {
      client.end(true)
      reject(new Error('connection was accepted'))
    })
    client.once('error', (error: Error & { code?: number }) => {
      client.end(true)
      resolve({ code: error.code, message: error.message })
    })
  })
}

/** Wait until `predicate` holds, polling; fails after `timeoutMs`. */
export async function eventually<T> (check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, label = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
