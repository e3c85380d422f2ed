import type { Queryable } from '../../core/db/database.js'
import type { RewardLevel, RewardRule, RewardTrigger } from './reward-split.js'

interface RuleRow { id: string, gtin: string | null, trigger: RewardTrigger, amount: number, shares: RewardRule['shares'], active: boolean, created_at: Date }
const toRule = (r: RuleRow): RewardRule => ({ id: r.id, gtin: r.gtin, trigger: r.trigger, amount: r.amount, shares: r.shares, active: r.active, createdAt: r.created_at })

export interface LedgerRecord {
  id: string
  ruleId: string
  serial: string
  trigger: RewardTrigger
  level: RewardLevel
  beneficiary: string
  amount: number
  scanId: string
  createdAt: Date
}

interface LedgerRow { id: string, rule_id: string, serial: string, trigger: RewardTrigger, level: RewardLevel, beneficiary: string, amount: number, scan_id: string, created_at: Date }
const toLedger = (r: LedgerRow): LedgerRecord => ({
  id: r.id, ruleId: r.rule_id, serial: r.serial, trigger: r.trigger, level: r.level, beneficiary: r.beneficiary, amount: r.amount, scanId: r.scan_id, createdAt: r.created_at
})

export function createRewardRepository () {
  return {
    async insertRule (q: Queryable, rule: Omit<RewardRule, 'createdAt'>, at: Date): Promise<RewardRule> {
      const { rows } = await q.query<RuleRow>(
        `INSERT INTO trace_reward_rules (id, gtin, trigger, amount, shares, active, created_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING *`,
        [rule.id, rule.gtin, rule.trigger, rule.amount, JSON.stringify(rule.shares), rule.active, at])
      return toRule(rows[0] as RuleRow)
    },
    async deactivate (q: Queryable, id: string): Promise<RewardRule | null> {
      const { rows } = await q.query<RuleRow>('UPDATE trace_reward_rules SET active = false WHERE id = $1 RETURNING *', [id])
      return rows[0] === undefined ? null : toRule(rows[0])
    },
    async listRules (q: Queryable): Promise<RewardRule[]> {
      const { rows } = await q.query<RuleRow>('SELECT * FROM trace_reward_rules ORDER BY created_at, id')
      return rows.map(toRule)
    },
    async listLedger (q: Queryable, filter: { beneficiary?: string | undefined, serial?: string | undefined, limit: number, offset: number }): Promise<LedgerRecord[]> {
      const { rows } = await q.query<LedgerRow>(
        `SELECT * FROM trace_reward_ledger WHERE ($1::text IS NULL OR beneficiary = $1) AND ($2::text IS NULL OR serial = $2)
         ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`, [filter.beneficiary ?? null, filter.serial ?? null, filter.limit, filter.offset])
      return rows.map(toLedger)
    },
    async balances (q: Queryable, beneficiary?: string): Promise<Array<{ beneficiary: string, level: RewardLevel, total: number, lines: number }>> {
      const { rows } = await q.query<{ beneficiary: string, level: RewardLevel, total: number, lines: number }>(
        `SELECT beneficiary, level, sum(amount) AS total, count(*) AS lines FROM trace_reward_ledger
         WHERE ($1::text IS NULL OR beneficiary = $1) GROUP BY beneficiary, level ORDER BY total DESC, beneficiary`, [beneficiary ?? null])
      return rows
    }
  }
}

export type RewardRepository = ReturnType<typeof createRewardRepository>
