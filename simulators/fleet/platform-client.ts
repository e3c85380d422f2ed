import type { DevicePlan } from './fleet-plan.js'
import { definitionOf } from './model-spec.js'
import type { SimModelSpec } from './model-spec.js'
import type { RegisteredDevice } from './run-over-mqtt.js'

/**
 * The few platform API calls the simulator needs, over HTTP as any integrator would make them: log in,
 * declare the simulated device models, register the devices (or issue new credentials to devices
 * registered by an earlier run, found by asset code).
 */
export function createPlatformClient (baseUrl: string, token: string | null = null) {
  let bearer = token
  const call = async <T> (method: string, path: string, body?: unknown): Promise<{ status: number, body: T }> => {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`
    const response = await fetch(new URL(path, baseUrl), { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
    const text = await response.text()
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T }
  }
  const expect = <T> (result: { status: number, body: T }, ok: number[], what: string): T => {
    if (!ok.includes(result.status)) throw new Error(`${what}: HTTP ${result.status} ${JSON.stringify(result.body)}`)
    return result.body
  }

  return {
    async login (username: string, password: string): Promise<void> {
      bearer = expect(await call<{ token: string }>('POST', '/api/auth/login', { username, password }), [200], 'login').token
    },

    async putModel (spec: SimModelSpec, withRul: boolean): Promise<void> {
      expect(await call('PUT', `/api/device-models/${encodeURIComponent(spec.id)}`, definitionOf(spec, { withRul })), [200, 201], `device model ${spec.id}`)
    },

    async register (device: DevicePlan): Promise<RegisteredDevice> {
      const created = await call<{ id: string, credentials: { username: string, password: string }, code?: string }>('POST', '/api/devices', {
        assetCode: device.assetCode, model: device.model, location: device.location,
        customer: { name: `Simulated customer ${device.assetCode.slice(-3)}` }
      })
      if (created.status === 201) return { plan: device, deviceId: created.body.id, username: created.body.credentials.username, password: created.body.credentials.password }
      if (created.status !== 409) throw new Error(`register ${device.assetCode}: HTTP ${created.status} ${JSON.stringify(created.body)}`)
      const found = expect(await call<{ devices: Array<{ id: string, assetCode: string }> }>('GET', `/api/devices?q=${encodeURIComponent(device.assetCode)}`), [200], 'find device')
      const existing = found.devices.find((candidate) => candidate.assetCode === device.assetCode)
      if (existing === undefined) throw new Error(`register ${device.assetCode}: taken, but not found`)
      const rotated = expect(await call<{ credentials: { username: string, password: string } }>('POST', `/api/devices/${existing.id}/credentials`), [200], 'rotate credentials')
      return { plan: device, deviceId: existing.id, username: rotated.credentials.username, password: rotated.credentials.password }
    }
  }
}
