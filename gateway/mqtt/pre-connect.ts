import type { Client, ConnectPacket } from 'aedes'
import type { DeviceSessions } from './device-sessions.js'

/**
 * aedes `preConnect(client, packet, callback)`: runs before authentication with the whole CONNECT.
 * The Last Will topic is noted here because aedes publishes a will without `authorizePublish`, so
 * `authenticate` must vet it (a will on another device's topic would bypass the ACL).
 */
export function createPreConnect (sessions: DeviceSessions) {
  return function preConnect (client: Client, packet: ConnectPacket, callback: (error: Error | null, success: boolean) => void): void {
    if (packet.will !== undefined && packet.will !== null) sessions.rememberWill(client, packet.will.topic)
    callback(null, true)
  }
}
