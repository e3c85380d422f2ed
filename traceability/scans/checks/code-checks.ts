import { hasValidCheckDigit } from '../../gs1/check-digit.js'
import type { CheckStep } from '../scan-types.js'

/**
 * Counterfeit checks: is this a code we issued? Each failure rejects the scan; the first one to fail
 * names the reason (malformed, wrong check digit, forged serial, not issued).
 */
export const checkCodeFormat: CheckStep = ({ parsed }) => parsed.ok
  ? { name: 'code_format', passed: true, detail: 'a GS1 Digital Link URI with GTIN and serial' }
  : { name: 'code_format', passed: false, detail: `malformed code: ${parsed.reason}`, alert: 'counterfeit', reject: true }

export const checkGtinCheckDigit: CheckStep = ({ parsed }) => {
  if (!parsed.ok) return null
  return hasValidCheckDigit(parsed.gtin)
    ? { name: 'gtin_check_digit', passed: true, detail: `GTIN ${parsed.gtin} has a valid check digit` }
    : { name: 'gtin_check_digit', passed: false, detail: `GTIN ${parsed.gtin} has a wrong check digit`, alert: 'counterfeit', reject: true }
}

export const checkSerialSignature: CheckStep = ({ parsed, hasValidTag }) => {
  if (!parsed.ok) return null
  return hasValidTag(parsed.gtin, parsed.serial)
    ? { name: 'serial_signature', passed: true, detail: 'the serial carries a valid key tag' }
    : { name: 'serial_signature', passed: false, detail: `forged serial: ${parsed.serial} does not carry the brand's key tag`, alert: 'counterfeit', reject: true }
}

const notIssued = (detail: string) => ({ name: 'code_issued', passed: false, detail, alert: 'counterfeit' as const, reject: true })

export const checkCodeIssued: CheckStep = ({ parsed, issued, catalog }) => {
  if (!parsed.ok) return null
  if (issued === null) return notIssued(`serial ${parsed.serial} was never issued`)
  if (issued.gtin !== parsed.gtin) return notIssued(`serial ${parsed.serial} was issued for GTIN ${issued.gtin}, not ${parsed.gtin}`)
  if (issued.batchStatus !== 'issued') return notIssued(`serial ${parsed.serial} belongs to batch ${issued.batchId}, which is ${issued.batchStatus}`)
  if (parsed.lot !== null && parsed.lot !== issued.lot) return notIssued(`serial ${parsed.serial} was issued in lot ${issued.lot ?? '(none)'}, the code says lot ${parsed.lot}`)
  const product = catalog.product(issued.gtin)
  return { name: 'code_issued', passed: true, detail: `issued in batch ${issued.batchId}${issued.lot === null ? '' : `, lot ${issued.lot}`} for ${product?.name ?? issued.gtin}` }
}
