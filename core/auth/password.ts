import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Human-chosen passwords are stored as scrypt hashes (N = 2^15, r = 8, p = 1: ~50–100 ms and 32 MiB
 * per guess), in the form `scrypt$N$r$p$salt$hash` so the cost can rise later without breaking
 * existing hashes.
 */
const N = 2 ** 15
const R = 8
const P = 1
const KEY_LENGTH = 32

function derive (password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem: 128 * n * r * 2 }, (error, key) => {
      if (error) reject(error)
      else resolve(key)
    })
  })
}

export async function hashPassword (password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, N, R, P)
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$')
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
