import { computeCheckDigit, hasValidCheckDigit } from './check-digit.js'

export type GtinProblem = 'format' | 'check_digit'

/**
 * A GTIN-8, -12, -13 or -14 as GTIN-14 (left-padded with zeros, GS1 Digital Link §4.3 uses the
 * 14-digit form in canonical URIs), or the reason it is not one.
 */
export function parseGtin (text: string): { gtin: string } | { problem: GtinProblem } {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(text)) return { problem: 'format' }
  const gtin = text.padStart(14, '0')
  return hasValidCheckDigit(gtin) ? { gtin } : { problem: 'check_digit' }
}

/** Append the check digit to 13 data digits (tests, simulators). */
export function completeGtin (thirteenDigits: string): string {
  if (!/^\d{13}$/.test(thirteenDigits)) throw new TypeError(`a GTIN-14 needs 13 data digits, got ${JSON.stringify(thirteenDigits)}`)
  return `${thirteenDigits}${computeCheckDigit(thirteenDigits)}`
}
