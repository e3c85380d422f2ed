/**
 * The topics a device may use — only its own:
 *   publish   devices/{id}/telemetry   readings
 *             devices/{id}/events      fault codes and device events
 *             devices/{id}/status      "online" / "offline" (also the only allowed Last Will topic)
 *             v1/devices/me/telemetry  ThingsBoard device API, mapped to the authenticated device
 *   subscribe devices/{id}/commands    commands sent by the platform
 */
export type PublishTarget = 'telemetry' | 'events' | 'status'

export const telemetryTopic = (deviceId: string): string => `devices/${deviceId}/telemetry`
export const eventsTopic = (deviceId: string): string => `devices/${deviceId}/events`
export const statusTopic = (deviceId: string): string => `devices/${deviceId}/status`
export const commandsTopic = (deviceId: string): string => `devices/${deviceId}/commands`

export const THINGSBOARD_TELEMETRY_TOPIC = 'v1/devices/me/telemetry'

export function classifyPublish (topic: string, deviceId: string): PublishTarget | null {
  if (topic === THINGSBOARD_TELEMETRY_TOPIC) return 'telemetry'
  const own = `devices/${deviceId}/`
  if (!topic.startsWith(own)) return null
  switch (topic.slice(own.length)) {
    case 'telemetry': return 'telemetry'
    case 'events': return 'events'
    case 'status': return 'status'
    default: return null
  }
}

/** Exact filters only: a wildcard could reach other devices' topics. */
export function isAllowedSubscription (filter: string, deviceId: string): boolean {
  return filter === commandsTopic(deviceId)
}

export function isAllowedWill (topic: string, deviceId: string): boolean {
  return topic === statusTopic(deviceId)
}
