import t from 'tap'
import { createCatalogSnapshot } from '../../traceability/catalog/catalog-snapshot.js'
import type { Organisation, Territory } from '../../traceability/index.js'
import { createSerialGenerator, DEFAULT_CHECK_RULES, parseCode } from '../../traceability/index.js'
import { applyScan, movedTheItem, runChecks } from '../../traceability/scans/scan-pipeline.js'
import type { PipelineOutcome } from '../../traceability/scans/scan-pipeline.js'
import { createInitialState } from '../../traceability/scans/scan-types.js'
import type { IssuedItem, ItemState, ScanRequest } from '../../traceability/scans/scan-types.js'
import { BEIJING, GTIN, HANGZHOU, HEFEI, LINKS, NANJING, ORGS, WENZHOU } from './fixtures.js'

const KEY = 'checks-test-key-checks-test-key-'
const generator = createSerialGenerator(KEY)
const created = new Date('2026-01-01T00:00:00Z')
const catalog = createCatalogSnapshot(1,
  [{ gtin: GTIN, name: 'Oil filter', partNumber: 'OF-1', unit: 'piece', createdAt: created }],
  ORGS.map((o) => ({ gln: null, ...o, territory: ('territory' in o ? o.territory : null) as Territory | null, createdAt: created, updatedAt: created }) as Organisation),
  LINKS.map(([supplierId, customerId]) => ({ supplierId, customerId, gtins: null, createdAt: created })))

const day = (n: number, hour = 0) => new Date(Date.UTC(2026, 10, n, hour))

/** One item and its state, scanned step by step through the pure pipeline. */
function item (options: { issued?: boolean } = {}) {
  const [serial] = generator.generate(GTIN, 1) as [string]
  const issued: IssuedItem = { serial, gtin: GTIN, lot: 'L1', batchId: 1, batchStatus: 'issued', issuedAt: created }
  let state: ItemState = createInitialState(issued)
  const code = `https://r.example/01/${GTIN}/10/L1/21/${serial}`
  const scan = (partial: Partial<ScanRequest> & Pick<ScanRequest, 'action' | 'at'>, scannedCode = code): PipelineOutcome => {
    const request: ScanRequest = {
      requestId: '00000000-0000-4000-8000-000000000001', code: scannedCode, orgId: null, toOrgId: null, deviceId: null, workOrderId: null,
      location: null, actorRole: 'org_staff', actorUserId: 'u1', consumerId: null, source: 'api', eventId: null, ...partial
    }
    const parsed = parseCode(request.code)
    const where = request.location ?? (request.orgId === null ? null : catalog.org(request.orgId)?.location ?? null)
    const outcome = runChecks({
      scan: request,
      where,
      parsed: parsed.ok && parsed.code.kind === 'item' ? { ok: true, ...parsed.code } : { ok: false, reason: parsed.ok ? 'an SSCC' : parsed.reason },
      issued: options.issued === false ? null : issued,
      state,
      catalog,
      rules: DEFAULT_CHECK_RULES,
      hasValidTag: generator.hasValidTag
    })
    if (outcome.result !== 'rejected') state = applyScan(state, request, where, outcome, catalog)
    return outcome
  }
  return { serial, code, scan, state: () => state }
}

/** Through the channel to a store shelf in Wenzhou (Zhejiang dealer's territory). */
function stocked () {
  const it = item()
  it.scan({ action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: day(1) })
  it.scan({ action: 'receive', orgId: 'dist-east', at: day(2) })
  it.scan({ action: 'ship', orgId: 'dist-east', toOrgId: 'dealer-zj', at: day(3) })
  it.scan({ action: 'receive', orgId: 'dealer-zj', at: day(4) })
  it.scan({ action: 'ship', orgId: 'dealer-zj', toOrgId: 'store-wenzhou', at: day(5) })
  it.scan({ action: 'receive', orgId: 'store-wenzhou', at: day(6) })
  return it
}

