import { bbox, booleanPointInPolygon } from '@turf/turf'
import { isWithinShifts } from './shift-clock.js'
import type { LocalTime } from './shift-clock.js'
import type { EngineerSnapshot, OrderDemand, SkillRequirement, Territory } from './types.js'

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
  /** Units in stock at dealers near the order, by part number (DealerStock port); empty by default. */
  dealerParts: ReadonlyMap<string, number>
}

export interface HardRuleInput {
  engineer: EngineerSnapshot
  order: OrderDemand
  /** Straight-line km from the engineer's position (or home base) to the order. */
  distanceKm: number
}

/**
 * `passes` is the predicate and allocates nothing (a search asks it of thousands of engineers);
 * `explain` says why the pair fails it, asked only of a rule that did not pass.
 */
export interface HardRule {
  name: HardRuleName
  passes (input: HardRuleInput, context: HardRuleContext): boolean
  explain (input: HardRuleInput, context: HardRuleContext): string
}

export interface RuleViolation {
  rule: HardRuleName
  reason: string
}

const onShift: HardRule = {
  name: 'on_shift',
  passes: ({ engineer }, context) => isWithinShifts(engineer.shifts, context.localTime(engineer.timezone)),
  explain: () => 'not on shift now'
}

const available: HardRule = {
  name: 'available',
  passes: ({ engineer }) => engineer.status === 'available' && engineer.activeOrderId === null,
  explain: ({ engineer }) => engineer.status !== 'available' ? `status is ${engineer.status}` : 'already holds an active work order'
}

/**
 * A skill's level, or a part's units on the van, by own key only: a skill or part named
 * `constructor` or `toString` must not be found on every object.
 */
export function ownCount (record: Readonly<Record<string, number>>, key: string): number {
  return Object.hasOwn(record, key) ? record[key] ?? 0 : 0
}

/** The first required skill the engineer lacks or holds below the level needed, or null. */
function unmetSkill ({ engineer, order }: HardRuleInput): SkillRequirement | null {
  for (const need of order.requiredSkills) if (ownCount(engineer.skills, need.skill) < need.level) return need
  return null
}

const skills: HardRule = {
  name: 'skills',
  passes: (input) => unmetSkill(input) === null,
  explain: (input) => {
    const need = unmetSkill(input)
    if (need === null) return 'has every skill required'
    const level = ownCount(input.engineer.skills, need.skill)
    return level === 0 ? `lacks skill ${need.skill}` : `${need.skill} level ${level} < ${need.level}`
  }
}

const territoryBoxes = new WeakMap<Territory, number[]>()

function isInTerritory (territory: Territory, lng: number, lat: number): boolean {
  let box = territoryBoxes.get(territory)
  if (box === undefined) territoryBoxes.set(territory, box = bbox(territory))
  if (lng < (box[0] as number) || lat < (box[1] as number) || lng > (box[2] as number) || lat > (box[3] as number)) return false
  return booleanPointInPolygon([lng, lat], territory)
}

const reachKm = (engineer: EngineerSnapshot, context: HardRuleContext): number => engineer.maxDistanceKm ?? context.defaultMaxDistanceKm

const reach: HardRule = {
  name: 'reach',
  passes: ({ engineer, order, distanceKm }, context) =>
    (engineer.position !== null || engineer.home !== null) &&
    distanceKm <= reachKm(engineer, context) &&
    (engineer.territory === null || isInTerritory(engineer.territory, order.location.lng, order.location.lat)),
  explain: ({ engineer, distanceKm }, context) => {
    if (engineer.position === null && engineer.home === null) return 'position unknown'
    const maxKm = reachKm(engineer, context)
    return distanceKm > maxKm ? `${distanceKm.toFixed(1)} km away, more than ${maxKm} km` : 'outside territory'
  }
}

const notRejected: HardRule = {
  name: 'not_rejected',
  passes: ({ engineer, order }) => !order.rejectedBy.includes(engineer.id),
  explain: () => 'rejected this order before'
}

/** Quantity needed per part number (a part listed twice is needed twice). */
export function countParts (parts: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const part of parts) counts.set(part, (counts.get(part) ?? 0) + 1)
  return counts
}

interface PartNeed { part: string, quantity: number }

// A search checks one order against thousands of engineers: count its parts once, as a list (reading
// it allocates nothing, unlike iterating a map's entries).
const partCounts = new WeakMap<readonly string[], readonly PartNeed[]>()
function countPartsOnce (parts: readonly string[]): readonly PartNeed[] {
  let counts = partCounts.get(parts)
  if (counts === undefined) partCounts.set(parts, counts = [...countParts(parts)].map(([part, quantity]) => ({ part, quantity })))
  return counts
}

/** The first part the van and nearby dealers together do not hold enough of, or null. */
function missingPart ({ engineer, order }: HardRuleInput, context: HardRuleContext): string | null {
  if (order.requiredParts.length === 0) return null
  const needs = countPartsOnce(order.requiredParts)
  for (let i = 0; i < needs.length; i++) {
    const { part, quantity } = needs[i] as PartNeed
    if (ownCount(engineer.vanStock, part) + (context.dealerParts.get(part) ?? 0) >= quantity) continue
    return part
  }
  return null
}

const parts: HardRule = {
  name: 'parts',
  passes: (input, context) => missingPart(input, context) === null,
  explain: (input, context) => `part ${missingPart(input, context) ?? ''} not on the van nor at a nearby dealer`
}

export const HARD_RULES: readonly HardRule[] = Object.freeze([available, skills, notRejected, reach, onShift, parts])

/** Whether the engineer may take the order (every rule passes); allocates nothing. */
export function passesHardRules (input: HardRuleInput, context: HardRuleContext): boolean {
  for (let i = 0; i < HARD_RULES.length; i++) if (!(HARD_RULES[i] as HardRule).passes(input, context)) return false
  return true
}

/** The first rule the pair breaks, or null when the engineer may take the order. */
export function findViolation (input: HardRuleInput, context: HardRuleContext): RuleViolation | null {
  for (const rule of HARD_RULES) {
    if (!rule.passes(input, context)) return { rule: rule.name, reason: rule.explain(input, context) }
  }
  return null
}

/** Every rule the pair breaks (for explaining a refused manual assignment). */
export function listViolations (input: HardRuleInput, context: HardRuleContext): RuleViolation[] {
  const violations: RuleViolation[] = []
  for (const rule of HARD_RULES) {
    if (!rule.passes(input, context)) violations.push({ rule: rule.name, reason: rule.explain(input, context) })
  }
  return violations
}
