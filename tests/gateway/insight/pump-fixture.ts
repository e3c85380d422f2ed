import type { TestPlatform } from '../../helpers/platform.js'

/** A small pump model used by the platform-level insight tests. */
export const PUMP = {
  name: 'Pump P-1',
  manufacturer: 'Acme',
  metrics: [
    { name: 'temp', unit: '°C', normal: { min: 20, max: 90 } },
    { name: 'flow', unit: 'l/min', normal: { min: 10, max: 50 } }
  ],
  rules: [
    { kind: 'threshold', id: 'hot', metric: 'temp', above: 95, clearBelow: 90, forSeconds: 300, severity: 'critical', requiredSkills: ['mechanical'], requiredParts: ['SEAL-7'] },
    { kind: 'missing_data', id: 'offline', afterMinutes: 30 }
  ],
  faultCodes: [
    { code: 'E21', title: 'Seal leak', cause: 'Worn shaft seal', remedy: 'Replace the seal kit', severity: 'warning', parts: [{ partNumber: 'SEAL-7', name: 'Seal kit' }], skills: ['mechanical'] }
  ]
}

/** Register the model and one device; returns the device id. */
export async function setUpPump (test: TestPlatform): Promise<string> {
  const admin = await test.tokenFor('admin')
  const model = await test.request('PUT', '/api/device-models/P-1', { token: admin, body: PUMP })
  if (model.status !== 201) throw new Error(`model: ${model.status} ${model.text}`)
  const device = await test.request('POST', '/api/devices', { token: admin, body: { assetCode: 'PUMP-0001', model: 'P-1', location: { lat: 52.52, lng: 13.4 } } })
  if (device.status !== 201) throw new Error(`device: ${device.status} ${device.text}`)
  await test.platform.bus.idle()
  return device.body.id as string
}

/** Publish through the real ingest path (validate, spool, listener) at the test clock's time. */
export async function publish (test: TestPlatform, deviceId: string, at: number, values: Record<string, number>): Promise<void> {
  const result = await test.platform.gateway.ingest.accept(deviceId, `devices/${deviceId}/telemetry`, 'telemetry', Buffer.from(JSON.stringify({ ts: at, values })))
  if (!result.accepted) throw new Error(`refused: ${result.reason}`)
}
