import { createHmac, randomBytes } from 'node:crypto'

/**
 * Item serials (GS1 AI 21, 20 characters — the most the AI allows) that cannot be guessed and that
 * carry a keyed tag:
 *
 *   serial = base32(R) ‖ base32(T)      R: 80 random bits from the CSPRNG (16 characters)
 *                                        T: first 20 bits of HMAC-SHA256(key, gtin ‖ "|" ‖ base32(R)) (4 characters)
 *
 * Alphabet: Crockford base32 (0-9, A-Z without I L O U), a subset of GS1 CSET 82 that is never
 * misread on a label.
 *
 * Guessing. To be accepted, a guessed code must equal one of the N serials issued for its GTIN. R is
 * uniform over 2^80 values, so one try succeeds with probability ≤ N / 2^80 even for an attacker who
 * knows the key; without the key the tag must be guessed too, ≤ N / 2^100. For a GTIN with a billion
 * codes: 10^9 / 2^100 ≈ 7.9e-22 per try (8.3e-16 with the key leaked) — far below 1e-12. The bound
 * 1e-12 holds up to 1.2e12 codes per GTIN even with a leaked key.
 *
 * Forgery. A serial made up without the key passes the tag with probability 2^-20 (≈ 1e-6), so a
 * made-up serial is recognised as forged without a database lookup; one that passes by chance is
 * still not issued.
 *
 * Uniqueness. Two of n random R collide with probability ≈ n² / 2^81: 4e-13 for a batch of a million,
 * 4e-7 after 10^12 codes. The database's unique index on the serial is the guarantee; issuance retries
 * a batch whose copy hits it.
 */
export const SERIAL_LENGTH = 20
const RANDOM_BYTES = 10
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const SERIAL_PATTERN = /^[0-9A-HJKMNP-TV-Z]{20}$/

const VERIFIED_TAGS_KEPT = 65_536

export type RandomSource = (bytes: number) => Buffer

export interface SerialGenerator {
  /** `count` new serials for `gtin`. */
  generate (gtin: string, count: number): string[]
  /** True when `serial` has our shape and its tag matches the key (it may still not be issued). */
  hasValidTag (gtin: string, serial: string): boolean
}

export function createSerialGenerator (key: Uint8Array | string, random: RandomSource = randomBytes): SerialGenerator {
  const tagOf = (gtin: string, body: string): string => {
    const mac = createHmac('sha256', key).update(`${gtin}|${body}`).digest()
    // 20 bits: the first two bytes and the high nibble of the third.
    const bits = (mac[0] as number) << 12 | (mac[1] as number) << 4 | (mac[2] as number) >> 4
    return encodeBits(bits, 4)
  }

  // Serials whose tag verified lately: the same genuine item is verified again and again, and the HMAC
  // was a noticeable share of a verification. Only matches are kept (guesses cannot fill it); bounded.
  const verified = new Set<string>()

  return {
    generate (gtin, count) {
      const bytes = random(RANDOM_BYTES * count)
      const serials = new Array<string>(count)
      for (let i = 0; i < count; i++) {
        const body = encodeBase32(bytes, i * RANDOM_BYTES)
        serials[i] = body + tagOf(gtin, body)
      }
      return serials
    },
    hasValidTag (gtin, serial) {
      const key = `${gtin}|${serial}`
      if (verified.has(key)) return true
      if (!SERIAL_PATTERN.test(serial)) return false
      if (tagOf(gtin, serial.slice(0, 16)) !== serial.slice(16)) return false
      if (verified.size >= VERIFIED_TAGS_KEPT) verified.clear()
      verified.add(key)
      return true
    }
  }
}

/** 10 bytes → 16 base32 characters (two 40-bit halves, each 8 characters). */
function encodeBase32 (bytes: Buffer, offset: number): string {
  let out = ''
  for (let half = 0; half < 2; half++) {
    const o = offset + half * 5
    // 40 bits do not fit a 32-bit int: split into the high 20 and low 20.
    const high = (bytes[o] as number) << 12 | (bytes[o + 1] as number) << 4 | (bytes[o + 2] as number) >> 4
    const low = ((bytes[o + 2] as number) & 0x0f) << 16 | (bytes[o + 3] as number) << 8 | (bytes[o + 4] as number)
    out += encodeBits(high, 4) + encodeBits(low, 4)
  }
  return out
}

function encodeBits (value: number, characters: number): string {
  let out = ''
  for (let i = characters - 1; i >= 0; i--) out += ALPHABET[(value >> (i * 5)) & 31]
  return out
}
