import { bbox, booleanPointInPolygon } from '@turf/turf'
import { isWithinShifts } from './shift-clock.js'
import type { LocalTime } from './shift-clock.js'
import type { EngineerSnapshot, OrderDemand, Territory } from './types.js'

/**
 * The rules no assignment may break, checked before any scoring, in this order (cheapest first).
 * Each is a named step returning null when it passes or the reason it fails, so the candidate search,
 * a supervisor's manual assignment and the batch optimiser all apply exactly the same list.
 */
export type HardRuleName = 'on_shift' | 'available' | 'skills' | 'reach' | 'not_rejected' | 'parts'

export interface HardRuleContext {
  /** Local wall-clock time per time zone at the moment of the decision. */
  localTime: (timezone: string) => LocalTime
  defaultMaxDistanceKm: number
  /** Part numbers a dealer near the order can supply today (DealerStock port); empty by default. */
  dealerParts: ReadonlySet<string>
}

export interface HardRuleInput {
  engineer: EngineerSnapshot
  order: OrderDemand
  /** Straight-line km from the engineer's position (or home base) to the order. */
  distanceKm: number
}

export interface HardRule {
  name: HardRuleName
  check (input: HardRuleInput, context: HardRuleContext): string | null
}

export interface RuleViolation {
  rule: HardRuleName
  reason: string
}

function checkOnShift ({ engineer }: HardRuleInput, context: HardRuleContext): string | null {
  return isWithinShifts(engineer.shifts, context.localTime(engineer.timezone)) ? null : 'not on shift now'
}

function checkAvailable ({ engineer }: HardRuleInput): string | null {
  if (engineer.status !== 'available') return `status is ${engineer.status}`
  if (engineer.activeOrderId !== null) return 'already holds an active work order'
  return null
}

function checkSkills ({ engineer, order }: HardRuleInput): string | null {
  for (const need of order.requiredSkills) {
    const level = engineer.skills[need.skill] ?? 0
    if (level < need.level) return level === 0 ? `lacks skill ${need.skill}` : `${need.skill} level ${level} < ${need.level}`
  }
  return null
}

const territoryBoxes = new WeakMap<Territory, number[]>()

function isInTerritory (territory: Territory, lng: number, lat: number): boolean {
  let box = territoryBoxes.get(territory)
  if (box === undefined) territoryBoxes.set(territory, box = bbox(territory))
  if (lng < (box[0] as number) || lat < (box[1] as number) || lng > (box[2] as number) || lat > (box[3] as number)) return false
  return booleanPointInPolygon([lng, lat], territory)
}

function checkReach ({ engineer, order, distanceKm }: HardRuleInput, context: HardRuleContext): string | null {
  if (engineer.position === null && engineer.home === null) return 'position unknown'
  const maxKm = engineer.maxDistanceKm ?? context.defaultMaxDistanceKm
  if (distanceKm > maxKm) return `${distanceKm.toFixed(1)} km away, more than ${maxKm} km`
  if (engineer.territory !== null && !isInTerritory(engineer.territory, order.location.lng, order.location.lat)) {
    return 'outside territory'
  }
  return null
}

function checkNotRejected ({ engineer, order }: HardRuleInput): string | null {
  return order.rejectedBy.includes(engineer.id) ? 'rejected this order before' : null
}

/** Quantity needed per part number (a part listed twice is needed twice). */
export function countParts (parts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const part of parts) counts.set(part, (counts.get(part) ?? 0) + 1)
  return counts
}

// A search checks one order against thousands of engineers: count its parts once.
const partCounts = new WeakMap<readonly string[], ReadonlyMap<string, number>>()
function countPartsOnce (parts: readonly string[]): ReadonlyMap<string, number> {
  let counts = partCounts.get(parts)
  if (counts === undefined) partCounts.set(parts, counts = countParts(parts))
  return counts
}

function checkParts ({ engineer, order }: HardRuleInput, context: HardRuleContext): string | null {
  if (order.requiredParts.length === 0) return null
  for (const [part, quantity] of countPartsOnce(order.requiredParts)) {
    if ((engineer.vanStock[part] ?? 0) >= quantity) continue
    if (context.dealerParts.has(part)) continue
    return `part ${part} not on the van nor at a nearby dealer`
  }
  return null
}

export const HARD_RULES: readonly HardRule[] = Object.freeze([
  { name: 'available', check: checkAvailable },
  { name: 'skills', check: checkSkills },
  { name: 'not_rejected', check: checkNotRejected },
  { name: 'reach', check: checkReach },
  { name: 'on_shift', check: checkOnShift },
  { name: 'parts', check: checkParts }
])

/** The first rule the pair breaks, or null when the engineer may take the order. */
export function findViolation (input: HardRuleInput, context: HardRuleContext): RuleViolation | null {
  for (const rule of HARD_RULES) {
    const reason = rule.check(input, context)
    if (reason !== null) return { rule: rule.name, reason }
  }
  return null
}

/** Every rule the pair breaks (for explaining a refused manual assignment). */
export function listViolations (input: HardRuleInput, context: HardRuleContext): RuleViolation[] {
  const violations: RuleViolation[] = []
  for (const rule of HARD_RULES) {
    const reason = rule.check(input, context)
    if (reason !== null) violations.push({ rule: rule.name, reason })
  }
  return violations
}
