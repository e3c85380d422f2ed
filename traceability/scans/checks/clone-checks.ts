import { distanceKm } from '../../catalog/territory.js'
import type { CheckStep } from '../scan-types.js'

/**
 * Clone checks: one genuine item cannot be in two places at once, cannot be verified by a crowd, and
 * does not come back into the supply chain once it was sold or fitted. A failure means this scan is
 * probably of a copy, so the scan does not move the item's state and the later checks (which would
 * judge the copy's custody or territory) are not run.
 */
/** The names these checks answer under; a recorded scan that failed one did not move its item. */
export const CLONE_CHECK_NAMES: ReadonlySet<string> = new Set(['not_installed', 'not_sold_or_installed', 'travel_speed', 'consumer_verifications'])

export const checkNotFinished: CheckStep = ({ scan, state }) => {
  if (scan.action === 'verify') return null
  if (scan.action === 'install') {
    if (state.status !== 'installed') return { name: 'not_installed', passed: true, detail: 'not fitted to any machine yet' }
    if (state.deviceId === scan.deviceId) return { name: 'not_installed', passed: true, detail: `already recorded as fitted to machine ${scan.deviceId ?? ''}` }
    return {
      name: 'not_installed', passed: false, alert: 'clone', orgId: scan.orgId,
      detail: `already fitted to machine ${state.deviceId ?? '?'} on ${state.installedAt?.toISOString() ?? '?'}; a second machine means a copied code`
    }
  }
  if (state.status === 'sold' || state.status === 'installed') {
    const when = state.status === 'sold' ? state.soldAt : state.installedAt
    return {
      name: 'not_sold_or_installed', passed: false, alert: 'clone', orgId: scan.orgId,
      detail: `scanned for ${scan.action} after it was ${state.status} on ${when?.toISOString() ?? '?'}`
    }
  }
  return { name: 'not_sold_or_installed', passed: true, detail: `item is ${state.status.replace('_', ' ')}` }
}

export const checkTravelSpeed: CheckStep = ({ scan, where, state, rules }) => {
  if (where === null || state.lastLocation === null || state.lastAt === null) return null
  const km = distanceKm(state.lastLocation, where)
  const hours = Math.abs(scan.at.getTime() - state.lastAt.getTime()) / 3_600_000
  const kmText = km.toFixed(0)
  if (km < rules.minTravelKm) return { name: 'travel_speed', passed: true, detail: `${kmText} km from the last scan` }
  const speed = hours === 0 ? Infinity : km / hours
  if (speed <= rules.maxSpeedKmh) {
    return { name: 'travel_speed', passed: true, detail: `${kmText} km from the last scan in ${hours.toFixed(1)} h (${speed.toFixed(0)} km/h)` }
  }
  return {
    name: 'travel_speed', passed: false, alert: 'clone', orgId: scan.orgId,
    detail: `${kmText} km from the last scan (${state.lastAt.toISOString()}) in ${hours.toFixed(2)} h: ${Number.isFinite(speed) ? speed.toFixed(0) : '∞'} km/h is faster than ${rules.maxSpeedKmh} km/h`
  }
}

export const checkConsumerVerifications: CheckStep = ({ scan, state, rules }) => {
  if (scan.action !== 'verify' || scan.actorRole !== 'consumer') return null
  const count = state.consumerVerifications + 1
  // consumerIds holds each consumer once (scan-pipeline.ts applyScan).
  const consumers = state.consumerIds.length + (scan.consumerId !== null && !state.consumerIds.includes(scan.consumerId) ? 1 : 0)
  if (count > rules.maxConsumerVerifications) {
    return { name: 'consumer_verifications', passed: false, alert: 'clone', detail: `verified by consumers ${count} times; one item is rarely verified more than ${rules.maxConsumerVerifications} times` }
  }
  if (consumers > rules.maxDistinctConsumers) {
    return { name: 'consumer_verifications', passed: false, alert: 'clone', detail: `verified by ${consumers} different consumers; one item has at most ${rules.maxDistinctConsumers}` }
  }
  return { name: 'consumer_verifications', passed: true, detail: `consumer verification ${count}, by ${consumers} consumer(s)` }
}
