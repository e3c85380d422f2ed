import { computeCheckDigit, hasValidCheckDigit } from './check-digit.js'

/**
 * SSCC (AI 00, GS1 General Specifications §2.2.1): extension digit + GS1 company prefix + serial
 * reference = 17 digits, then the check digit. Identifies one logistic unit (a case, a pallet).
 */
export function isValidSscc (text: string): boolean {
  return /^\d{18}$/.test(text) && hasValidCheckDigit(text)
}

export function composeSscc (extensionDigit: number, companyPrefix: string, serialReference: number): string {
  if (!Number.isInteger(extensionDigit) || extensionDigit < 0 || extensionDigit > 9) throw new RangeError('extensionDigit must be 0–9')
  if (!/^\d{6,12}$/.test(companyPrefix)) throw new RangeError('companyPrefix must be 6–12 digits')
  const width = 16 - companyPrefix.length
  const reference = String(serialReference)
  if (!Number.isSafeInteger(serialReference) || serialReference < 0 || reference.length > width) {
    throw new RangeError(`serialReference must fit in ${width} digits for a ${companyPrefix.length}-digit company prefix`)
  }
  const data = `${extensionDigit}${companyPrefix}${reference.padStart(width, '0')}`
  return `${data}${computeCheckDigit(data)}`
}
