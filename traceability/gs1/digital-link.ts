import { computeCheckDigit } from './check-digit.js'

/**
 * GS1 Digital Link URIs (GS1 Digital Link Standard 1.x, §4) for the two keys Afterline uses:
 * items `/01/{gtin}[/10/{lot}]/21/{serial}` and logistic units `/00/{sscc}`, on any resolver host.
 * EPC pure-identity URNs (`urn:epc:id:sgtin:…`, `urn:epc:id:sscc:…`, GS1 EPC Tag Data Standard §6)
 * are read too, because partners' EPCIS documents use them.
 *
 * Parsing only checks the structure; whether the GTIN's check digit holds is a separate, named
 * check of the scan pipeline, so that a wrong check digit is reported as such.
 */
export type ParsedCode =
  | { kind: 'item', gtin: string, lot: string | null, serial: string }
  | { kind: 'sscc', sscc: string }

export type ParseResult = { ok: true, code: ParsedCode } | { ok: false, reason: string }

/** GS1 AI 10 and AI 21 values: 1–20 characters of the GS1 "CSET 82" set (GS1 Gen Specs §7.11). */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/
const MAX_INPUT = 512

function decode (segment: string): string | null {
  if (!segment.includes('%')) return segment
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

export function parseCode (input: string): ParseResult {
  const text = input.trim()
  if (text.length === 0) return { ok: false, reason: 'the code is empty' }
  if (text.length > MAX_INPUT) return { ok: false, reason: `the code is longer than ${MAX_INPUT} characters` }
  if (/^\d{18}$/.test(text)) return { ok: true, code: { kind: 'sscc', sscc: text } }
  if (text.startsWith('urn:epc:id:')) return parseEpcUrn(text)

  let path: string
  if (text.startsWith('/')) {
    path = text
  } else {
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return { ok: false, reason: 'not a GS1 Digital Link URI' }
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `scheme ${url.protocol} is not http(s)` }
    path = url.pathname
  }
  path = path.split(/[?#]/)[0] ?? ''
  const parts = path.split('/').filter((part) => part !== '')
  // A resolver may serve Digital Link under a path prefix; the primary key starts the GS1 part.
  const start = parts.findIndex((part) => part === '01' || part === '00')
  if (start < 0) return { ok: false, reason: 'no GS1 primary key (/01/ GTIN or /00/ SSCC) in the path' }
  const segments = parts.slice(start).map(decode)
  if (segments.some((s) => s === null)) return { ok: false, reason: 'the path has invalid percent-encoding' }
  const [ai, key, ...rest] = segments as string[]

  if (ai === '00') {
    if (key === undefined || !/^\d{18}$/.test(key)) return { ok: false, reason: 'an SSCC has 18 digits' }
    if (rest.length > 0) return { ok: false, reason: 'an SSCC takes no key qualifiers' }
    return { ok: true, code: { kind: 'sscc', sscc: key } }
  }
  if (key === undefined || !/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(key)) return { ok: false, reason: 'a GTIN has 8, 12, 13 or 14 digits' }
  let lot: string | null = null
  let serial: string | null = null
  // Key qualifiers of AI 01 come in the order 22, 10, 21 (GS1 Digital Link §4.5); we accept 10 then 21.
  for (let i = 0; i < rest.length; i += 2) {
    const qualifier = rest[i] as string
    const value = rest[i + 1]
    if (value === undefined) return { ok: false, reason: `AI ${qualifier} has no value` }
    if (qualifier === '10' && lot === null && serial === null) {
      if (!CSET82.test(value)) return { ok: false, reason: 'the lot (AI 10) must be 1–20 GS1 CSET 82 characters' }
      lot = value
    } else if (qualifier === '21' && serial === null) {
      if (!CSET82.test(value)) return { ok: false, reason: 'the serial (AI 21) must be 1–20 GS1 CSET 82 characters' }
      serial = value
    } else {
      return { ok: false, reason: `unexpected key qualifier /${qualifier}/ (expected /10/ lot then /21/ serial)` }
    }
  }
  if (serial === null) return { ok: false, reason: 'no serial number (/21/): the code names a product, not an item' }
  return { ok: true, code: { kind: 'item', gtin: key.padStart(14, '0'), lot, serial } }
}

function parseEpcUrn (text: string): ParseResult {
  const sgtin = /^urn:epc:id:sgtin:(\d{6,12})\.(\d{1,7})\.(.{1,20})$/.exec(text)
  if (sgtin !== null) {
    const [, prefix, itemRef, serial] = sgtin as unknown as [string, string, string, string]
    if (prefix.length + itemRef.length !== 13) return { ok: false, reason: 'an SGTIN URN has 13 digits of company prefix and item reference' }
    const data = `${itemRef[0]}${prefix}${itemRef.slice(1)}`
    const decoded = decode(serial)
    if (decoded === null || !CSET82.test(decoded)) return { ok: false, reason: 'the SGTIN serial must be 1–20 GS1 CSET 82 characters' }
    return { ok: true, code: { kind: 'item', gtin: `${data}${computeCheckDigit(data)}`, lot: null, serial: decoded } }
  }
  const sscc = /^urn:epc:id:sscc:(\d{6,12})\.(\d{5,11})$/.exec(text)
  if (sscc !== null) {
    const [, prefix, serialRef] = sscc as unknown as [string, string, string]
    if (prefix.length + serialRef.length !== 17) return { ok: false, reason: 'an SSCC URN has 17 digits of company prefix and serial reference' }
    const data = `${serialRef[0]}${prefix}${serialRef.slice(1)}`
    return { ok: true, code: { kind: 'sscc', sscc: `${data}${computeCheckDigit(data)}` } }
  }
  return { ok: false, reason: 'only sgtin and sscc EPC URNs name items and logistic units' }
}

/** `https://{resolver}/01/{gtin}/10/{lot}/21/{serial}` (the lot segment only when there is one). */
export function formatItemUri (resolver: string, gtin: string, lot: string | null, serial: string): string {
  const lotPart = lot === null ? '' : `/10/${encodeURIComponent(lot)}`
  return `https://${resolver}/01/${gtin}${lotPart}/21/${encodeURIComponent(serial)}`
}

export function formatSsccUri (resolver: string, sscc: string): string {
  return `https://${resolver}/00/${sscc}`
}

/** The identity of an item regardless of resolver host and lot: GTIN + serial (GS1 Digital Link §4.3). */
export function itemKey (gtin: string, serial: string): string {
  return `${gtin}/${serial}`
}
