import type { Principal } from '../../core/auth/roles.js'
import type { AccessScope } from '../access.js'
import type { EngineerPool } from '../engine/engineer-pool.js'
import type { EngineerStatus, LatLng } from '../engine/types.js'
import type { StationRepository } from '../stations/station.repository.js'
import type { WorkOrderRepository } from '../work-orders/work-order.repository.js'
import type { WorkOrderStatus } from '../work-orders/state-machine.js'

/** One read for the supervisor console's map, from the engine's live pool and the open orders. */
export interface MapSnapshot {
  stations: Array<{ id: string, code: string, name: string, location: LatLng }>
  engineers: Array<{ id: string, name: string, stationId: string | null, status: EngineerStatus, position: LatLng | null, activeOrderId: string | null }>
  engineersTotal: number
  /** Open orders, most urgent first (earliest arrive deadline): with more than `limit` open, the least urgent are left out. */
  orders: Array<{ id: string, number: number, status: WorkOrderStatus, priority: string, location: LatLng | null, engineerId: string | null, problem: string, atRisk: boolean, breached: boolean, arriveBy: Date }>
  ordersTotal: number
}

export function createMapService (deps: { pool: EngineerPool, stations: StationRepository, workOrders: WorkOrderRepository, scope: AccessScope }) {
  return {
    async snapshot (limit: number, principal: Principal): Promise<MapSnapshot> {
      const scoped = await deps.scope.stationIdsOf(principal)
      const inScope = (stationId: string | null): boolean => scoped === null || (stationId !== null && scoped.includes(stationId))
      const engineers: MapSnapshot['engineers'] = []
      let total = 0
      for (const engineer of deps.pool.values()) {
        if (!inScope(engineer.stationId)) continue
        total++
        if (engineers.length < limit) {
          engineers.push({ id: engineer.id, name: engineer.name, stationId: engineer.stationId, status: engineer.status, position: deps.pool.locate(engineer), activeOrderId: engineer.activeOrderId })
        }
      }
      const ownEngineer = (id: string | null): boolean => id !== null && inScope(deps.pool.stationOf(id))
      const open = (await deps.workOrders.listOpen())
        .filter((o) => scoped === null || inScope(o.stationId) || ownEngineer(o.engineerId))
        .sort((a, b) => a.sla.arriveBy.getTime() - b.sla.arriveBy.getTime() || a.number - b.number)
      return {
        stations: (await deps.stations.list()).filter((s) => inScope(s.id)).map((s) => ({ id: s.id, code: s.code, name: s.name, location: s.location })),
        engineers,
        engineersTotal: total,
        ordersTotal: open.length,
        orders: open.slice(0, limit).map((o) => ({
          id: o.id, number: o.number, status: o.status, priority: o.priority, location: o.location, engineerId: o.engineerId,
          problem: o.problem, atRisk: o.sla.atRisk, breached: o.sla.breached, arriveBy: o.sla.arriveBy
        }))
      }
    }
  }
}

export type MapService = ReturnType<typeof createMapService>
