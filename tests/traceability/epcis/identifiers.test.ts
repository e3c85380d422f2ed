import t from 'tap'
import { canonicalIdentifier, checkIdentifier, computeCheckDigit } from '../../../traceability/epcis/identifiers.js'

// Expected forms from the GS1 Tag Data Standard / Digital Link conversion rules (CBV 2.0 §8.9.2 rules 17, 18).
t.test('EPC URIs of every GS1 scheme become canonical GS1 Digital Link URIs', async (t) => {
  const cases: Array<[string, string]> = [
    ['urn:epc:id:sgtin:6901234.012345.A1001', 'https://id.gs1.org/01/06901234123456/21/A1001'],
    ['urn:epc:id:sgtin:4012345.011111.98%22', 'https://id.gs1.org/01/04012345111118/21/98%22'],
    ['urn:epc:id:sgtin:0614141.812345.6789%2F%26%25%22!%3F()', 'https://id.gs1.org/01/80614141123458/21/6789%2F%26%25%22%21%3F%28%29'],
    ['urn:epc:id:sgtin:415056789012.0.987654', 'https://id.gs1.org/01/04150567890128/21/987654'],
    ['urn:epc:id:sscc:4012345.1112223334', 'https://id.gs1.org/00/140123451122233341'],
    ['urn:epc:id:sgln:4012345.00005.0', 'https://id.gs1.org/414/4012345000054'],
    ['urn:epc:id:sgln:4012345.00005.122', 'https://id.gs1.org/414/4012345000054/254/122'],
    ['urn:epc:id:pgln:4000001.00000', 'https://id.gs1.org/417/4000001000005'],
    ['urn:epc:id:pgln:999999999999.', 'https://id.gs1.org/417/9999999999994'],
    ['urn:epc:id:grai:4012345.00022.334455', 'https://id.gs1.org/8003/04012345000221334455'],
    ['urn:epc:id:giai:4012345.ABC345', 'https://id.gs1.org/8004/4012345ABC345'],
    ['urn:epc:id:gsrn:4012345.0000006765', 'https://id.gs1.org/8018/401234500000067657'],
    ['urn:epc:id:gsrnp:4012345.0000000007', 'https://id.gs1.org/8017/401234500000000074'],
    ['urn:epc:id:gdti:4012345.00009.PO-4711', 'https://id.gs1.org/253/4012345000092PO-4711'],
    ['urn:epc:id:gdti:987659999999..9', 'https://id.gs1.org/253/98765999999929'],
    ['urn:epc:id:cpi:0614141.11111111111111-A%23%2F.1234', 'https://id.gs1.org/8010/061414111111111111111-A%23%2F/8011/1234'],
    ['urn:epc:id:ginc:0614141.xyz47%2F11', 'https://id.gs1.org/401/0614141xyz47%2F11'],
    ['urn:epc:id:gsin:4012345.222333444', 'https://id.gs1.org/402/40123452223334442'],
    ['urn:epc:id:itip:4012345.011111.01.02.987', 'https://id.gs1.org/8006/040123451111180102/21/987'],
    ['urn:epc:id:upui:1234567.098765.51qIgY)%3C%26Jp3*j7SDB', 'https://id.gs1.org/01/01234567987651/235/51qIgY%29%3C%26Jp3%2Aj7SDB'],
    ['urn:epc:class:lgtin:4012345.012345.Lot987', 'https://id.gs1.org/01/04012345123456/10/Lot987'],
    ['urn:epc:idpat:sgtin:4012345.012345.*', 'https://id.gs1.org/01/04012345123456'],
    ['urn:epc:idpat:grai:4012345.99999.*', 'https://id.gs1.org/8003/04012345999990'],
    ['urn:epc:idpat:itip:4012345.012345.01.02.*', 'https://id.gs1.org/8006/040123451234560102']
  ]
  t.same(cases.map(([uri]) => canonicalIdentifier(uri)), cases.map(([, expected]) => expected))
})

