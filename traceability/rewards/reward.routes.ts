import { Type } from '@sinclair/typebox'
import { defineRoute, principalOf, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { IdParams, Offset } from '../../core/http/schemas.js'
import { GtinText } from '../catalog/catalog.schema.js'
import type { RewardService } from './reward.service.js'

const RuleBody = Type.Object({
  gtin: Type.Optional(Type.Union([GtinText, Type.Null()])),
  trigger: Type.Union([Type.Literal('store_receive'), Type.Literal('consumer_first_verify')]),
  // Stored to the cent: a smaller amount would round to nothing.
  amount: Type.Number({ minimum: 0.01, maximum: 1_000_000 }),
  shares: Type.Record(Type.String(), Type.Number())
}, { additionalProperties: false })
const LedgerQuery = Type.Object({
  beneficiary: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  serial: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Offset
}, { additionalProperties: false })

export function createRewardRoutes (rewards: RewardService): RouteDefinition[] {
  /** Organisation staff see their own organisation's rewards only. */
  const beneficiaryFor = (principal: ReturnType<typeof principalOf>, asked: string | undefined): string | undefined =>
    principal.role === 'org_staff' ? principal.orgId ?? '' : asked

  return [
    defineRoute({
      method: 'POST',
      url: '/api/reward-rules',
      access: ['brand'],
      summary: 'a scan reward rule for one product (or all) and trigger, split across channel levels',
      schema: { body: RuleBody },
      handler: async ({ body }) => respond(201, await rewards.createRule(body))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/reward-rules',
      access: ['brand'],
      summary: 'every reward rule, active or not',
      handler: async () => ({ rules: await rewards.listRules() })
    }),
    defineRoute({
      method: 'POST',
      url: '/api/reward-rules/:id/deactivate',
      access: ['brand'],
      summary: 'stop a rule (rewards already paid stay in the ledger)',
      schema: { params: IdParams },
      handler: async ({ params }) => await rewards.deactivateRule(params.id)
    }),
    defineRoute({
      method: 'GET',
      url: '/api/rewards/ledger',
      access: ['brand', 'org_staff'],
      summary: 'reward ledger lines, newest first (organisation staff: their own)',
      schema: { querystring: LedgerQuery },
      handler: async (request) => ({ lines: await rewards.ledger({ ...request.query, beneficiary: beneficiaryFor(principalOf(request), request.query.beneficiary) }) })
    }),
    defineRoute({
      method: 'GET',
      url: '/api/rewards/balances',
      access: ['brand', 'org_staff'],
      summary: 'reward totals per beneficiary and level (organisation staff: their own)',
      handler: async (request) => ({ balances: await rewards.balances(beneficiaryFor(principalOf(request), undefined)) })
    })
  ]
}
