import { createHash } from 'node:crypto'

/**
 * A UUID derived from a name (RFC 9562 §5.8, version 8, SHA-256 of a namespaced name): the same EPCIS
 * event or work-order part always maps to the same scan request, so redelivery is idempotent.
 */
export function stableUuid (name: string): string {
  const hash = createHash('sha256').update(`afterline.traceability:${name}`).digest()
  hash[6] = ((hash[6] as number) & 0x0f) | 0x80
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}
