/**
 * Identifiers in EPCIS events: EPC URIs (GS1 EPC Tag Data Standard §6, `urn:epc:id:sgtin:…`), EPC
 * class and pattern URIs, and GS1 Digital Link URIs (`https://{any domain}/01/{GTIN}/21/{serial}`).
 * Every GS1 identifier is turned into its constrained canonical Digital Link form (CBV 2.0 §8.9.2,
 * rules 17 and 18: domain id.gs1.org, no query string, only the finest level of identification), so
 * that a query for the URN finds the event that used the Digital Link and the event hash is the same
 * whichever form a partner sent. Pure functions, no I/O.
 */

const CANONICAL_BASE = 'https://id.gs1.org'

/** GS1 mod-10 check digit of the digits given (without the check digit). */
export function computeCheckDigit (digits: string): number {
  let sum = 0
  for (let i = digits.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) sum += Number(digits[i]) * weight
  return (10 - (sum % 10)) % 10
}

function withCheckDigit (digits: string): string {
  return digits + String(computeCheckDigit(digits))
}

function hasValidCheckDigit (digits: string): boolean {
  return /^\d+$/.test(digits) && computeCheckDigit(digits.slice(0, -1)) === Number(digits.at(-1))
}

/** GS1 Digital Link §7.1: characters that must be percent-encoded in a path value (EPC URIs allow some). */
function encodeDigitalLinkValue (value: string): string {
  return value.replace(/[!()*+,:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The characters the Tag Data Standard allows in EPC URI serials ("GS1 AI encodable character set 82"). */
const EPC_CHARS = /^(?:%[0-9A-Fa-f]{2}|[!'()*+,\-.0-9:;=A-Z_a-z])+$/

/** Split `CP.REF` where the two together have `total` digits and the prefix 6–12. */
function splitPrefixed (part: string, total: number, refMayBeEmpty = false): [string, string] | null {
  const match = /^(\d{6,12})\.(\d*)$/.exec(part)
  if (match === null) return null
  const [, prefix = '', ref = ''] = match
  if (prefix.length + ref.length !== total) return null
  if (ref.length === 0 && !refMayBeEmpty) return null
  return [prefix, ref]
}

function gtinOf (prefix: string, itemRef: string): string {
  return withCheckDigit(itemRef.slice(0, 1) + prefix + itemRef.slice(1))
}

function serialOk (serial: string | undefined, max: number): serial is string {
  return serial !== undefined && serial.length > 0 && EPC_CHARS.test(serial) && decodeURIComponentSafe(serial).length <= max
}

function decodeURIComponentSafe (value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}

type EpcConverter = (fields: string[]) => string | null

/** Tag Data Standard 2.x EPC URI bodies → canonical GS1 Digital Link paths. */
const EPC_SCHEMES: Record<string, EpcConverter> = {
  sgtin ([head, ref, serial]) {
    const split = splitPrefixed(`${head}.${ref}`, 13)
    if (split === null || !serialOk(serial, 20)) return null
    return `/01/${gtinOf(...split)}/21/${encodeDigitalLinkValue(serial)}`
  },
  sscc ([head, ref]) {
    const split = splitPrefixed(`${head}.${ref}`, 17)
    if (split === null) return null
    return `/00/${gtinOf(...split)}`
  },
  sgln ([head, ref, ext]) {
    const split = splitPrefixed(`${head}.${ref}`, 12, true)
    if (split === null || !serialOk(ext, 20)) return null
    const gln = withCheckDigit(split[0] + split[1])
    return ext === '0' ? `/414/${gln}` : `/414/${gln}/254/${encodeDigitalLinkValue(ext)}`
  },
  pgln ([head, ref]) {
    const split = splitPrefixed(`${head}.${ref}`, 12, true)
    return split === null ? null : `/417/${withCheckDigit(split[0] + split[1])}`
  },
  grai ([head, ref, serial]) {
    const split = splitPrefixed(`${head}.${ref}`, 12, true)
    if (split === null || !serialOk(serial, 16)) return null
    return `/8003/${withCheckDigit('0' + split[0] + split[1])}${encodeDigitalLinkValue(serial)}`
  },
  giai ([head, ...rest]) {
    const ref = rest.join('.')
    if (head === undefined || !/^\d{6,12}$/.test(head) || !serialOk(ref, 30 - head.length)) return null
    return `/8004/${head}${encodeDigitalLinkValue(ref)}`
  },
  gsrn ([head, ref]) {
    const split = splitPrefixed(`${head}.${ref}`, 17)
    return split === null ? null : `/8018/${withCheckDigit(split[0] + split[1])}`
  },
  gsrnp ([head, ref]) {
    const split = splitPrefixed(`${head}.${ref}`, 17)
    return split === null ? null : `/8017/${withCheckDigit(split[0] + split[1])}`
  },
  gdti ([head, ref, serial]) {
    const split = splitPrefixed(`${head}.${ref}`, 12, true)
    if (split === null || !serialOk(serial, 17)) return null
    return `/253/${withCheckDigit(split[0] + split[1])}${encodeDigitalLinkValue(serial)}`
  },
  sgcn ([head, ref, serial]) {
    const split = splitPrefixed(`${head}.${ref}`, 12, true)
    if (split === null || serial === undefined || !/^\d{1,12}$/.test(serial)) return null
    return `/255/${withCheckDigit(split[0] + split[1])}${serial}`
  },
  ginc ([head, ...rest]) {
    const ref = rest.join('.')
    if (head === undefined || !/^\d{6,12}$/.test(head) || !serialOk(ref, 30 - head.length)) return null
    return `/401/${head}${encodeDigitalLinkValue(ref)}`
  },
  gsin ([head, ref]) {
    const split = splitPrefixed(`${head}.${ref}`, 16)
    return split === null ? null : `/402/${withCheckDigit(split[0] + split[1])}`
  },
  cpi (fields) {
    const [head, ...rest] = fields
    const serial = rest.pop()
    const ref = rest.join('.')
    if (head === undefined || !/^\d{6,12}$/.test(head) || serial === undefined || !/^\d{1,12}$/.test(serial)) return null
    if (ref.length === 0 || !/^(?:%2[3dfDF]|%3\d|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])+$/.test(ref)) return null
    return `/8010/${head}${ref}/8011/${serial}`
  },
  itip ([head, ref, piece, total, serial]) {
    const split = splitPrefixed(`${head}.${ref}`, 13)
    if (split === null || !/^\d{2}$/.test(piece ?? '') || !/^\d{2}$/.test(total ?? '') || !serialOk(serial, 20)) return null
    return `/8006/${gtinOf(...split)}${piece}${total}/21/${encodeDigitalLinkValue(serial)}`
  },
  upui ([head, ref, tpx]) {
    const split = splitPrefixed(`${head}.${ref}`, 13)
    if (split === null || !serialOk(tpx, 28)) return null
    return `/01/${gtinOf(...split)}/235/${encodeDigitalLinkValue(tpx)}`
  }
}

/** EPC pattern URIs whose serial part is `*` select every instance of a class. */
const PATTERN_SCHEMES: Record<string, (fields: string[]) => string | null> = {
  sgtin: ([head, ref]) => { const s = splitPrefixed(`${head}.${ref}`, 13); return s === null ? null : `/01/${gtinOf(...s)}` },
  upui: ([head, ref]) => { const s = splitPrefixed(`${head}.${ref}`, 13); return s === null ? null : `/01/${gtinOf(...s)}` },
  grai: ([head, ref]) => { const s = splitPrefixed(`${head}.${ref}`, 12, true); return s === null ? null : `/8003/${withCheckDigit('0' + s[0] + s[1])}` },
  gdti: ([head, ref]) => { const s = splitPrefixed(`${head}.${ref}`, 12, true); return s === null ? null : `/253/${withCheckDigit(s[0] + s[1])}` },
  sgcn: ([head, ref]) => { const s = splitPrefixed(`${head}.${ref}`, 12, true); return s === null ? null : `/255/${withCheckDigit(s[0] + s[1])}` },
  itip: ([head, ref, piece, total]) => {
    const s = splitPrefixed(`${head}.${ref}`, 13)
    return s === null || !/^\d{2}$/.test(piece ?? '') || !/^\d{2}$/.test(total ?? '') ? null : `/8006/${gtinOf(...s)}${piece}${total}`
  },
  cpi: ([head, ...rest]) => (head !== undefined && /^\d{6,12}$/.test(head) && rest.length > 0 ? `/8010/${head}${rest.join('.')}` : null)
}

/** Schemes of the Tag Data Standard that are not GS1 keys: accepted as they are. */
const OTHER_EPC_SCHEMES = new Set(['gid', 'usdod', 'adi', 'bic', 'imovn'])

// ---- GS1 Digital Link ------------------------------------------------------------------------

/**
 * Primary keys: AI → short name, the value's syntax (GS1 General Specifications §3, the AI's format),
 * the part its check digit covers, and the qualifiers kept in the constrained canonical form. A path
 * segment pair is a key only when the value has that syntax.
 */
interface PrimaryKey {
  short: string
  shape: RegExp
  /** How many leading digits end in a check digit; 0 when the key has none. */
  checked: number
  qualifiers: readonly string[]
}
const CSET82 = "[!\"%&'()*+,\\-./0-9:;<=>?A-Z_a-z]"
const cset82 = (from: number, to: number): string => `(?:${CSET82}|%[0-9A-Fa-f]{2}){${from},${to}}`
const PRIMARY_KEYS: Record<string, PrimaryKey> = {
  '00': { short: 'sscc', shape: /^\d{18}$/, checked: 18, qualifiers: [] },
  '01': { short: 'gtin', shape: /^\d{14}$/, checked: 14, qualifiers: ['21', '235', '10'] },
  253: { short: 'gdti', shape: new RegExp(`^\\d{13}${cset82(0, 17)}$`), checked: 13, qualifiers: [] },
  255: { short: 'gcn', shape: /^\d{13,25}$/, checked: 13, qualifiers: [] },
  401: { short: 'ginc', shape: new RegExp(`^${cset82(1, 30)}$`), checked: 0, qualifiers: [] },
  402: { short: 'gsin', shape: /^\d{17}$/, checked: 17, qualifiers: [] },
  414: { short: 'loc', shape: /^\d{13}$/, checked: 13, qualifiers: ['254'] },
  417: { short: 'party', shape: /^\d{13}$/, checked: 13, qualifiers: [] },
  8003: { short: 'grai', shape: new RegExp(`^0\\d{13}${cset82(0, 16)}$`), checked: 14, qualifiers: [] },
  8004: { short: 'giai', shape: new RegExp(`^\\d{6}${cset82(0, 24)}$`), checked: 0, qualifiers: [] },
  8006: { short: 'itip', shape: /^\d{18}$/, checked: 14, qualifiers: ['21', '10'] },
  8010: { short: 'cpid', shape: /^(?:[0-9A-Z#/-]|%2[3dfDF]){1,30}$/, checked: 0, qualifiers: ['8011'] },
  8017: { short: 'gsrnp', shape: /^\d{18}$/, checked: 18, qualifiers: [] },
  8018: { short: 'gsrn', shape: /^\d{18}$/, checked: 18, qualifiers: [] }
}
const SHORT_NAMES: Record<string, string> = Object.fromEntries([
  ...Object.entries(PRIMARY_KEYS).map(([ai, key]) => [key.short, ai]),
  ['cpv', '22'], ['lot', '10'], ['ser', '21'], ['glnx', '254'], ['cpsn', '8011']
])
const QUALIFIER_AIS = new Set(['22', '10', '21', '235', '254', '8011', '7040'])

function aiOf (segment: string): string | undefined {
  return /^\d{2,4}$/.test(segment) ? segment : SHORT_NAMES[segment]
}

export interface DigitalLinkResult {
  /** Constrained canonical form, or null when the URI is not a GS1 Digital Link URI. */
  canonical: string | null
  /** Why a URI that is a GS1 Digital Link URI in form is not a valid one. */
  problem: string | null
}

/**
 * Parse an http(s) URI as a GS1 Digital Link URI (any domain, optional path prefix, AIs or short names).
 *
 * EPCIS 2.0 lets locations, parties and objects be any URI, so a web URI is a Digital Link only when
 * it parses as one: a primary key whose value has the key's syntax, then qualifier pairs. Anything else
 * (`/loc/123`, `/party/acme`, `/00/42`, `/01/2024`) is an opaque URI and passes unchanged. One case is
 * refused: a key written as its numeric AI (the form GS1 Digital Link 1.2 prescribes) whose value has
 * exactly the key's full syntax (a GTIN as 14 digits) but a wrong check digit — that is a Digital Link with a typo, and accepting
 * it would store a GS1 key that names nothing (or someone else's product).
 */
export function parseDigitalLink (uri: string): DigitalLinkResult {
  const match = /^https?:\/\/[^/?#]+((?:\/[^/?#]*)*)(?:\?[^#]*)?(?:#.*)?$/i.exec(uri)
  if (match === null) return { canonical: null, problem: null }
  const segments = (match[1] ?? '').split('/').slice(1)
  for (let i = 0; i < segments.length - 1; i++) {
    const written = segments[i] as string
    const ai = aiOf(written)
    const key = ai === undefined ? undefined : PRIMARY_KEYS[ai]
    if (ai === undefined || key === undefined) continue
    let value = segments[i + 1] as string
    // GTIN-8, -12 and -13 are written padded to 14 digits in the canonical form.
    const padded = ai === '01' && /^(\d{8}|\d{12}|\d{13})$/.test(value)
    if (padded) value = value.padStart(14, '0')
    const rest = segments.slice(i + 2)
    if (rest.length % 2 !== 0) continue
    const qualifiers = new Map<string, string>()
    let qualifiersOk = true
    for (let q = 0; q < rest.length; q += 2) {
      const qai = aiOf(rest[q] as string)
      if (qai === undefined || !QUALIFIER_AIS.has(qai) || (rest[q + 1] ?? '') === '') qualifiersOk = false
      else qualifiers.set(qai, rest[q + 1] as string)
    }
    if (!qualifiersOk || !key.shape.test(value)) continue
    if (key.checked > 0 && !hasValidCheckDigit(value.slice(0, key.checked))) {
      if (written === ai && !padded) return { canonical: null, problem: `GS1 key (AI ${ai}) ${value} has a wrong check digit` }
      continue
    }
    const kept = key.qualifiers.find((qai) => qualifiers.has(qai))
    const canonical = `${CANONICAL_BASE}/${ai}/${value}${kept === undefined ? '' : `/${kept}/${qualifiers.get(kept) as string}`}`
    return { canonical, problem: null }
  }
  return { canonical: null, problem: null }
}

/** The EPC URI, class URI or pattern URI as a canonical Digital Link; `problem` when it is malformed. */
export function parseEpcUri (uri: string): DigitalLinkResult {
  const match = /^urn:epc:(id|class|idpat):([a-z0-9]+):(.*)$/.exec(uri)
  if (match === null) return { canonical: null, problem: null }
  const [, kind, scheme = '', body = ''] = match
  const fields = body.split('.')
  let path: string | null | undefined
  if (kind === 'id') {
    if (OTHER_EPC_SCHEMES.has(scheme) && EPC_SCHEMES[scheme] === undefined) return { canonical: null, problem: null }
    path = EPC_SCHEMES[scheme]?.(fields)
  } else if (kind === 'class') {
    if (scheme !== 'lgtin') return { canonical: null, problem: null }
    const split = splitPrefixed(`${fields[0]}.${fields[1]}`, 13)
    const lot = fields.slice(2).join('.')
    path = split === null || !serialOk(lot, 20) ? null : `/01/${gtinOf(...split)}/10/${encodeDigitalLinkValue(lot)}`
  } else {
    if (fields.at(-1) !== '*') return { canonical: null, problem: null }
    path = PATTERN_SCHEMES[scheme]?.(fields.slice(0, -1))
  }
  if (path === undefined) return { canonical: null, problem: null }
  if (path === null) return { canonical: null, problem: `is not a valid urn:epc:${kind}:${scheme} URI (GS1 EPC Tag Data Standard)` }
  return { canonical: CANONICAL_BASE + path, problem: null }
}

/** Any URI that names a GS1 key, in its constrained canonical Digital Link form; other URIs unchanged. */
export function canonicalIdentifier (uri: string): string {
  if (uri.startsWith('urn:epc:')) return parseEpcUri(uri).canonical ?? uri
  if (/^https?:/i.test(uri)) return parseDigitalLink(uri).canonical ?? uri
  return uri
}

/** The longest URI accepted, in UTF-8 bytes: far above any real identifier, and within what an index entry holds. */
export const MAX_URI_BYTES = 2000

/** Why a URI is too long to store and index, or null. */
export function uriLengthProblem (uri: string): string | null {
  return Buffer.byteLength(uri, 'utf8') > MAX_URI_BYTES ? `is longer than ${MAX_URI_BYTES} bytes` : null
}

/** Why an identifier is not acceptable, or null: any absolute URI, but GS1 ones must be well formed. */
export function checkIdentifier (uri: string): string | null {
  const tooLong = uriLengthProblem(uri)
  if (tooLong !== null) return tooLong
  if (!isAbsoluteUri(uri)) return 'is not an absolute URI (an EPC URI, a GS1 Digital Link URI or another URI)'
  if (uri.startsWith('urn:epc:')) return parseEpcUri(uri).problem
  if (/^https?:/i.test(uri)) return parseDigitalLink(uri).problem
  return null
}

/** RFC 3986 absolute URI (`scheme:rest`), without whitespace or characters a URI never holds. */
export function isAbsoluteUri (value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/.test(value)
}
