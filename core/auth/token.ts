import { createHmac, timingSafeEqual } from 'node:crypto'
import { isRole } from './roles.js'
import type { Role } from './roles.js'

/** What a login token asserts: the user, the role it was issued for, and when it expires (epoch s). */
export interface TokenClaims {
  sub: string
  role: Role
  exp: number
}

export interface TokenSigner {
  sign (userId: string, role: Role): string
  /** The claims of a well-signed, unexpired token; null otherwise. */
  verify (token: string): TokenClaims | null
}

/** `base64url(claims).base64url(HMAC-SHA256(secret, claims))` — stateless and cheap to check per request. */
export function createTokenSigner (secret: string, ttlSeconds: number, now: () => number = Date.now): TokenSigner {
  const mac = (data: string): Buffer => createHmac('sha256', secret).update(data).digest()
  return {
    sign (userId, role) {
      const claims: TokenClaims = { sub: userId, role, exp: Math.floor(now() / 1000) + ttlSeconds }
      const body = Buffer.from(JSON.stringify(claims)).toString('base64url')
      return `${body}.${mac(body).toString('base64url')}`
    },
    verify (token) {
      const dot = token.indexOf('.')
      if (dot <= 0 || token.length > 1024) return null
      const body = token.slice(0, dot)
      const given = Buffer.from(token.slice(dot + 1), 'base64url')
      const expected = mac(body)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
      let claims: unknown
      try {
        claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
      } catch {
        return null
      }
      if (typeof claims !== 'object' || claims === null) return null
      const { sub, role, exp } = claims as Record<string, unknown>
      if (typeof sub !== 'string' || !isRole(role) || typeof exp !== 'number') return null
      if (exp * 1000 <= now()) return null
      return { sub, role, exp }
    }
  }
}
