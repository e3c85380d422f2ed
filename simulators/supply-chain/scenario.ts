import type { Random } from './random.js'
import { createRandom } from './random.js'
import { PROVINCES } from './region.js'
import type { Province } from './region.js'
import { buildWorld, pointNear } from './world.js'
import type { SimOrg, SimWorld } from './world.js'

/** What an event scans: an issued item, a case, a code the counterfeiter made up, or an item's code with a forged lot. */
export type Ref =
  | { item: number }
  | { case: number }
  | { fake: string }
  | { item: number, forgedLot: string }

export type LatLng = { lat: number, lng: number }

/** One thing that happens, `t` hours after the simulation starts. */
export type SimEvent =
  | { t: number, kind: 'pack', case: number, items: number[], orgId: string }
  | { t: number, kind: 'unpack', case: number, orgId: string }
  | { t: number, kind: 'ship', ref: Ref, orgId: string, toOrgId: string }
  | { t: number, kind: 'receive', ref: Ref, orgId: string }
  | { t: number, kind: 'sell', ref: Ref, orgId: string, location: LatLng | null }
  | { t: number, kind: 'install', ref: Ref, deviceId: string, engineer: string }
  | { t: number, kind: 'verify', ref: Ref, location: LatLng, consumerId: string }

export type AnomalyType = 'diversion' | 'counterfeit' | 'clone'

/** Ground truth: what was injected, on which item or code, and how. */
export interface Anomaly {
  type: AnomalyType
  how: string
  ref: Ref
}

export interface Scenario {
  seed: number
  world: SimWorld
  /** Product index of each item, in issue order per product. */
  itemProducts: number[]
  events: SimEvent[]
  truth: Anomaly[]
}

