import t from 'tap'
import { computeCheckDigit, hasValidCheckDigit } from '../../traceability/gs1/check-digit.js'
import { formatItemUri, formatSsccUri, parseCode } from '../../traceability/gs1/digital-link.js'
import { completeGtin, parseGtin } from '../../traceability/gs1/gtin.js'
import { composeSscc, isValidSscc } from '../../traceability/gs1/sscc.js'

t.test('GS1 check digits (GS1 General Specifications §7.9.1 examples)', async (t) => {
  t.equal(computeCheckDigit('629104150021'), 3, 'GTIN-13 6291041500213')
  t.equal(computeCheckDigit('0950600013435'), 2, 'GTIN-14 09506000134352 (GS1 Digital Link example)')
  t.equal(computeCheckDigit('10614141234567890'), 8, 'SSCC 106141412345678908 (Tag Data Standard example)')
  t.ok(hasValidCheckDigit('09506000134352'))
  t.notOk(hasValidCheckDigit('09506000134353'))
  t.notOk(hasValidCheckDigit('0950600013435X'))
})

t.test('GTINs are padded to 14 digits and checked', async (t) => {
  t.same(parseGtin('6291041500213'), { gtin: '06291041500213' })
  t.same(parseGtin('09506000134352'), { gtin: '09506000134352' })
  t.same(parseGtin('09506000134353'), { problem: 'check_digit' })
  t.same(parseGtin('123'), { problem: 'format' })
  t.equal(completeGtin('0950600013435'), '09506000134352')
  t.throws(() => completeGtin('12'), TypeError)
})

t.test('SSCCs are composed from extension digit, company prefix and serial reference', async (t) => {
  t.equal(composeSscc(0, '3765432', 1), '037654320000000017')
  t.equal(composeSscc(1, '0614141', 234567890), '106141412345678908')
  t.ok(isValidSscc('106141412345678908'))
  t.notOk(isValidSscc('106141412345678907'))
  t.throws(() => composeSscc(0, '3765432', 1e10), RangeError)
  t.throws(() => composeSscc(10, '3765432', 1), RangeError)
})

t.test('Digital Link URIs: items with and without lot, SSCCs, on any resolver', async (t) => {
  const item = { kind: 'item', gtin: '09506000134352', lot: 'ABC1', serial: 'XYZ-9' }
  t.same(parseCode('https://id.gs1.org/01/09506000134352/10/ABC1/21/XYZ-9'), { ok: true, code: item })
  t.same(parseCode('https://example.com/some/prefix/01/09506000134352/10/ABC1/21/XYZ-9?linkType=all'), { ok: true, code: item })
  t.same(parseCode('/01/9506000134352/21/XYZ-9'), { ok: true, code: { ...item, lot: null } }, 'GTIN-13 padded, path only')
  t.same(parseCode('https://r.example/01/09506000134352/21/A%2FB'), { ok: true, code: { ...item, lot: null, serial: 'A/B' } }, 'percent-encoded serial')
  t.same(parseCode('https://r.example/00/037654321000000012'), { ok: true, code: { kind: 'sscc', sscc: '037654321000000012' } })
  t.same(parseCode('037654321000000012'), { ok: true, code: { kind: 'sscc', sscc: '037654321000000012' } })
  t.equal(formatItemUri('r.example', '09506000134352', 'ABC1', 'XYZ-9'), 'https://r.example/01/09506000134352/10/ABC1/21/XYZ-9')
  t.equal(formatItemUri('r.example', '09506000134352', null, 'A/B'), 'https://r.example/01/09506000134352/21/A%2FB')
  t.equal(formatSsccUri('r.example', '037654321000000012'), 'https://r.example/00/037654321000000012')
})

t.test('EPC URNs from partners map to the same keys (Tag Data Standard §6.3.1, §6.3.2)', async (t) => {
  t.same(parseCode('urn:epc:id:sgtin:0614141.812345.6789'), { ok: true, code: { kind: 'item', gtin: '80614141123458', lot: null, serial: '6789' } })
  t.same(parseCode('urn:epc:id:sscc:0614141.1234567890'), { ok: true, code: { kind: 'sscc', sscc: '106141412345678908' } })
})

t.test('malformed codes say what is wrong', async (t) => {
  const reason = (code: string) => { const r = parseCode(code); return r.ok ? 'ok' : r.reason }
  t.equal(reason(''), 'the code is empty')
  t.equal(reason('hello'), 'not a GS1 Digital Link URI')
  t.equal(reason('ftp://x/01/09506000134352/21/1'), 'scheme ftp: is not http(s)')
  t.equal(reason('https://x/products/42'), 'no GS1 primary key (/01/ GTIN or /00/ SSCC) in the path')
  t.equal(reason('https://x/01/123/21/1'), 'a GTIN has 8, 12, 13 or 14 digits')
  t.equal(reason('https://x/01/09506000134352'), 'no serial number (/21/): the code names a product, not an item')
  t.equal(reason('https://x/01/09506000134352/21/'), 'AI 21 has no value')
  t.equal(reason('https://x/01/09506000134352/21/ABCDEFGHIJKLMNOPQRSTU'), 'the serial (AI 21) must be 1–20 GS1 CSET 82 characters')
  t.equal(reason('https://x/01/09506000134352/21/1/10/L'), 'unexpected key qualifier /10/ (expected /10/ lot then /21/ serial)')
  t.equal(reason('https://x/01/09506000134352/21/%E0%A4%A'), 'the path has invalid percent-encoding')
  t.equal(reason('https://x/00/12345'), 'an SSCC has 18 digits')
  t.equal(reason('urn:epc:id:giai:0614141.1'), 'only sgtin and sscc EPC URNs name items and logistic units')
  t.equal(reason('x'.repeat(600)), 'the code is longer than 512 characters')
})
