import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * A device has one secret: 32 bytes from the CSPRNG, base64url. It is the MQTT password (with the
 * device id as username) and, alone as the username, the ThingsBoard access token. Only its SHA-256
 * is stored.
 */
export interface DeviceCredentials {
  username: string
  password: string
  /** The same secret, for firmware speaking the ThingsBoard device API (username = token, no password). */
  accessToken: string
}

export function generateDeviceSecret (): string {
  return randomBytes(32).toString('base64url')
}

export function hashDeviceSecret (secret: string | Buffer): string {
  return createHash('sha256').update(secret).digest('hex')
}

export function isSecretHashEqual (a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right)
}

export function credentialsFor (deviceId: string, secret: string): DeviceCredentials {
  return { username: deviceId, password: secret, accessToken: secret }
}
