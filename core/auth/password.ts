import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Human-chosen passwords are stored as scrypt hashes (N = 2^15, r = 8, p = 1: ~50–100 ms and 32 MiB
 * per guess), in the form `scrypt$N$r$p$salt$hash` so the cost can rise later without breaking
 * existing hashes: verification reads the cost from the stored hash, never from here.
 */
export const PASSWORD_COST = 2 ** 15
const R = 8
const P = 1
const KEY_LENGTH = 32
const MIN_COST = 2 ** 10

function derive (password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 128 * n * r * 2 }, (error, key) => {
      if (error) reject(error)
      else resolve(key)
    })
  })
}

/** `cost` is scrypt's N, a power of two of at least 2^10; only the test platform asks for less than the default. */
export async function hashPassword (password: string, cost = PASSWORD_COST): Promise<string> {
  assertCost(cost)
  const salt = randomBytes(16)
  return encode(cost, salt, await derive(password, salt, cost, R, P))
}

/** A hash no password matches, at `cost`: verified against for an unknown username, so it fails as slowly as a wrong password. */
export function unmatchableHash (cost = PASSWORD_COST): string {
  assertCost(cost)
  return encode(cost, Buffer.alloc(16), Buffer.alloc(KEY_LENGTH))
}

function encode (cost: number, salt: Buffer, key: Buffer): string {
  return ['scrypt', cost, R, P, salt.toString('base64'), key.toString('base64')].join('$')
}

function assertCost (cost: number): void {
  if (!Number.isInteger(cost) || cost < MIN_COST || (cost & (cost - 1)) !== 0) throw new RangeError(`scrypt cost must be a power of two ≥ ${MIN_COST}, not ${cost}`)
}

export async function verifyPassword (password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await derive(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p))
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** A random password for generated accounts: 18 bytes, base64url (24 characters, 144 bits). */
export function generatePassword (): string {
  return randomBytes(18).toString('base64url')
}
