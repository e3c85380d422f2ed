import { parseCode } from '../gs1/digital-link.js'

const MAX_CODE_CHARS = 512

/**
 * What an alert is about, as one string: an item's GTIN and serial (`01/{gtin}/21/{serial}`, whatever the
 * resolver host or lot on the scanned code), else the code exactly as scanned. One open alert per type
 * and subject.
 */
export function alertSubjectOf (code: string): string {
  const parsed = parseCode(code)
  if (parsed.ok && parsed.code.kind === 'item') return `01/${parsed.code.gtin}/21/${parsed.code.serial}`
  return code.trim().slice(0, MAX_CODE_CHARS)
}