export interface ScenarioOptions {
  seed: number
  items?: number
  caseSize?: number
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * A seeded supply chain: cases leave the factory, pass a distributor and a provincial dealer, items go on
 * to stores and service stations, are sold, verified by their buyers and fitted by engineers. On top,
 * anomalies with their ground truth: diversions (shipped into another dealer's channel, sold for
 * delivery into another province, resold on the grey market), clones (a genuine code copied onto fakes
 * that crowds verify, scanned into a store after its sale, fitted to a second machine) and counterfeits
 * (made-up serials, wrong check digits, malformed codes, a forged lot on a genuine serial).
 */
export function generateScenario (options: ScenarioOptions): Scenario {
  const random = createRandom(options.seed)
  const world = buildWorld()
  const items = options.items ?? 2400
  const caseSize = options.caseSize ?? 20
  const events: SimEvent[] = []
  const truth: Anomaly[] = []
  const org = (id: string): SimOrg => world.orgs.find((o) => o.id === id) as SimOrg
  const province = (id: Province['id']): Province => PROVINCES.find((p) => p.id === id) as Province
  const storesIn = (p: Province['id']) => world.orgs.filter((o) => o.kind === 'store' && o.province === p)
  const otherProvince = (p: Province['id']): Province => random.pick(PROVINCES.filter((q) => q.id !== p))
  const cityIn = (p: Province) => random.pick(p.cities)
  const itemProducts = Array.from({ length: items }, (_, i) => i % world.products.length)

  // Cases of one product each, sent to a province in proportion to its stores.
  const byProduct = world.products.map((_, p) => itemProducts.flatMap((product, i) => product === p ? [i] : []))
  const weighted = PROVINCES.flatMap((p) => Array.from({ length: p.cities.length }, () => p.id))
  type Placed = { item: number, kind: 'store' | 'station', orgId: string, receivedAt: number }
  const placed: Placed[] = []
  let caseNumber = 0
  for (const list of byProduct) {
    for (let start = 0; start < list.length; start += caseSize) {
      const contents = list.slice(start, start + caseSize)
      const id = caseNumber++
      const target = random.pick(weighted)
      const distributor = target === 'shanghai' || target === 'jiangsu' ? 'dist-north' : 'dist-south'
      const dealer = world.dealerOf[target]
      let t = random.between(0, 48)
      events.push({ t, kind: 'pack', case: id, items: contents, orgId: 'factory-ningbo' })
      events.push({ t: t += random.between(1, 24), kind: 'ship', ref: { case: id }, orgId: 'factory-ningbo', toOrgId: distributor })
      events.push({ t: t += random.between(20, 60), kind: 'receive', ref: { case: id }, orgId: distributor })
      events.push({ t: t += random.between(10, 48), kind: 'ship', ref: { case: id }, orgId: distributor, toOrgId: dealer })
      events.push({ t: t += random.between(20, 48), kind: 'receive', ref: { case: id }, orgId: dealer })
      events.push({ t: t += random.between(2, 24), kind: 'unpack', case: id, orgId: dealer })
      const unpackedAt = t
      for (const item of contents) {
        const toStation = random.chance(0.1)
        const destination = toStation ? `station-${target}` : random.pick(storesIn(target)).id
        const shippedAt = unpackedAt + random.between(24, 120)
        events.push({ t: shippedAt, kind: 'ship', ref: { item }, orgId: dealer, toOrgId: destination })
        const receivedAt = shippedAt + random.between(6, 48)
        events.push({ t: receivedAt, kind: 'receive', ref: { item }, orgId: destination })
        placed.push({ item, kind: toStation ? 'station' : 'store', orgId: destination, receivedAt })
      }
    }
  }

  // Pick disjoint sets of items for each anomaly; the rest behave honestly.
  const shuffled = [...placed].sort(() => random.next() - 0.5)
  const stores = shuffled.filter((p) => p.kind === 'store')
  const stations = shuffled.filter((p) => p.kind === 'station')
  const take = (from: Placed[], n: number): Placed[] => from.splice(0, Math.min(n, from.length))
  const scale = items / 2400
  const divertedByShip = new Set(take(stores, Math.round(30 * scale)).map((p) => p.item))
  const divertedBySale = take(stores, Math.round(20 * scale))
  const divertedGrey = take(stores, Math.round(30 * scale))
  const cloned = take(stores, Math.round(30 * scale))
  const clonedIntoStore = take(stores, Math.round(10 * scale))
  const clonedOnMachines = take(stations, Math.max(1, Math.round(5 * scale)))
  const forgedLots = take(stores, Math.round(10 * scale))
  const special = new Set([...divertedBySale, ...divertedGrey, ...cloned, ...clonedIntoStore, ...clonedOnMachines].map((p) => p.item))

  let machines = 0
  /** A consumer buys at a store and verifies from home, near the store and inside its dealer's territory. */
  const honestBuyer = (p: Placed, soldAt: number, alwaysVerify = false): number | null => {
    const store = org(p.orgId)
    const home = pointNear(random, store.location, 20, province(store.province).outline)
    if (!alwaysVerify && !random.chance(0.8)) return null
    const first = soldAt + random.between(0, 72)
    events.push({ t: first, kind: 'verify', ref: { item: p.item }, location: jitter(random, home, province(store.province)), consumerId: `consumer-${p.item}-a` })
    for (let i = random.int(0, 2); i > 0; i--) {
      events.push({ t: first + random.between(1, 720), kind: 'verify', ref: { item: p.item }, location: jitter(random, home, province(store.province)), consumerId: `consumer-${p.item}-a` })
    }
    if (random.chance(0.1)) events.push({ t: first + random.between(1, 240), kind: 'verify', ref: { item: p.item }, location: jitter(random, home, province(store.province)), consumerId: `consumer-${p.item}-b` })
    if (random.chance(0.05)) {
      // The buyer checks the part again while travelling in another province, days later: not a diversion.
      const trip = otherProvince(store.province)
      events.push({ t: first + random.between(72, 500), kind: 'verify', ref: { item: p.item }, location: pointNear(random, cityIn(trip), 10, trip.outline), consumerId: `consumer-${p.item}-a` })
    }
    return first
  }

  for (const p of placed) {
    if (special.has(p.item)) continue
    if (p.kind === 'station') {
      events.push({ t: p.receivedAt + random.between(24, 240), kind: 'install', ref: { item: p.item }, deviceId: `machine-${machines++}`, engineer: `engineer-${org(p.orgId).province}` })
      continue
    }
    if (divertedByShip.has(p.item)) continue
    if (!random.chance(0.85)) continue
    const soldAt = p.receivedAt + random.between(24, 480)
    events.push({ t: soldAt, kind: 'sell', ref: { item: p.item }, orgId: p.orgId, location: null })
    honestBuyer(p, soldAt)
  }

  // Diversion: the dealer ships into another dealer's channel (its ship and receive are replaced).
  for (const p of placed.filter((x) => divertedByShip.has(x.item))) {
    const ship = events.findIndex((e) => e.kind === 'ship' && 'ref' in e && 'item' in e.ref && e.ref.item === p.item)
    const receive = events.findIndex((e) => e.kind === 'receive' && 'ref' in e && 'item' in e.ref && e.ref.item === p.item)
    const original = events[ship] as Extract<SimEvent, { kind: 'ship' }>
    const away = otherProvince(org(p.orgId).province)
    const store = random.pick(storesIn(away.id))
    events[ship] = { ...original, toOrgId: store.id }
    events[receive] = { t: p.receivedAt, kind: 'receive', ref: { item: p.item }, orgId: store.id }
    const soldAt = p.receivedAt + random.between(24, 480)
    events.push({ t: soldAt, kind: 'sell', ref: { item: p.item }, orgId: store.id, location: null })
    honestBuyer({ ...p, orgId: store.id }, soldAt)
    truth.push({ type: 'diversion', how: 'shipped into another dealer\'s channel', ref: { item: p.item } })
  }
  // Diversion: sold for delivery into another province.
  for (const p of divertedBySale) {
    const away = otherProvince(org(p.orgId).province)
    const city = cityIn(away)
    const delivery = pointNear(random, city, 15, away.outline)
    const soldAt = p.receivedAt + random.between(24, 480)
    events.push({ t: soldAt, kind: 'sell', ref: { item: p.item }, orgId: p.orgId, location: delivery })
    if (random.chance(0.7)) events.push({ t: soldAt + random.between(48, 200), kind: 'verify', ref: { item: p.item }, location: jitter(random, delivery, away), consumerId: `consumer-${p.item}-a` })
    truth.push({ type: 'diversion', how: 'sold for delivery outside the territory', ref: { item: p.item } })
  }
  // Diversion: taken off the shelf without a sale scan, resold in another province (grey market).
  for (const p of divertedGrey) {
    const away = otherProvince(org(p.orgId).province)
    const home = pointNear(random, cityIn(away), 20, away.outline)
    const first = p.receivedAt + random.between(72, 600)
    events.push({ t: first, kind: 'verify', ref: { item: p.item }, location: home, consumerId: `consumer-${p.item}-a` })
    if (random.chance(0.3)) events.push({ t: first + random.between(1, 300), kind: 'verify', ref: { item: p.item }, location: jitter(random, home, away), consumerId: `consumer-${p.item}-a` })
    truth.push({ type: 'diversion', how: 'resold on the grey market in another province', ref: { item: p.item } })
  }
  // Clone: the genuine item is sold and verified; copies of its code are verified by strangers elsewhere.
  for (const p of cloned) {
    const soldAt = p.receivedAt + random.between(24, 300)
    events.push({ t: soldAt, kind: 'sell', ref: { item: p.item }, orgId: p.orgId, location: null })
    const firstVerified = honestBuyer(p, soldAt, true) as number
    for (let copy = random.int(4, 9); copy > 0; copy--) {
      const where = random.pick(PROVINCES)
      events.push({ t: firstVerified + random.between(1, 400), kind: 'verify', ref: { item: p.item }, location: pointNear(random, cityIn(where), 25, where.outline), consumerId: `copy-${p.item}-${copy}` })
    }
    truth.push({ type: 'clone', how: 'copies verified by many consumers', ref: { item: p.item } })
  }
  // Clone: a copy is scanned into another store after the genuine item was sold.
  for (const p of clonedIntoStore) {
    const soldAt = p.receivedAt + random.between(24, 300)
    events.push({ t: soldAt, kind: 'sell', ref: { item: p.item }, orgId: p.orgId, location: null })
    honestBuyer(p, soldAt)
    const other = random.pick(world.orgs.filter((o) => o.kind === 'store' && o.id !== p.orgId))
    events.push({ t: soldAt + random.between(24, 200), kind: 'receive', ref: { item: p.item }, orgId: other.id })
    truth.push({ type: 'clone', how: 'received by a store after its sale', ref: { item: p.item } })
  }
  // Clone: a copy is fitted to a second machine.
  for (const p of clonedOnMachines) {
    const installedAt = p.receivedAt + random.between(24, 240)
    events.push({ t: installedAt, kind: 'install', ref: { item: p.item }, deviceId: `machine-${machines++}`, engineer: `engineer-${org(p.orgId).province}` })
    events.push({ t: installedAt + random.between(24, 300), kind: 'install', ref: { item: p.item }, deviceId: `machine-${machines++}`, engineer: `engineer-${otherProvince(org(p.orgId).province).id}` })
    truth.push({ type: 'clone', how: 'fitted to a second machine', ref: { item: p.item } })
  }

  // Counterfeits: codes the brand never issued, verified by the buyers of the fakes.
  const counterfeitCodes: Array<{ ref: Ref, how: string }> = []
  for (let i = 0; i < Math.round(40 * scale); i++) {
    const product = random.pick(world.products)
    counterfeitCodes.push({ ref: { fake: `https://localhost:3000/01/${product.gtin}/10/L${random.int(1, 9)}/21/${randomSerial(random)}` }, how: 'made-up serial' })
  }
  for (let i = 0; i < Math.round(10 * scale); i++) {
    const product = random.pick(world.products)
    const wrong = `${product.gtin.slice(0, 13)}${(Number(product.gtin[13]) + random.int(1, 9)) % 10}`
    counterfeitCodes.push({ ref: { fake: `https://localhost:3000/01/${wrong}/21/${randomSerial(random)}` }, how: 'wrong GTIN check digit' })
  }
  const malformed = ['https://verify-genuine-parts.example/check?id=', 'HF2040-', 'https://localhost:3000/01/0695000010001/21/', 'https://localhost:3000/product/HF-2040/']
  for (let i = 0; i < Math.round(10 * scale); i++) counterfeitCodes.push({ ref: { fake: `${random.pick(malformed)}${random.int(100000, 999999)}` }, how: 'malformed code' })
  for (const p of forgedLots) counterfeitCodes.push({ ref: { item: p.item, forgedLot: `X${random.int(10, 99)}` }, how: 'genuine serial with a forged lot' })
  for (const fake of counterfeitCodes) {
    for (let n = random.int(1, 4); n > 0; n--) {
      const where = random.pick(PROVINCES)
      events.push({ t: random.between(200, 1200), kind: 'verify', ref: fake.ref, location: pointNear(random, cityIn(where), 25, where.outline), consumerId: `fake-buyer-${random.int(1, 1e9)}` })
    }
    truth.push({ type: 'counterfeit', how: fake.how, ref: fake.ref })
  }

  events.sort((a, b) => a.t - b.t)
  return { seed: options.seed, world, itemProducts, events, truth }
}

function randomSerial (random: Random): string {
  let serial = ''
  for (let i = 0; i < 20; i++) serial += ALPHABET[random.int(0, 31)]
  return serial
}

/** A second verification from about the same place: within 2 km, still inside the area. */
function jitter (random: Random, point: LatLng, area: Province): LatLng {
  return pointNear(random, point, 2, area.outline)
}

export { createRandom }