t.test('GS1 Digital Link URIs are constrained to id.gs1.org, no query string, finest key level', async (t) => {
  const cases: Array<[string, string]> = [
    ['https://id.gs1.org/01/06901234123456/21/A1001', 'https://id.gs1.org/01/06901234123456/21/A1001'],
    ['https://parts.afterline.example/01/06901234123456/10/LOT-2026-03/21/A1002?17=310301', 'https://id.gs1.org/01/06901234123456/21/A1002'],
    ['https://id.gs1.org/gtin/9780345418913/cpv/344/lot/1223/ser/765tz', 'https://id.gs1.org/01/09780345418913/21/765tz'],
    ['http://us-company.example/01/001122334455/ser/GHB', 'https://id.gs1.org/01/00001122334455/21/GHB'],
    ['https://gs1.test.example.org/prefix/path/01/9780345418913/10/1223', 'https://id.gs1.org/01/09780345418913/10/1223'],
    ['https://example.co.uk/party/4226350800008', 'https://id.gs1.org/417/4226350800008'],
    ['https://id.gs1.org/414/4280000000002/254/12', 'https://id.gs1.org/414/4280000000002/254/12'],
    ['https://fashion.example/8006/040123451234560102/10/Lot-123/21/ser987', 'https://id.gs1.org/8006/040123451234560102/21/ser987'],
    ['https://id.gs1.org/8010/0628165987/8011/9876', 'https://id.gs1.org/8010/0628165987/8011/9876'],
    ['https://dealer.example/work-orders/WO-17', 'https://dealer.example/work-orders/WO-17'],
    ['geo:31.230416,121.473701', 'geo:31.230416,121.473701'],
    ['urn:epc:id:gid:95100000.12345.400', 'urn:epc:id:gid:95100000.12345.400']
  ]
  t.same(cases.map(([uri]) => canonicalIdentifier(uri)), cases.map(([, expected]) => expected))
})

t.test('malformed GS1 identifiers are named; other URIs pass', async (t) => {
  t.same(checkIdentifier('https://id.gs1.org/01/06901234123457/21/A1'), 'GS1 key (AI 01) 06901234123457 has a wrong check digit')
  t.same(checkIdentifier('urn:epc:id:sgtin:6901234.01234.A1'), 'is not a valid urn:epc:id:sgtin URI (GS1 EPC Tag Data Standard)')
  t.same(checkIdentifier('urn:epc:id:sscc:6901234.000000001'), 'is not a valid urn:epc:id:sscc URI (GS1 EPC Tag Data Standard)')
  t.same(checkIdentifier('part 7730'), 'is not an absolute URI (an EPC URI, a GS1 Digital Link URI or another URI)')
  t.same([
    checkIdentifier('urn:uuid:4e5f6a7b-8c9d-4e0f-9a1b-000000000041'),
    checkIdentifier('https://example.com/01/not-a-gtin'),
    checkIdentifier('urn:epc:id:gid:95100000.12345.400'),
    checkIdentifier('urn:afterline:device:GEN-778')
  ], [null, null, null, null])
})

t.test('GS1 check digits (mod 10, weights 3 and 1 from the right)', async (t) => {
  t.same(['0690123412345', '401234500005', '14012345112223334'].map((digits) => computeCheckDigit(digits)), [6, 4, 1])
})

// EPCIS 2.0 (§7.3.3–7.3.5): readPoint, bizLocation, sources, destinations and EPCs of other schemes may be any URI.
t.test('web URIs that only look like Digital Link paths are opaque URIs, kept as they are', async (t) => {
  const opaque = [
    'https://partner.example/loc/123',
    'https://partner.example/loc/7/dock/2',
    'https://partner.example/party/acme-logistics',
    'https://partner.example/party/12345',
    'https://partner.example/00/42',
    'https://partner.example/orders/01/2024',
    'https://partner.example/01/12345678',
    'https://partner.example/414/000123',
    'https://partner.example/gtin/06901234123457',
    'https://partner.example/loc/6954321000025'
  ]
  t.same(opaque.map((uri) => [checkIdentifier(uri), canonicalIdentifier(uri)]), opaque.map((uri) => [null, uri]))
})

t.test('a key written as its AI, with the key\'s full syntax but a wrong check digit, is refused as a broken Digital Link', async (t) => {
  t.same([
    checkIdentifier('https://partner.example/00/169012340000000175'),
    checkIdentifier('https://partner.example/414/6954321000025/254/3'),
    checkIdentifier('https://partner.example/417/4226350800009'),
    checkIdentifier('https://partner.example/prefix/01/09506000134353/21/X1')
  ], [
    'GS1 key (AI 00) 169012340000000175 has a wrong check digit',
    'GS1 key (AI 414) 6954321000025 has a wrong check digit',
    'GS1 key (AI 417) 4226350800009 has a wrong check digit',
    'GS1 key (AI 01) 09506000134353 has a wrong check digit'
  ])
  t.same(canonicalIdentifier('https://partner.example/loc/6954321000024'), 'https://id.gs1.org/414/6954321000024', 'a valid key is a Digital Link in short-name form too')
})
