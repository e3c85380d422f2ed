import type { Database } from '../../core/db/database.js'
import type { Priority } from '../engine/types.js'
import { DEFAULT_SLA_POLICIES } from '../sla/sla-policy.js'
import type { SlaPolicyTable, SlaTargets } from '../sla/sla-policy.js'
import type { WorkOrderSource } from '../work-orders/work-order.repository.js'
import { createPolicyRepository } from './policy.repository.js'
import type { AutoDispatchTable } from './policy.repository.js'

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