/** The checks every scan of a genuine, issued code of the fixture item passes first. */
const GENUINE_CODE_CHECKS = [
  { name: 'code_format', passed: true, detail: 'a GS1 Digital Link URI with GTIN and serial' },
  { name: 'gtin_check_digit', passed: true, detail: `GTIN ${GTIN} has a valid check digit` },
  { name: 'serial_signature', passed: true, detail: 'the serial carries a valid key tag' },
  { name: 'code_issued', passed: true, detail: 'issued in batch 1, lot L1 for Oil filter' }
]

const names = (outcome: PipelineOutcome) => outcome.checks.map((c) => `${c.name}:${c.passed ? 'ok' : 'FAIL'}`)

t.test('an honest journey passes every check, in order, and moves the item', async (t) => {
  const it = item()
  const first = it.scan({ action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: day(1) })
  t.same(first, {
    result: 'ok',
    alerts: [],
    moves: true,
    checks: [
      ...GENUINE_CODE_CHECKS,
      { name: 'not_sold_or_installed', passed: true, detail: 'item is issued' },
      { name: 'custody_holder', passed: true, detail: 'first shipment, from factory factory-ningbo' },
      { name: 'channel_authorised', passed: true, detail: 'factory-ningbo may supply dist-east with this product' }
    ]
  })
  it.scan({ action: 'receive', orgId: 'dist-east', at: day(2) })
  it.scan({ action: 'ship', orgId: 'dist-east', toOrgId: 'dealer-zj', at: day(3) })
  it.scan({ action: 'receive', orgId: 'dealer-zj', at: day(4) })
  it.scan({ action: 'ship', orgId: 'dealer-zj', toOrgId: 'store-wenzhou', at: day(5) })
  it.scan({ action: 'receive', orgId: 'store-wenzhou', at: day(6) })
  const sale = it.scan({ action: 'sell', orgId: 'store-wenzhou', at: day(7) })
  t.same(names(sale), ['code_format:ok', 'gtin_check_digit:ok', 'serial_signature:ok', 'code_issued:ok', 'not_sold_or_installed:ok', 'travel_speed:ok', 'seller_in_channel:ok', 'custody_holder:ok', 'territory:ok'])
  const verified = it.scan({ action: 'verify', actorRole: 'consumer', consumerId: 'consumer-1', location: WENZHOU, at: day(8) })
  t.same(names(verified), ['code_format:ok', 'gtin_check_digit:ok', 'serial_signature:ok', 'code_issued:ok', 'travel_speed:ok', 'consumer_verifications:ok', 'custody_channel:ok', 'territory:ok'])
  t.same(verified.checks.find((c) => c.name === 'custody_channel'), { name: 'custody_channel', passed: true, detail: 'released into the channel by factory-ningbo' })
  const state = it.state()
  t.same({ status: state.status, path: state.channelPath, soldBy: state.soldBy, first: state.firstVerifiedAt, count: state.consumerVerifications },
    { status: 'sold', path: ['factory-ningbo', 'dist-east', 'dealer-zj', 'store-wenzhou'], soldBy: 'store-wenzhou', first: day(8), count: 1 })
})

