/**
 * GS1 mod-10 check digit (GS1 General Specifications §7.9.1): from the rightmost data digit leftwards,
 * weights alternate 3, 1; the check digit brings the weighted sum up to a multiple of ten. The same rule
 * serves GTIN-8/12/13/14, GLN and SSCC.
 */
export function computeCheckDigit (dataDigits: string): number {
  let sum = 0
  for (let i = 0; i < dataDigits.length; i++) {
    const digit = dataDigits.charCodeAt(dataDigits.length - 1 - i) - 48
    sum += digit * (i % 2 === 0 ? 3 : 1)
  }
  return (10 - (sum % 10)) % 10
}

/** True when the last digit of an all-digit key is its GS1 check digit. */
export function hasValidCheckDigit (key: string): boolean {
  if (!/^\d{2,}$/.test(key)) return false
  return computeCheckDigit(key.slice(0, -1)) === key.charCodeAt(key.length - 1) - 48
}
