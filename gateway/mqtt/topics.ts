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

/** A device's own publish topics, built once per connection. */
export interface OwnTopics {
  telemetry: string
  events: string
  status: string
}

export const ownTopics = (deviceId: string): OwnTopics =>
  ({ telemetry: telemetryTopic(deviceId), events: eventsTopic(deviceId), status: statusTopic(deviceId) })

/** Runs for every PUBLISH: string comparisons only, nothing built. */
export function classifyPublish (topic: string, own: OwnTopics): PublishTarget | null {
  if (topic === own.telemetry || topic === THINGSBOARD_TELEMETRY_TOPIC) return 'telemetry'
  if (topic === own.events) return 'events'
  if (topic === own.status) return 'status'
  return null
}

/** Exact filters only: a wildcard could reach other devices' topics. */
export function isAllowedSubscription (filter: string, deviceId: string): boolean {
  return filter === commandsTopic(deviceId)
}

export function isAllowedWill (topic: string, deviceId: string): boolean {
  return topic === statusTopic(deviceId)
}