t.test('counterfeit: malformed, wrong check digit, forged serial, not issued — each rejected with its reason', async (t) => {
  const it = item()
  const malformed = it.scan({ action: 'verify', actorRole: 'consumer', at: day(1) }, 'https://r.example/01/09506000134352')
  t.same(malformed, {
    result: 'rejected', moves: false,
    checks: [{ name: 'code_format', passed: false, detail: 'malformed code: no serial number (/21/): the code names a product, not an item' }],
    alerts: [{ type: 'counterfeit', reason: 'malformed code: no serial number (/21/): the code names a product, not an item', orgId: null }]
  })
  const wrongDigit = it.scan({ action: 'verify', actorRole: 'consumer', at: day(1) }, it.code.replace(`/01/${GTIN}/`, '/01/09506000134353/'))
  t.same(names(wrongDigit), ['code_format:ok', 'gtin_check_digit:FAIL'])
  t.equal(wrongDigit.alerts[0]?.type, 'counterfeit')
  const forgedSerial = it.serial.slice(0, 16) + (it.serial.endsWith('0000') ? '1111' : '0000')
  const forged = it.scan({ action: 'verify', actorRole: 'consumer', at: day(1) }, it.code.replace(it.serial, forgedSerial))
  t.same(forged.checks[2], { name: 'serial_signature', passed: false, detail: `forged serial: ${forgedSerial} does not carry the brand's key tag` })
  t.equal(forged.result, 'rejected')
  const neverIssued = item({ issued: false })
  const missing = neverIssued.scan({ action: 'verify', actorRole: 'consumer', at: day(1) })
  t.same(missing.checks[3], { name: 'code_issued', passed: false, detail: `serial ${neverIssued.serial} was never issued` })
  const wrongLot = it.scan({ action: 'verify', actorRole: 'consumer', at: day(1) }, it.code.replace('/10/L1/', '/10/L2/'))
  t.same(wrongLot.checks[3], { name: 'code_issued', passed: false, detail: `serial ${it.serial} was issued in lot L1, the code says lot L2` })
  t.equal(it.state().scans, 0, 'rejected scans never move the item')
})

t.test('clone: two places faster than travel allows', async (t) => {
  const it = stocked()
  it.scan({ action: 'sell', orgId: 'store-wenzhou', at: day(7) })
  it.scan({ action: 'verify', actorRole: 'consumer', consumerId: 'c1', location: WENZHOU, at: day(8, 10) })
  const far = it.scan({ action: 'verify', actorRole: 'consumer', consumerId: 'c2', location: BEIJING, at: day(8, 11) })
  t.same(far.alerts.map((a) => a.type), ['clone'])
  t.match(far.checks.at(-1), { name: 'travel_speed', passed: false, detail: /km from the last scan .* km\/h is faster than 900 km\/h/ })
  t.equal(far.moves, false)
  t.same(it.state().lastLocation, WENZHOU, 'the copy does not become the last known place')
  t.notOk(far.checks.some((c) => c.name === 'territory'), 'territory is not judged on a copy')
})

t.test('clone: verified by more consumers than one item has', async (t) => {
  const it = stocked()
  it.scan({ action: 'sell', orgId: 'store-wenzhou', at: day(7) })
  const results = ['c1', 'c2', 'c3', 'c4'].map((consumerId, i) =>
    it.scan({ action: 'verify', actorRole: 'consumer', consumerId, location: WENZHOU, at: day(8 + i) }))
  t.same(results.map((r) => r.result), ['ok', 'ok', 'ok', 'warning'])
  t.same(results[3]?.checks.at(-1), { name: 'consumer_verifications', passed: false, detail: 'verified by 4 different consumers; one item has at most 3' })
  const again = Array.from({ length: 20 }, (_, i) => it.scan({ action: 'verify', actorRole: 'consumer', consumerId: 'c1', location: WENZHOU, at: day(12, i) }))
  t.same(again.at(-1)?.checks.at(-1)?.detail, 'verified by consumers 24 times; one item is rarely verified more than 20 times')
})

t.test('clone: scanned into the supply chain again after it was sold or fitted', async (t) => {
  const it = stocked()
  it.scan({ action: 'sell', orgId: 'store-wenzhou', at: day(7) })
  const received = it.scan({ action: 'receive', orgId: 'store-suzhou', at: day(9) })
  t.same(names(received), ['code_format:ok', 'gtin_check_digit:ok', 'serial_signature:ok', 'code_issued:ok', 'not_sold_or_installed:FAIL'])
  t.same(received.alerts, [{ type: 'clone', reason: `scanned for receive after it was sold on ${day(7).toISOString()}`, orgId: 'store-suzhou' }])
  const fitted = item()
  fitted.scan({ action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: day(1) })
  fitted.scan({ action: 'receive', orgId: 'dist-east', at: day(2) })
  fitted.scan({ action: 'install', deviceId: 'machine-1', actorRole: 'engineer', at: day(3) })
  const twice = fitted.scan({ action: 'install', deviceId: 'machine-2', actorRole: 'engineer', at: day(4) })
  t.equal(twice.alerts[0]?.type, 'clone')
  t.match(twice.checks.at(-1)?.detail, /already fitted to machine machine-1/)
  const same = fitted.scan({ action: 'install', deviceId: 'machine-1', actorRole: 'engineer', at: day(5) })
  t.equal(same.result, 'ok', 'recording the same fitting again is not a clone')
})

