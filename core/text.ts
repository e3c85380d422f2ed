/** What PostgreSQL can store of text it is given, checked before it is sent. Pure. */

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The canonical form PostgreSQL's uuid reads, in either case (ajv's `uuid` format also accepts a `urn:uuid:` prefix). */
export function isCanonicalUuid (value: string): boolean {
  return CANONICAL_UUID.test(value)
}

/** Lone UTF-16 surrogates: not Unicode text (JSON.stringify writes them as `\ud800`, which json refuses). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Why PostgreSQL would refuse this text — `nul`: text cannot hold U+0000; `lone_surrogate`: json cannot hold one — or null. */
export function unstorableTextKind (text: string): 'nul' | 'lone_surrogate' | null {
  if (text.includes('\u0000')) return 'nul'
  if (LONE_SURROGATE.test(text)) return 'lone_surrogate'
  return null
}
