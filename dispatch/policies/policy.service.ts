import type { Database } from '../../core/db/database.js'
import type { Priority } from '../engine/types.js'
import { DEFAULT_SLA_POLICIES } from '../sla/sla-policy.js'
import type { SlaPolicyTable, SlaTargets } from '../sla/sla-policy.js'
import type { WorkOrderSource } from '../work-orders/work-order.repository.js'
import { createPolicyRepository } from './policy.repository.js'
import type { AutoDispatchTable } from './policy.repository.js'
import { DSP_SLA_POLICY_INVALID } from '../errors.js'

/** SLA targets and auto-dispatch switches, read from the database at start and kept in memory. */
export function createPolicyService (db: Database) {
  const repo = createPolicyRepository(db)
  let sla: SlaPolicyTable = DEFAULT_SLA_POLICIES
  let auto: AutoDispatchTable = { customer: {}, agent: {}, alert: {} } as AutoDispatchTable
  const service = {
    async load (): Promise<void> {
      sla = await repo.loadSla()
      auto = await repo.loadAutoDispatch()
    },
    sla: (): SlaPolicyTable => sla,
    autoDispatch: (): AutoDispatchTable => auto,
    async setSla (contract: string, priority: Priority, targets: SlaTargets): Promise<SlaPolicyTable> {
      // An engineer responds before arriving, and arrives before resolving.
      if (targets.arriveMinutes < targets.respondMinutes) throw new DSP_SLA_POLICY_INVALID(`arriveMinutes ${targets.arriveMinutes} is before respondMinutes ${targets.respondMinutes}`).withDetails({ field: 'body.arriveMinutes' })
      if (targets.resolveMinutes < targets.arriveMinutes) throw new DSP_SLA_POLICY_INVALID(`resolveMinutes ${targets.resolveMinutes} is before arriveMinutes ${targets.arriveMinutes}`).withDetails({ field: 'body.resolveMinutes' })
      await repo.upsertSla(contract, priority, targets)
      await service.load()
      return sla
    },
    async setAutoDispatch (source: WorkOrderSource, priority: Priority, enabled: boolean): Promise<AutoDispatchTable> {
      await repo.setAutoDispatch(source, priority, enabled)
      await service.load()
      return auto
    }
  }
  return service
}

export type PolicyService = ReturnType<typeof createPolicyService>
