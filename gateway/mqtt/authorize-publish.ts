import type { Client, PublishPacket } from 'aedes'
import type { Logger } from '../../core/logger.js'
import type { IngestService } from '../ingest/ingest.service.js'
import type { GatewayMetrics } from '../metrics.js'
import type { DeviceSessions } from './device-sessions.js'
import type { Presence } from './presence.js'
import { classifyPublish } from './topics.js'

/**
 * aedes `authorizePublish(client, packet, callback)` — where durable ingest happens. aedes writes the
 * PUBACK right after this callback and before its `published` hook, so the callback is held until the
 * message is durable in the spool: an acknowledged reading is never lost. Holding it also keeps aedes
 * from reading more of this device's socket (backpressure).
 *
 * - A topic outside the device's own is refused: the error makes aedes close the connection, which
 *   MQTT 3.1.1 §3.3.5 allows (there is no negative PUBACK), and nothing is stored.
 * - A payload that fails validation is acknowledged and dead-lettered with its reason; refusing it
 *   would make the device resend it forever.
 * - Publishes by the platform itself (client null, e.g. commands) pass.
 */
export function createAuthorizePublish (deps: { sessions: DeviceSessions, ingest: IngestService, presence: Presence, metrics: GatewayMetrics, logger: Logger }) {
  return function authorizePublish (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void {
    if (client === null) {
      callback(null)
      return
    }
    const session = deps.sessions.get(client)
    const target = session === undefined ? null : classifyPublish(packet.topic, session.topics)
    if (session === undefined || target === null) {
      deps.metrics.aclDenied.inc({ action: 'publish' })
      deps.logger.warn({ deviceId: session?.deviceId, topic: packet.topic }, 'publish outside the device\'s own topics refused')
      callback(new Error('not authorized to publish on this topic'))
      return
    }
    deps.presence.seen(session.deviceId)
    if (target === 'status') {
      deps.presence.reported(session.deviceId, client.id, packet.payload as Buffer)
      callback(null)
      return
    }
    // Device data is not broker state: never keep it as a retained message.
    packet.retain = false
    // aedes' own callback goes to the spool as it is (no closure per message): called with null once
    // the message is durable, or with the error (logged by the ingest service, the message is not
    // acknowledged and the device resends). The spool also measures the wait (ack latency metric).
    deps.ingest.acceptMessage(session.deviceId, packet.topic, target, packet.payload as Buffer, callback)
  }
}
