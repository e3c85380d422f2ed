import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { registerDevice } from '../helpers/mqtt.js'
import type { TestPlatform } from '../helpers/platform.js'
import { GTIN, issueCodes } from './fixtures.js'
import { iso, moveToStore, NOW, setup } from './scan-helpers.js'

/** What a careless or hostile client sends: refused with a coded 4xx, or kept out of the checks — never a 500. */

async function staffOf (test: TestPlatform, orgId: string): Promise<string> {
  await test.platform.users.create({ username: `staff-${orgId}`, password: `password-${orgId}`, role: 'org_staff', orgId })
  return (await test.platform.users.login(`staff-${orgId}`, `password-${orgId}`)).token
}

const epcisDocument = (events: unknown[]): Record<string, unknown> => ({
  '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
  type: 'EPCISDocument', schemaVersion: '2.0', creationDate: iso(1), epcisBody: { eventList: events }
})

forEachDriver(t, 'consumers verify parts, not cases: a case code reveals nothing and pays nothing', async (t, driver) => {
  const { test, brand } = await setup(t, driver)
  const codes = await issueCodes(test, brand, 3)
  const box = (await test.request('POST', '/api/containers', { token: brand, body: { kind: 'case', orgId: 'factory-ningbo' } })).body
  await test.request('POST', `/api/containers/${box.sscc as string}/pack`, { token: brand, body: { children: codes } })
  t.equal((await test.request('POST', '/api/reward-rules', { token: brand, body: { trigger: 'consumer_first_verify', amount: 2, shares: { consumer: 1 } } })).status, 201)

  const answer = await test.request('GET', `/api/verify?code=${encodeURIComponent(box.uri)}&consumerId=7d444840-9dc0-11d1-b245-5ffdce74fad2`)
  t.same([answer.status, answer.body.code, answer.body.field], [400, 'TRC_CODE_INVALID', 'query.code'])
  t.notMatch(answer.text, codes[0]!.split('/21/')[1]!, 'no item code in the answer')
  await test.platform.traceability.scans.idle()
  t.equal((await test.platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM trace_reward_ledger')).rows[0]?.n, 0, 'no reward paid')

  // A HEAD (link checkers, previews) is not a verification.
  const head = await test.request('HEAD', `/api/verify?code=${encodeURIComponent(codes[0]!)}`)
  t.equal(head.status, 404)
  t.equal((await test.request('HEAD', `/01/${GTIN}/21/${codes[0]!.split('/21/')[1]!}`)).status, 404)
  const firstLook = await test.request('GET', `/api/verify?code=${encodeURIComponent(codes[0]!)}`)
  t.same([firstLook.status, firstLook.body.verifications], [200, 1], 'the first GET is the first verification')
})

forEachDriver(t, 'organisation staff pack only their own cases, with items they hold; children named twice are packed once', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  const codes = await issueCodes(test, brand, 4)
  const factory = await staffOf(test, 'factory-ningbo')
  const dealer = await staffOf(test, 'dealer-zj')
  const factoryCase = (await test.request('POST', '/api/containers', { token: factory, body: { kind: 'case' } })).body
  t.equal(factoryCase.orgId, 'factory-ningbo')

  const twice = await test.request('POST', `/api/containers/${factoryCase.sscc as string}/pack`, { token: factory, body: { children: [codes[0], codes[0], codes[1]] } })
  t.same([twice.status, twice.body.itemCount], [200, 2], 'a duplicate child is packed once, not a 500')
  const unpackTwice = await test.request('POST', `/api/containers/${factoryCase.sscc as string}/unpack`, { token: factory, body: { children: [codes[1], codes[1]] } })
  t.same([unpackTwice.status, unpackTwice.body.itemCount], [200, 1])

  const foreignCase = await test.request('POST', `/api/containers/${factoryCase.sscc as string}/pack`, { token: dealer, body: { children: [codes[2]] } })
  t.same([foreignCase.status, foreignCase.body.code, foreignCase.body.field], [403, 'TRC_CONTAINER_FORBIDDEN', 'params.sscc'])
  const foreignUnpack = await test.request('POST', `/api/containers/${factoryCase.sscc as string}/unpack`, { token: dealer, body: {} })
  t.same([foreignUnpack.status, foreignUnpack.body.code], [403, 'TRC_CONTAINER_FORBIDDEN'])

  // The dealer's own case, and an item still at the factory: not theirs to pack.
  const dealerCase = (await test.request('POST', '/api/containers', { token: dealer, body: { kind: 'case' } })).body
  const notHeld = await test.request('POST', `/api/containers/${dealerCase.sscc as string}/pack`, { token: dealer, body: { children: [codes[2]] } })
  t.same([notHeld.status, notHeld.body.code, notHeld.body.field], [409, 'TRC_PACK_REFUSED', 'body.children.0'])
  t.match(notHeld.body.message, /not held by your organisation/)
  for (const step of [
    { action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: iso(50) }, { action: 'receive', orgId: 'dist-east', at: iso(40) },
    { action: 'ship', orgId: 'dist-east', toOrgId: 'dealer-zj', at: iso(30) }, { action: 'receive', orgId: 'dealer-zj', at: iso(20) }
  ]) await scan({ code: codes[3], ...step })
  const held = await test.request('POST', `/api/containers/${dealerCase.sscc as string}/pack`, { token: dealer, body: { children: [codes[3]] } })
  t.same([held.status, held.body.itemCount], [200, 1], 'an item the dealer holds is packed')

  // Once the factory's case has reached the dealer, its contents are the dealer's: the dealer unpacks it.
  for (const step of [
    { action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: iso(15) }, { action: 'receive', orgId: 'dist-east', at: iso(12) },
    { action: 'ship', orgId: 'dist-east', toOrgId: 'dealer-zj', at: iso(9) }, { action: 'receive', orgId: 'dealer-zj', at: iso(6) }
  ]) t.equal((await scan({ code: factoryCase.sscc, ...step })).body.result, 'ok')
  const received = await test.request('POST', `/api/containers/${factoryCase.sscc as string}/unpack`, { token: dealer, body: {} })
  t.same([received.status, received.body.itemCount], [200, 0], 'the dealer unpacks the case it received')
})

forEachDriver(t, 'scan ids, install targets, lots and labels are checked before anything is stored', async (t, driver) => {
  const { test, brand, scan } = await setup(t, driver)
  const [code, other] = await issueCodes(test, brand, 2) as [string, string]
  const scanId = '6f1c2b9e-3d4a-4b5c-8d7e-9f0a1b2c3d4e'
  const first = await scan({ code, action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: iso(10), scanId })
  t.equal(first.status, 200)
  const retry = await scan({ code, action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: iso(10), scanId: scanId.toUpperCase() })
  t.same([retry.status, retry.body.replayed], [200, true], 'the same scan id in upper case is a replay, not a 500')

  const engineer = await test.tokenFor('engineer')
  const nowhere = await scan({ code: other, action: 'install', deviceId: '0f8fad5b-d9cb-469f-a165-70867728950e' }, engineer)
  t.same([nowhere.status, nowhere.body.code, nowhere.body.field], [404, 'TRC_SCAN_DEVICE_NOT_FOUND', 'body.deviceId'])
  const machine = await registerDevice(test, 'PUMP-9')
  t.equal((await scan({ code: other, action: 'install', deviceId: machine.id, at: iso(1) }, engineer)).status, 200, 'a registered machine is fine')

  const serial = code.split('/21/')[1] as string
  const wrongLot = await test.request('GET', `/api/parts/${encodeURIComponent(`https://id.example/01/${GTIN}/10/OTHERLOT/21/${serial}`)}/provenance`, { token: engineer })
  t.same([wrongLot.status, wrongLot.body.code], [404, 'TRC_CODE_NOT_FOUND'], 'a code naming another lot is not this part')
  t.equal((await test.request('GET', `/api/parts/${encodeURIComponent(code)}/provenance`, { token: engineer })).status, 200)

  const badGtin = `${GTIN.slice(0, 13)}${(Number(GTIN[13]) + 1) % 10}`
  const label = await test.request('GET', `/api/labels/qr.svg?code=${encodeURIComponent(`https://id.example/01/${badGtin}/21/${serial}`)}`, { token: brand })
  t.same([label.status, label.body.code, label.body.field], [400, 'TRC_CODE_INVALID', 'query.code'])
  const forged = await test.request('GET', `/api/labels/qr.svg?code=${encodeURIComponent(`https://id.example/01/${GTIN}/21/FORGED123`)}`, { token: brand })
  t.same([forged.status, forged.body.code], [400, 'TRC_CODE_INVALID'])
  t.equal((await test.request('GET', `/api/labels/qr.svg?code=${encodeURIComponent(code)}`, { token: brand })).status, 200)

  const tiny = await test.request('POST', '/api/reward-rules', { token: brand, body: { trigger: 'store_receive', amount: 0.001, shares: { store: 1 } } })
  t.same([tiny.status, tiny.body.code, tiny.body.field], [400, 'WEB_VALIDATION', 'body.amount'])
})

forEachDriver(t, 'EPCIS: captured events count as scans only under the capturer\'s own rules; impossible values are refused', async (t, driver) => {
  const { test, brand } = await setup(t, driver)
  const [code, second] = await issueCodes(test, brand, 2) as [string, string]
  const dealer = await staffOf(test, 'dealer-zj')
  const event = (extra: Record<string, unknown>): Record<string, unknown> =>
    ({ type: 'ObjectEvent', eventTime: iso(5), eventTimeZoneOffset: '+08:00', action: 'OBSERVE', epcList: [code], ...extra })
  const captured = await test.request('POST', '/epcis/capture', {
    token: dealer,
    body: epcisDocument([
      event({ bizStep: 'shipping', bizLocation: { id: 'urn:afterline:org:factory-ningbo' }, destinationList: [{ type: 'owning_party', destination: 'urn:afterline:org:dealer-zj' }] }),
      event({ bizStep: 'receiving', epcList: [second], eventTime: new Date(NOW + 3_600_000).toISOString() })
    ])
  })
  t.equal(captured.status, 201, captured.text)
  await test.platform.traceability.scans.idle()
  const scans = await test.platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM trace_scans')
  t.equal(scans.rows[0]?.n, 0, 'a dealer cannot record the factory\'s shipment, nor a receipt an hour ahead')

  const named = { eventID: 'urn:uuid:0a7e1b6c-2d3f-4a5b-8c9d-0e1f2a3b4c5d', bizStep: 'inspecting', bizLocation: { id: 'urn:afterline:org:dealer-zj' } }
  t.equal((await test.request('POST', '/epcis/capture', { token: brand, body: epcisDocument([event(named)]) })).status, 201)
  const same = await test.request('POST', '/epcis/capture', { token: brand, body: epcisDocument([event(named)]) })
  t.same([same.status, same.body.duplicates], [201, 1], 'the same event again is a duplicate')
  const reused = await test.request('POST', '/epcis/capture', { token: brand, body: epcisDocument([event({ ...named, epcList: [second] })]) })
  t.same([reused.status, reused.body.code, reused.body.field], [400, 'TRC_EPCIS_INVALID', '/epcisBody/eventList/0/eventID'], 'an eventID reused for another event is refused, not silently dropped')
  const twiceInOne = await test.request('POST', '/epcis/capture', { token: brand, body: epcisDocument([event({ ...named, eventID: 'urn:uuid:1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9' }), event({ ...named, eventID: 'urn:uuid:1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9', epcList: [second] })]) })
  t.same([twiceInOne.status, twiceInOne.body.field], [400, '/epcisBody/eventList/1/eventID'])
  t.equal((await test.request('GET', `/epcis/events/${encodeURIComponent('urn:uuid:1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9')}`, { token: brand })).status, 404, 'all or nothing: neither is stored')

  const y10k = await test.request('POST', '/epcis/capture', { token: brand, body: epcisDocument([event({ eventTime: '10000-01-01T00:00:00Z' })]) })
  t.equal(y10k.status, 400, 'a year past 9999 is refused')
  t.match(y10k.text, /eventTime/)
  const query = await test.request('GET', '/epcis/events?GE_eventTime=99999-01-01T00:00:00Z', { token: brand })
  t.same([query.status, query.body.code], [400, 'TRC_EPCIS_QUERY_INVALID'])
  const token = Buffer.from(JSON.stringify([9e15, 1, 'eventTime', 'ASC'])).toString('base64url')
  const page = await test.request('GET', `/epcis/events?nextPageToken=${token}`, { token: brand })
  t.same([page.status, page.body.code], [400, 'TRC_EPCIS_QUERY_INVALID'], 'a crafted page token is refused, not a 500')
  const long = await test.request('POST', '/epcis/capture', { token: brand, body: epcisDocument([event({ epcList: [`urn:example:${'x'.repeat(3000)}`] })]) })
  t.equal(long.status, 400, 'a 3000-character identifier is refused')
  t.match(long.text, /longer than 2000 bytes/)
  const deep = await test.request('POST', '/epcis/capture', { token: brand, body: epcisDocument([event({ 'example:x': JSON.parse(`${'['.repeat(500)}${']'.repeat(500)}`) })]) })
  t.equal(deep.status, 400, 'a deeply nested extension is refused before it is hashed')
})
