import type { Client, Subscription } from 'aedes'
import type { Logger } from '../../core/logger.js'
import type { GatewayMetrics } from '../metrics.js'
import type { DeviceSessions } from './device-sessions.js'
import { isAllowedSubscription } from './topics.js'

/**
 * aedes `authorizeSubscribe(client, subscription, callback)`. A device may subscribe only to its own
 * commands topic; anything else is answered in the SUBACK with 0x80, failure (MQTT 3.1.1 §3.9.3).
 */
export function createAuthorizeSubscribe (deps: { sessions: DeviceSessions, metrics: GatewayMetrics, logger: Logger }) {
  return function authorizeSubscribe (client: Client, subscription: Subscription, callback: (error: Error | null, subscription?: Subscription | null) => void): void {
    const session = deps.sessions.get(client)
    if (session !== undefined && isAllowedSubscription(subscription.topic, session.deviceId)) {
      callback(null, subscription)
      return
    }
    deps.metrics.aclDenied.inc({ action: 'subscribe' })
    deps.logger.warn({ deviceId: session?.deviceId, topic: subscription.topic }, 'subscription outside the device\'s own topics refused')
    callback(null, null)
  }
}
