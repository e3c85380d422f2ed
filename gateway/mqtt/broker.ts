import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { Aedes } from 'aedes'
import type { Client } from 'aedes'
import type { EventBus } from '../../core/event-bus.js'
import type { Logger } from '../../core/logger.js'
import type { CredentialCache } from '../devices/credential-cache.js'
import type { IngestService } from '../ingest/ingest.service.js'
import type { GatewayMetrics } from '../metrics.js'
import { createAuthenticate } from './authenticate.js'
import { createAuthorizePublish } from './authorize-publish.js'
import { createAuthorizeSubscribe } from './authorize-subscribe.js'
import { createDeviceSessions } from './device-sessions.js'
import { limitPacketSize } from './packet-limit.js'
import { createPreConnect } from './pre-connect.js'
import type { Presence } from './presence.js'
import { commandsTopic } from './topics.js'

export interface BrokerDeps {
  credentials: CredentialCache
  ingest: IngestService
  presence: Presence
  bus: EventBus
  metrics: GatewayMetrics
  logger: Logger
  /** The largest packet a connection may send; a larger one closes it before it is read. */
  maxPacketBytes: number
}

/** The devices' MQTT 3.1/3.1.1 broker (aedes), its hooks, and its TCP listener. */
export async function createBroker (deps: BrokerDeps) {
  const { logger, metrics, presence } = deps
  const log = logger.child({ component: 'mqtt' })
  const sessions = createDeviceSessions()
  // createBroker also sets up aedes' persistence (in memory: sessions and queued QoS 1 commands).
  const aedes = await Aedes.createBroker({
    // MQTT 3.1.1 §3.1.3.1 allows servers to accept longer client identifiers; real fleets use them.
    maxClientsIdLength: 256,
    preConnect: createPreConnect(sessions),
    authenticate: createAuthenticate({
      credentials: deps.credentials,
      sessions,
      metrics,
      logger: log,
      onAuthenticated: (client, deviceId) => { sessions.bind(client, deviceId, new Date()) }
    }),
    authorizePublish: createAuthorizePublish({ sessions, ingest: deps.ingest, presence, metrics, logger: log }),
    authorizeSubscribe: createAuthorizeSubscribe({ sessions, metrics, logger: log }),
    // Only a device's own commands reach it, whatever a restored session was subscribed to.
    authorizeForward: (client, packet) => {
      const session = sessions.get(client)
      return session !== undefined && packet.topic === commandsTopic(session.deviceId) ? packet : null
    }
  })

  aedes.on('client', (client) => {
    const session = sessions.get(client)
    if (session !== undefined) presence.connected(session.deviceId, client.id)
  })
  aedes.on('keepaliveTimeout', (client) => {
    const session = sessions.get(client)
    if (session !== undefined) session.keepaliveExpired = true
  })
  aedes.on('ping', (_packet, client) => {
    const session = sessions.get(client)
    if (session !== undefined) presence.seen(session.deviceId)
  })
  aedes.on('clientDisconnect', (client) => {
    const session = sessions.get(client)
    if (session === undefined) return
    const remaining = sessions.unbind(client)
    if (client.clean) sessions.releaseClientId(client.id, session.deviceId)
    const reason = session.revoked
      ? 'credentials_revoked'
      : session.keepaliveExpired
        ? 'keepalive_timeout'
        : (client as Client & { _disconnected?: boolean })._disconnected === true ? 'disconnected' : 'connection_lost'
    presence.disconnected(session.deviceId, client.id, reason, remaining)
  })
  aedes.on('clientError', (client, error) => {
    log.debug({ clientId: client.id, err: error }, 'client error')
  })
  aedes.on('connectionError', (_client, error) => {
    log.debug({ err: error }, 'connection error before CONNECT')
  })
  metrics.sources.clients = () => aedes.connectedClients

  // Credentials changed: connections opened with the old ones are closed at once.
  const revoke = ({ deviceId }: { deviceId: string }): void => {
    for (const client of sessions.clientsOf(deviceId)) {
      const session = sessions.get(client)
      if (session !== undefined) session.revoked = true
      client.close()
    }
  }
  const unsubscribers = [
    deps.bus.subscribe('device.disabled', (event) => {
      revoke(event)
      // Whatever a successor resumes under these identifiers, only its own commands are forwarded.
      sessions.releaseClientIdsOf(event.deviceId)
    }),
    deps.bus.subscribe('device.credentials_rotated', revoke)
  ]

  const server = net.createServer((socket) => {
    limitPacketSize(aedes.handle(socket), deps.maxPacketBytes, (length) => {
      metrics.refused.inc({ reason: 'packet_too_large' })
      log.warn({ remote: socket.remoteAddress, length, max: deps.maxPacketBytes }, 'connection closed: MQTT packet larger than allowed')
    })
  })
  server.on('error', (error) => log.error({ err: error }, 'MQTT listener error'))

  return {
    aedes,
    sessions,

    async listen (port: number, host: string): Promise<AddressInfo> {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(port, host, () => {
          server.off('error', reject)
          resolve()
        })
      })
      return server.address() as AddressInfo
    },

    /** Send a command to a device on `devices/{id}/commands` (QoS 1; queued by aedes for persistent sessions). */
    async sendCommand (deviceId: string, command: Record<string, unknown>): Promise<void> {
      await new Promise<void>((resolve, reject) => {
        aedes.publish({
          cmd: 'publish',
          topic: commandsTopic(deviceId),
          payload: Buffer.from(JSON.stringify(command)),
          qos: 1,
          retain: false,
          dup: false
        }, (error) => error ? reject(error) : resolve())
      })
    },

    isConnected: (deviceId: string): boolean => sessions.clientsOf(deviceId).length > 0,

    async close (): Promise<void> {
      for (const unsubscribe of unsubscribers) unsubscribe()
      const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()))
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      await listenerClosed
    }
  }
}

export type Broker = Awaited<ReturnType<typeof createBroker>>
