import type { Client } from 'aedes'
import { ownTopics } from './topics.js'
import type { OwnTopics } from './topics.js'

export interface DeviceSession {
  deviceId: string
  /** The topics it may publish on. */
  topics: OwnTopics
  connectedAt: Date
  /** Set when the broker saw the keep-alive expire, to tell that apart from other lost connections. */
  keepaliveExpired: boolean
  /** Set when the platform closed the connection (credentials rotated, device disabled). */
  revoked: boolean
}

/** Which device each MQTT connection belongs to, and each device's open connections. */
export function createDeviceSessions () {
  const byClient = new WeakMap<Client, DeviceSession>()
  const byDevice = new Map<string, Set<Client>>()
  // Last Will topic of a CONNECT, seen in preConnect, checked in authenticate.
  const wills = new WeakMap<Client, string>()
  // Which device each MQTT client identifier belongs to while it has a connection or a stored
  // session: the broker keys sessions (subscriptions, queued commands) and takeovers by it.
  const clientIdOwners = new Map<string, string>()

  return {
    get: (client: Client): DeviceSession | undefined => byClient.get(client),
    bind (client: Client, deviceId: string, at: Date): DeviceSession {
      const session: DeviceSession = { deviceId, topics: ownTopics(deviceId), connectedAt: at, keepaliveExpired: false, revoked: false }
      byClient.set(client, session)
      let clients = byDevice.get(deviceId)
      if (clients === undefined) byDevice.set(deviceId, clients = new Set())
      clients.add(client)
      return session
    },
    /** Returns how many connections the device still has. */
    unbind (client: Client): number {
      const session = byClient.get(client)
      if (session === undefined) return 0
      byClient.delete(client)
      const clients = byDevice.get(session.deviceId)
      clients?.delete(client)
      if (clients !== undefined && clients.size === 0) byDevice.delete(session.deviceId)
      return clients?.size ?? 0
    },
    clientsOf: (deviceId: string): Client[] => [...(byDevice.get(deviceId) ?? [])],
    rememberWill: (client: Client, topic: string): void => { wills.set(client, topic) },
    /**
     * Claim a client identifier for a device. False if another device holds it (connected, or with a
     * persistent session): resuming that session would hand over its queued commands, and taking
     * over would disconnect the other device.
     */
    claimClientId (clientId: string, deviceId: string): boolean {
      const owner = clientIdOwners.get(clientId)
      if (owner !== undefined && owner !== deviceId) return false
      clientIdOwners.set(clientId, deviceId)
      return true
    },
    /** A disabled device (replaced hardware, say) gives up its identifiers: a successor may use them. */
    releaseClientIdsOf (deviceId: string): void {
      for (const [clientId, owner] of clientIdOwners) if (owner === deviceId) clientIdOwners.delete(clientId)
    },
    /** A clean-session client left and no connection uses its identifier: anyone may use it again. */
    releaseClientId (clientId: string, deviceId: string): void {
      if (clientIdOwners.get(clientId) !== deviceId) return
      if ([...(byDevice.get(deviceId) ?? [])].some((client) => client.id === clientId)) return
      clientIdOwners.delete(clientId)
    },
    willOf: (client: Client): string | undefined => wills.get(client),
    get deviceCount (): number { return byDevice.size }
  }
}

export type DeviceSessions = ReturnType<typeof createDeviceSessions>