t.test('diversion: received outside the channel it was shipped into', async (t) => {
  const it = item()
  it.scan({ action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: day(1) })
  it.scan({ action: 'receive', orgId: 'dist-east', at: day(2) })
  it.scan({ action: 'ship', orgId: 'dist-east', toOrgId: 'dealer-zj', at: day(3) })
  const elsewhere = it.scan({ action: 'receive', orgId: 'dealer-ah', at: day(4) })
  t.same(names(elsewhere), ['code_format:ok', 'gtin_check_digit:ok', 'serial_signature:ok', 'code_issued:ok', 'not_sold_or_installed:ok', 'travel_speed:ok', 'custody_shipped:ok', 'received_by_consignee:FAIL', 'channel_authorised:FAIL'])
  t.same(elsewhere.alerts, [{ type: 'diversion', reason: 'shipped to dealer-zj but received by dealer-ah; received outside the channel: dealer-ah is not an authorised customer of dist-east for GTIN 09506000134352', orgId: 'dealer-zj' }])
  t.same(it.state().channelPath, ['factory-ningbo', 'dist-east'], 'a diverted receive does not join the authorised path')
  const sold = it.scan({ action: 'sell', orgId: 'dealer-ah', at: day(5) })
  t.same(sold.checks.filter((c) => !c.passed).map((c) => c.name), ['seller_in_channel', 'territory'],
    'the diverted holder sells: outside the channel of dist-east, and outside its territory (it holds the item, so custody passes)')
})

t.test('diversion: sold by an organisation outside the channel, and outside the territory', async (t) => {
  const it = stocked()
  const otherChannel = it.scan({ action: 'sell', orgId: 'store-wuhu', at: day(7) })
  t.same(otherChannel.checks.filter((c) => !c.passed).map((c) => c.detail), [
    'sold outside the channel: shipped into the channel of store-wenzhou, sold by store-wuhu',
    'sold by store-wuhu, which never received it (held by store-wenzhou)',
    'sold by store-wuhu at (31.3300, 118.3800), outside the territory of dealer-zj (Zhejiang dealer)'
  ])
  t.same(otherChannel.alerts.map((a) => a.type), ['diversion', 'custody'])
  const onlineSale = stocked()
  const shippedAway = onlineSale.scan({ action: 'sell', orgId: 'store-wenzhou', location: NANJING, at: day(7) })
  t.same(shippedAway.checks.filter((c) => !c.passed).map((c) => c.name), ['territory'])
})

t.test('diversion: consumers verify outside the receiving organisation\'s territory', async (t) => {
  const it = stocked()
  it.scan({ action: 'sell', orgId: 'store-wenzhou', at: day(7) })
  const away = it.scan({ action: 'verify', actorRole: 'consumer', consumerId: 'c1', location: HEFEI, at: day(10) })
  t.same(away.alerts, [{ type: 'diversion', reason: 'verified by a consumer at (31.8200, 117.2300), outside the territory of dealer-zj (Zhejiang dealer)', orgId: 'dealer-zj' }])
  const home = it.scan({ action: 'verify', actorRole: 'consumer', consumerId: 'c1', location: HANGZHOU, at: day(12) })
  t.equal(home.result, 'ok', 'the territory was judged at the first verification (which raised the alert); later ones are not')
})

