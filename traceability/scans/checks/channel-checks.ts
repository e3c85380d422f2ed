import { isInTerritory } from '../../catalog/territory.js'
import type { CheckStep, CheckInput } from '../scan-types.js'

/**
 * Diversion checks (窜货): goods leave the channel they were shipped into, or are sold or used outside
 * the authorised territory of the organisation that received them.
 */
export const checkShipmentAuthorised: CheckStep = ({ scan, state, catalog }) => {
  if (scan.action !== 'ship' || scan.orgId === null || scan.toOrgId === null) return null
  if (catalog.isLinkAuthorised(scan.orgId, scan.toOrgId, state.gtin)) {
    return { name: 'channel_authorised', passed: true, detail: `${scan.orgId} may supply ${scan.toOrgId} with this product` }
  }
  return { name: 'channel_authorised', passed: false, alert: 'diversion', orgId: scan.orgId, detail: `shipped outside the channel: ${scan.orgId} is not authorised to supply ${scan.toOrgId} with GTIN ${state.gtin}` }
}

export const checkReceivedByConsignee: CheckStep = ({ scan, state }) => {
  if (scan.action !== 'receive' || state.status !== 'in_transit') return null
  if (state.shipTo === scan.orgId) return { name: 'received_by_consignee', passed: true, detail: `shipped to ${scan.orgId}` }
  return { name: 'received_by_consignee', passed: false, alert: 'diversion', orgId: state.shipTo, detail: `shipped to ${state.shipTo ?? '?'} but received by ${scan.orgId ?? '?'}` }
}

export const checkReceiverInChannel: CheckStep = ({ scan, state, catalog }) => {
  if (scan.action !== 'receive' || scan.orgId === null) return null
  const supplier = state.status === 'in_transit' ? state.shipFrom : state.holderOrgId
  if (supplier === null) return null
  if (catalog.isLinkAuthorised(supplier, scan.orgId, state.gtin)) {
    return { name: 'channel_authorised', passed: true, detail: `${supplier} may supply ${scan.orgId}` }
  }
  return { name: 'channel_authorised', passed: false, alert: 'diversion', orgId: supplier, detail: `received outside the channel: ${scan.orgId} is not an authorised customer of ${supplier} for GTIN ${state.gtin}` }
}

/** The organisation the item was last shipped into through an authorised link. */
function channelAnchor (input: CheckInput): string | null {
  return input.state.channelPath[input.state.channelPath.length - 1] ?? null
}

export const checkSellerInChannel: CheckStep = (input) => {
  const { scan, state, catalog } = input
  if (scan.action !== 'sell' || scan.orgId === null) return null
  const anchor = channelAnchor(input)
  if (anchor === null) {
    return { name: 'seller_in_channel', passed: false, alert: 'diversion', orgId: scan.orgId, detail: `sold by ${scan.orgId} before the item entered any channel` }
  }
  if (catalog.isInChannel(anchor, scan.orgId, state.gtin)) {
    return { name: 'seller_in_channel', passed: true, detail: `${scan.orgId} is in the channel of ${anchor}` }
  }
  return { name: 'seller_in_channel', passed: false, alert: 'diversion', orgId: anchor, detail: `sold outside the channel: shipped into the channel of ${anchor}, sold by ${scan.orgId}` }
}

/** The last organisation on the item's authorised path that has a territory. */
function territoryOwner (input: CheckInput) {
  for (let i = input.state.channelPath.length - 1; i >= 0; i--) {
    const org = input.catalog.org(input.state.channelPath[i] as string)
    if (org?.prepared != null) return org
  }
  return null
}

/**
 * Sales and consumers' verifications must happen inside the territory of the organisation that received
 * the item. A consumer's verification is judged only until the first one succeeded: after that the item
 * is with its buyer, who may travel (copies of the code elsewhere are the clone checks' business).
 */
export const checkTerritory: CheckStep = (input) => {
  const { scan, where, state } = input
  if (scan.action !== 'sell' && scan.action !== 'verify') return null
  if (where === null) return null
  if (scan.action === 'verify' && scan.actorRole === 'consumer' && state.firstVerifiedAt !== null) {
    return { name: 'territory', passed: true, detail: `judged at the first consumer verification (${state.firstVerifiedAt.toISOString()}); the buyer may travel since` }
  }
  const owner = territoryOwner(input)
  if (owner === null || owner.prepared === null) return null
  const point = `(${where.lat.toFixed(4)}, ${where.lng.toFixed(4)})`
  const who = scan.action === 'sell' ? `sold by ${scan.orgId ?? '?'}` : scan.actorRole === 'consumer' ? 'verified by a consumer' : 'verified'
  if (isInTerritory(owner.prepared, where)) {
    return { name: 'territory', passed: true, detail: `${who} at ${point}, inside the territory of ${owner.id}` }
  }
  return { name: 'territory', passed: false, alert: 'diversion', orgId: owner.id, detail: `${who} at ${point}, outside the territory of ${owner.id} (${owner.name})` }
}
