import { randomFillSync } from 'node:crypto'

// Random bits are drawn for many ids at once: one call into the CSPRNG per 4 KiB instead of one per id.
const POOL_BYTES = 4096

/**
 * UUIDv7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then random bits. Scan ids made this way are
 * appended at the right edge of the primary-key index instead of landing on random pages, which keeps
 * inserting a high rate of scans cheap.
 */
export function createTimeOrderedId (now: () => number = Date.now): () => string {
  let lastMs = -1
  let counter = 0
  const pool = Buffer.allocUnsafe(POOL_BYTES)
  let used = POOL_BYTES
  return () => {
    let ms = Math.max(now(), lastMs)
    // 12 bits of counter (rand_a) keep ids from one millisecond in creation order.
    if (ms === lastMs) {
      counter++
      if (counter > 0xfff) { ms = lastMs + 1; counter = 0 }
    } else counter = 0
    lastMs = ms
    if (used + 16 > POOL_BYTES) { randomFillSync(pool); used = 0 }
    // Each id's 16 bytes of the pool are used once, so they are written in place.
    const bytes = pool.subarray(used, used + 16)
    used += 16
    bytes.writeUIntBE(ms, 0, 6)
    bytes[6] = 0x70 | (counter >> 8)
    bytes[7] = counter & 0xff
    bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80
    const hex = bytes.toString('hex')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }
}
