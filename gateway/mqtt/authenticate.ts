import type { AuthenticateError, Client } from 'aedes'
import type { Logger } from '../../core/logger.js'
import { isCanonicalUuid } from '../../core/text.js'
import type { CredentialCache } from '../devices/credential-cache.js'
import { hashDeviceSecret, isSecretHashEqual } from '../devices/credentials.js'
import type { DeviceCredentialRecord } from '../devices/device.repository.js'
import type { GatewayMetrics } from '../metrics.js'
import type { DeviceSessions } from './device-sessions.js'
import { isAllowedWill } from './topics.js'

// CONNACK return codes, MQTT 3.1.1 §3.2.2.3.
const IDENTIFIER_REJECTED = 2
const BAD_USERNAME_OR_PASSWORD = 4
const NOT_AUTHORIZED = 5

function refusal (returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError
}

/**
 * aedes `authenticate(client, username, password, done)`. Two ways in:
 * - username = device id, password = device secret;
 * - ThingsBoard firmware: username = access token (the same secret), no password.
 * Wrong credentials → CONNACK 4 "bad username or password"; a disabled device or a Last Will outside
 * its own status topic → CONNACK 5 "not authorized"; a client identifier another device holds →
 * CONNACK 2 "identifier rejected".
 */
export function createAuthenticate (deps: { credentials: CredentialCache, sessions: DeviceSessions, metrics: GatewayMetrics, logger: Logger, onAuthenticated: (client: Client, deviceId: string) => void }) {
  const verify = async (username: string | undefined, password: Buffer | undefined): Promise<DeviceCredentialRecord | null> => {
    if (username === undefined || username.length === 0 || username.length > 256) return null
    if (password === undefined || password.length === 0) return await deps.credentials.bySecretHash(hashDeviceSecret(username))
    if (password.length > 256) return null
    const record = await deps.credentials.byDeviceId(username)
    if (record === null) return null
    return isSecretHashEqual(record.secretHash, hashDeviceSecret(password)) ? record : null
  }

  return function authenticate (client: Client, username: Readonly<string | undefined>, password: Readonly<Buffer | undefined>, done: (error: AuthenticateError | null, success: boolean | null) => void): void {
    const lookup = isCanonicalUuid(username ?? '') || password === undefined
      ? verify(username, password)
      : Promise.resolve(null)
    lookup.then((record) => {
      if (record === null) {
        deps.metrics.refused.inc({ reason: 'bad_credentials' })
        return done(refusal(BAD_USERNAME_OR_PASSWORD, 'bad username or password'), false)
      }
      if (record.disabled) {
        deps.metrics.refused.inc({ reason: 'disabled' })
        return done(refusal(NOT_AUTHORIZED, 'not authorized'), false)
      }
      const will = deps.sessions.willOf(client)
      if (will !== undefined && !isAllowedWill(will, record.id)) {
        deps.metrics.refused.inc({ reason: 'will_topic' })
        return done(refusal(NOT_AUTHORIZED, 'not authorized'), false)
      }
      if (!deps.sessions.claimClientId(client.id, record.id)) {
        deps.metrics.refused.inc({ reason: 'client_id_taken' })
        deps.logger.warn({ deviceId: record.id, clientId: client.id }, 'connection refused: another device holds this client identifier')
        return done(refusal(IDENTIFIER_REJECTED, 'identifier rejected'), false)
      }
      deps.onAuthenticated(client, record.id)
      done(null, true)
    }, (error: unknown) => {
      // Database unreachable: the device should retry later (MQTT 3.1.1 code 3, server unavailable).
      deps.logger.warn({ err: error }, 'device authentication failed: credentials unavailable')
      deps.metrics.refused.inc({ reason: 'unavailable' })
      done(refusal(3, 'server unavailable'), false)
    })
  }
}
