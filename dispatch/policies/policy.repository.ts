import type { Queryable } from '../../core/db/database.js'
import type { Priority } from '../engine/types.js'
import type { SlaPolicyTable, SlaTargets } from '../sla/sla-policy.js'
import type { WorkOrderSource } from '../work-orders/work-order.repository.js'

/** Auto-dispatch switch per order source and priority. */
export type AutoDispatchTable = Record<WorkOrderSource, Record<Priority, boolean>>

export function createPolicyRepository (db: Queryable) {
  return {
    async loadSla (): Promise<SlaPolicyTable> {
      const { rows } = await db.query<{ contract: string, priority: Priority, respond_minutes: number, arrive_minutes: number, resolve_minutes: number }>(
        'SELECT contract, priority, respond_minutes, arrive_minutes, resolve_minutes FROM dispatch_sla_policies ORDER BY contract, priority')
      // Contract names are keys from the database: objects without a prototype, so no name can reach one.
      const table: Record<string, Partial<Record<Priority, SlaTargets>>> = Object.create(null)
      for (const row of rows) {
        const contract = table[row.contract] ??= Object.create(null) as Partial<Record<Priority, SlaTargets>>
        contract[row.priority] = { respondMinutes: row.respond_minutes, arriveMinutes: row.arrive_minutes, resolveMinutes: row.resolve_minutes }
      }
      return table
    },

    async upsertSla (contract: string, priority: Priority, targets: SlaTargets): Promise<void> {
      await db.query(
        `INSERT INTO dispatch_sla_policies (contract, priority, respond_minutes, arrive_minutes, resolve_minutes)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (contract, priority) DO UPDATE SET respond_minutes = $3, arrive_minutes = $4, resolve_minutes = $5`,
        [contract, priority, targets.respondMinutes, targets.arriveMinutes, targets.resolveMinutes])
    },

    async loadAutoDispatch (): Promise<AutoDispatchTable> {
      const { rows } = await db.query<{ source: WorkOrderSource, priority: Priority, enabled: boolean }>(
        'SELECT source, priority, enabled FROM dispatch_auto_dispatch')
      const table = { customer: {}, agent: {}, alert: {} } as AutoDispatchTable
      for (const row of rows) table[row.source][row.priority] = row.enabled
      return table
    },

    async setAutoDispatch (source: WorkOrderSource, priority: Priority, enabled: boolean): Promise<void> {
      await db.query(
        `INSERT INTO dispatch_auto_dispatch (source, priority, enabled) VALUES ($1, $2, $3)
         ON CONFLICT (source, priority) DO UPDATE SET enabled = $3`, [source, priority, enabled])
    }
  }
}

export type PolicyRepository = ReturnType<typeof createPolicyRepository>
