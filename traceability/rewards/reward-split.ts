import type { OrgKind } from '../catalog/catalog.repository.js'

export type RewardTrigger = 'store_receive' | 'consumer_first_verify'
export type RewardLevel = OrgKind | 'consumer'
export const REWARD_LEVELS: readonly RewardLevel[] = ['consumer', 'store', 'service_station', 'dealer', 'distributor', 'factory']

export interface RewardRule {
  id: string
  gtin: string | null
  trigger: RewardTrigger
  amount: number
  shares: Partial<Record<RewardLevel, number>>
  active: boolean
  createdAt: Date
}

export interface LedgerEntry {
  ruleId: string
  level: RewardLevel
  beneficiary: string
  amount: number
}

/** The reason `shares` cannot split a reward, or null: known levels, positive fractions summing to at most 1. */
export function findSharesProblem (shares: Record<string, number>): string | null {
  const entries = Object.entries(shares)
  if (entries.length === 0) return 'shares name no level'
  for (const [level, share] of entries) {
    if (!(REWARD_LEVELS as readonly string[]).includes(level)) return `unknown level ${level} (levels: ${REWARD_LEVELS.join(', ')})`
    if (!(share > 0 && share <= 1)) return `share of ${level} must be in (0, 1]`
  }
  const total = entries.reduce((sum, [, share]) => sum + share, 0)
  return total > 1 + 1e-9 ? `shares add up to ${total.toFixed(4)}, more than 1` : null
}

/** The most specific active rule: one for this GTIN before one for every product. */
export function pickRule (rules: readonly RewardRule[], gtin: string, trigger: RewardTrigger): RewardRule | null {
  let general: RewardRule | null = null
  for (const rule of rules) {
    if (!rule.active || rule.trigger !== trigger) continue
    if (rule.gtin === gtin) return rule
    if (rule.gtin === null) general = rule
  }
  return general
}

/**
 * Split a rule's amount across channel levels: each organisation level goes to the last organisation of
 * that kind on the item's authorised path; the consumer level to the consumer's id. Levels with nobody
 * to pay are not paid. Amounts are rounded to cents.
 */
export function splitReward (rule: RewardRule, pathKinds: ReadonlyArray<{ orgId: string, kind: OrgKind }>, consumerId: string | null): LedgerEntry[] {
  const entries: LedgerEntry[] = []
  for (const level of REWARD_LEVELS) {
    const share = rule.shares[level]
    if (share === undefined) continue
    let beneficiary: string | null = null
    if (level === 'consumer') beneficiary = consumerId
    else {
      for (let i = pathKinds.length - 1; i >= 0; i--) {
        if (pathKinds[i]?.kind === level) { beneficiary = pathKinds[i]?.orgId ?? null; break }
      }
    }
    if (beneficiary === null) continue
    const amount = Math.round(rule.amount * share * 100) / 100
    if (amount > 0) entries.push({ ruleId: rule.id, level, beneficiary, amount })
  }
  return entries
}
