import { randomUUID } from 'node:crypto'
import type { Database } from '../../core/db/database.js'
import type { CatalogService } from '../catalog/catalog.service.js'
import { TRC_REWARD_RULE_INVALID, TRC_REWARD_RULE_NOT_FOUND } from '../errors.js'
import { parseGtin } from '../gs1/gtin.js'
import { isUniqueViolation } from '../../core/db/database.js'
import { createRewardRepository } from './reward.repository.js'
import { findSharesProblem } from './reward-split.js'
import type { RewardRule, RewardTrigger } from './reward-split.js'

/**
 * Scan rewards (扫码返利): rules per product and trigger, and the ledger. The scan pipeline reads the
 * rules through `rules(version)`, cached until the catalogue version moves (rule changes bump it).
 */
export function createRewardService (deps: { db: Database, catalog: CatalogService, now: () => number }) {
  const repo = createRewardRepository()
  let cached: { version: number, rules: RewardRule[] } | null = null

  return {
    repository: repo,

    async rules (version: number): Promise<RewardRule[]> {
      if (cached !== null && cached.version === version) return cached.rules
      const rules = await repo.listRules(deps.db)
      cached = { version, rules }
      return rules
    },

    async createRule (input: { gtin?: string | null | undefined, trigger: RewardTrigger, amount: number, shares: Record<string, number> }): Promise<RewardRule> {
      let gtin: string | null = null
      if (input.gtin !== undefined && input.gtin !== null) {
        const parsed = parseGtin(input.gtin)
        if ('problem' in parsed) throw new TRC_REWARD_RULE_INVALID(`GTIN ${input.gtin} is invalid`).withDetails({ field: 'body.gtin' })
        gtin = (await deps.catalog.getProduct(parsed.gtin)).gtin
      }
      const problem = findSharesProblem(input.shares)
      if (problem !== null) throw new TRC_REWARD_RULE_INVALID(problem).withDetails({ field: 'body.shares' })
      try {
        const rule = await repo.insertRule(deps.db, { id: randomUUID(), gtin, trigger: input.trigger, amount: input.amount, shares: input.shares, active: true }, new Date(deps.now()))
        await deps.catalog.markChanged()
        return rule
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new TRC_REWARD_RULE_INVALID(`an active ${input.trigger} rule for ${gtin ?? 'every product'} exists; deactivate it first`).withDetails({ field: 'body.trigger' })
        }
        throw error
      }
    },

    async deactivateRule (id: string): Promise<RewardRule> {
      const rule = await repo.deactivate(deps.db, id)
      if (rule === null) throw new TRC_REWARD_RULE_NOT_FOUND(id).withDetails({ field: 'params.id' })
      await deps.catalog.markChanged()
      return rule
    },

    listRules: () => repo.listRules(deps.db),
    ledger: (filter: { beneficiary?: string | undefined, serial?: string | undefined, limit: number, offset: number }) => repo.listLedger(deps.db, filter),
    balances: (beneficiary?: string) => repo.balances(deps.db, beneficiary)
  }
}

export type RewardService = ReturnType<typeof createRewardService>
