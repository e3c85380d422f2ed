import type { CheckStep } from '../scan-types.js'

/**
 * Custody checks: every hand-over has two ends. A receive needs a ship before it; a ship needs the
 * shipper to hold the item (or to be the factory that made it); a sale needs the seller to hold it;
 * a fitted part, and one a consumer holds, must have left the factory through the channel.
 */
export const checkShipperHolds: CheckStep = ({ scan, state, catalog }) => {
  if (scan.action !== 'ship') return null
  const shipper = scan.orgId === null ? undefined : catalog.org(scan.orgId)
  if (state.status === 'issued') {
    return shipper?.kind === 'factory'
      ? { name: 'custody_holder', passed: true, detail: `first shipment, from factory ${shipper.id}` }
      : { name: 'custody_holder', passed: false, alert: 'custody', orgId: scan.orgId, detail: `${scan.orgId ?? 'an unknown organisation'} ships an item that never left the factory` }
  }
  if (state.status === 'in_stock' && state.holderOrgId === scan.orgId) {
    return { name: 'custody_holder', passed: true, detail: `${scan.orgId} holds the item` }
  }
  const where = state.status === 'in_transit' ? `in transit from ${state.shipFrom ?? '?'} to ${state.shipTo ?? '?'}` : `held by ${state.holderOrgId ?? 'nobody'}`
  return { name: 'custody_holder', passed: false, alert: 'custody', orgId: scan.orgId, detail: `ship of something never received: ${scan.orgId ?? '?'} ships an item ${where}` }
}

export const checkReceiveMatchesShip: CheckStep = ({ scan, state }) => {
  if (scan.action !== 'receive') return null
  if (state.status === 'in_transit') {
    return { name: 'custody_shipped', passed: true, detail: `shipped by ${state.shipFrom ?? '?'} on ${state.shippedAt?.toISOString() ?? '?'}` }
  }
  return {
    name: 'custody_shipped', passed: false, alert: 'custody', orgId: scan.orgId,
    detail: `receive without a matching ship: the item is ${state.status.replace('_', ' ')}${state.holderOrgId === null ? '' : ` at ${state.holderOrgId}`}`
  }
}

export const checkSellerHolds: CheckStep = ({ scan, state }) => {
  if (scan.action !== 'sell') return null
  if (state.status === 'in_stock' && state.holderOrgId === scan.orgId) {
    return { name: 'custody_holder', passed: true, detail: `${scan.orgId} holds the item` }
  }
  const where = state.status === 'in_transit' ? `still in transit to ${state.shipTo ?? '?'}` : `held by ${state.holderOrgId ?? 'nobody'}`
  return { name: 'custody_holder', passed: false, alert: 'custody', orgId: scan.orgId, detail: `sold by ${scan.orgId ?? '?'}, which never received it (${where})` }
}

export const checkLeftFactory: CheckStep = ({ scan, state }) => {
  if (scan.action !== 'install') return null
  if (state.status === 'in_stock' || state.status === 'sold' || state.status === 'installed') {
    return { name: 'custody_channel', passed: true, detail: state.status === 'sold' ? `sold by ${state.soldBy ?? '?'}` : `from the stock of ${state.holderOrgId ?? '?'}` }
  }
  return {
    name: 'custody_channel', passed: false, alert: 'custody', orgId: scan.orgId,
    detail: state.status === 'issued' ? 'fitted without any hand-over: the part never left the factory' : `fitted while in transit to ${state.shipTo ?? '?'}, never received`
  }
}

/**
 * A consumer holds an item that was never shipped: the code is genuine, but the part did not reach the
 * buyer through the channel (taken out of the factory unscanned, or a copy of a label not yet used).
 * The buyer is warned; brand staff get a custody alert. Staff verifying in the factory are not judged.
 */
export const checkReleased: CheckStep = ({ scan, state }) => {
  if (scan.action !== 'verify' || scan.actorRole !== 'consumer') return null
  if (state.status === 'issued') {
    return { name: 'custody_channel', passed: false, alert: 'custody', orgId: null, detail: 'not yet released into the channel: the item never left the factory' }
  }
  const factory = state.channelPath[0]
  return { name: 'custody_channel', passed: true, detail: factory === undefined ? 'released into the channel' : `released into the channel by ${factory}` }
}