t.test('a buyer who verified at home may verify again while travelling', async (t) => {
  const it = stocked()
  it.scan({ action: 'sell', orgId: 'store-wenzhou', at: day(7) })
  t.equal(it.scan({ action: 'verify', actorRole: 'consumer', consumerId: 'c1', location: WENZHOU, at: day(8) }).result, 'ok')
  const trip = it.scan({ action: 'verify', actorRole: 'consumer', consumerId: 'c1', location: HEFEI, at: day(12) })
  t.same(trip.checks.at(-1), { name: 'territory', passed: true, detail: `judged at the first consumer verification (${day(8).toISOString()}); the buyer may travel since` })
  t.equal(trip.result, 'ok')
})

t.test('custody: receive without a matching ship, ship of something never received', async (t) => {
  const it = item()
  const received = it.scan({ action: 'receive', orgId: 'dist-east', at: day(1) })
  t.same(received.checks.filter((c) => !c.passed), [{ name: 'custody_shipped', passed: false, detail: 'receive without a matching ship: the item is issued' }])
  t.same(received.alerts.map((a) => a.type), ['custody'])
  const other = item()
  const shipped = other.scan({ action: 'ship', orgId: 'dealer-zj', toOrgId: 'store-wenzhou', at: day(1) })
  t.same(shipped.checks.filter((c) => !c.passed), [{ name: 'custody_holder', passed: false, detail: 'dealer-zj ships an item that never left the factory' }])
  const third = item()
  third.scan({ action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: day(1) })
  third.scan({ action: 'receive', orgId: 'dist-east', at: day(2) })
  const notHeld = third.scan({ action: 'ship', orgId: 'dealer-zj', toOrgId: 'store-wenzhou', at: day(3) })
  t.same(notHeld.checks.find((c) => c.name === 'custody_holder'), { name: 'custody_holder', passed: false, detail: 'ship of something never received: dealer-zj ships an item held by dist-east' })
  const unfitted = item()
  t.same(unfitted.scan({ action: 'install', deviceId: 'm1', actorRole: 'engineer', at: day(1) }).checks.at(-1),
    { name: 'custody_channel', passed: false, detail: 'fitted without any hand-over: the part never left the factory' })
})

t.test('a consumer verifying a genuine code that never left the factory is warned, and brand staff get a custody alert', async (t) => {
  const it = item()
  const verified = it.scan({ action: 'verify', actorRole: 'consumer', consumerId: 'c1', location: WENZHOU, at: day(2) })
  t.same(verified, {
    result: 'warning',
    moves: true,
    checks: [
      ...GENUINE_CODE_CHECKS,
      { name: 'consumer_verifications', passed: true, detail: 'consumer verification 1, by 1 consumer(s)' },
      { name: 'custody_channel', passed: false, detail: 'not yet released into the channel: the item never left the factory' }
    ],
    alerts: [{ type: 'custody', reason: 'not yet released into the channel: the item never left the factory', orgId: null }]
  })
  const inFactory = item()
  const staff = inFactory.scan({ action: 'verify', actorRole: 'brand', orgId: 'factory-ningbo', at: day(2) })
  t.same([staff.result, staff.checks.some((c) => c.name === 'custody_channel')], ['ok', false], 'staff checking a label in the factory are not judged on custody')
})

t.test('a scan moved its item unless it was rejected or a clone finding; other warnings were real hand-overs', async (t) => {
  const it = stocked()
  it.scan({ action: 'sell', orgId: 'store-wenzhou', at: day(7) })
  const copy = it.scan({ action: 'receive', orgId: 'store-suzhou', at: day(9) })
  const diverted = stocked().scan({ action: 'sell', orgId: 'store-wuhu', at: day(7) })
  const forged = it.scan({ action: 'verify', actorRole: 'consumer', at: day(9) }, it.code.replace(it.serial, 'FORGED'))
  t.same([copy.result, diverted.result, forged.result], ['warning', 'warning', 'rejected'])
  t.same([movedTheItem(copy), movedTheItem(diverted), movedTheItem(forged)], [copy.moves, diverted.moves, forged.moves])
  t.same([copy.moves, diverted.moves, forged.moves], [false, true, false])
})
