import type { Principal } from '../core/auth/roles.js'
import type { Queryable } from '../core/db/database.js'

/**
 * Who sees what. Supervisors, agents and admins see every order and engineer; station staff
 * (`org_staff`) see their stations' orders and engineers; an engineer sees their own orders.
 */
export function isStationStaff (principal: Principal): boolean {
  return principal.role === 'org_staff'
}

export function createAccessScope (db: Queryable) {
  return {
    /** Stations run by the caller's organisation (org_staff only; null = no station restriction). */
    async stationIdsOf (principal: Principal): Promise<string[] | null> {
      if (!isStationStaff(principal)) return null
      const { rows } = await db.query<{ id: string }>('SELECT id FROM dispatch_stations WHERE org_id = $1', [principal.orgId])
      return rows.map((row) => row.id)
    },

    /** Whether a user exists with the engineer role (linking a profile to a login). */
    async isEngineerUser (userId: string): Promise<boolean> {
      const { rows } = await db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [userId])
      return rows[0]?.role === 'engineer'
    }
  }
}

export type AccessScope = ReturnType<typeof createAccessScope>
