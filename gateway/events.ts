import type { LatLngLiteral } from './devices/device.repository.js'

/** One accepted reading, after validation: `ts` in epoch microseconds. */
export interface Reading {
  metric: string
  ts: number
  value: number
}

/** A fault or status event reported by a device on `devices/{id}/events`. */
export interface DeviceEvent {
  deviceId: string
  /** Epoch microseconds. */
  ts: number
  code: string
  severity: 'info' | 'warning' | 'critical'
  message: string | null
  data: Record<string, unknown> | null
}

declare module '../core/events.js' {
  interface DomainEvents {
    'device.created': { deviceId: string, assetCode: string, model: string, location: LatLngLiteral | null }
    'device.updated': { deviceId: string }
    'device.disabled': { deviceId: string }
    'device.enabled': { deviceId: string }
    'device.credentials_rotated': { deviceId: string }
    'device.connected': { deviceId: string, clientId: string, at: Date }
    'device.disconnected': { deviceId: string, clientId: string, at: Date, reason: DisconnectReason }
    'device.event_received': DeviceEvent
    'payload.rejected': { deviceId: string, topic: string, code: string, reason: string }
  }
}

export type DisconnectReason = 'disconnected' | 'keepalive_timeout' | 'connection_lost' | 'credentials_revoked' | 'gateway_restart' | 'reported_offline'
