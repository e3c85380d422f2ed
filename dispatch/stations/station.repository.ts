import type { Queryable } from '../../core/db/database.js'
import type { LatLng } from '../engine/types.js'

export interface Station {
  id: string
  code: string
  name: string
  orgId: string | null
  location: LatLng
  address: string
  timezone: string
  createdAt: Date
  updatedAt: Date
}

interface StationRow {
  id: string
  code: string
  name: string
  org_id: string | null
  lat: number
  lng: number
  address: string
  timezone: string
  created_at: Date
  updated_at: Date
}

const COLUMNS = 'id, code, name, org_id, lat, lng, address, timezone, created_at, updated_at'

function toStation (row: StationRow): Station {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    orgId: row.org_id,
    location: { lat: row.lat, lng: row.lng },
    address: row.address,
    timezone: row.timezone,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export interface StationChanges {
  code?: string
  name?: string
  orgId?: string | null
  location?: LatLng
  address?: string
  timezone?: string
}

export function createStationRepository (db: Queryable) {
  return {
    async insert (station: Omit<Station, 'createdAt' | 'updatedAt'>, at: Date): Promise<Station> {
      const { rows } = await db.query<StationRow>(
        `INSERT INTO dispatch_stations (id, code, name, org_id, lat, lng, address, timezone, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING ${COLUMNS}`,
        [station.id, station.code, station.name, station.orgId, station.location.lat, station.location.lng,
          station.address, station.timezone, at])
      return toStation(rows[0] as StationRow)
    },

    async findById (id: string): Promise<Station | null> {
      const { rows } = await db.query<StationRow>(`SELECT ${COLUMNS} FROM dispatch_stations WHERE id = $1`, [id])
      return rows[0] === undefined ? null : toStation(rows[0])
    },

    async findByOrgId (orgId: string): Promise<Station[]> {
      const { rows } = await db.query<StationRow>(`SELECT ${COLUMNS} FROM dispatch_stations WHERE org_id = $1 ORDER BY code`, [orgId])
      return rows.map(toStation)
    },

    async list (): Promise<Station[]> {
      const { rows } = await db.query<StationRow>(`SELECT ${COLUMNS} FROM dispatch_stations ORDER BY code`)
      return rows.map(toStation)
    },

    async update (id: string, changes: StationChanges, at: Date): Promise<Station | null> {
      const { rows } = await db.query<StationRow>(
        `UPDATE dispatch_stations SET
           code = COALESCE($2, code), name = COALESCE($3, name),
           org_id = CASE WHEN $4::boolean THEN $5 ELSE org_id END,
           lat = COALESCE($6, lat), lng = COALESCE($7, lng),
           address = COALESCE($8, address), timezone = COALESCE($9, timezone), updated_at = $10
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, changes.code ?? null, changes.name ?? null, changes.orgId !== undefined, changes.orgId ?? null,
          changes.location?.lat ?? null, changes.location?.lng ?? null, changes.address ?? null, changes.timezone ?? null, at])
      return rows[0] === undefined ? null : toStation(rows[0])
    }
  }
}

export type StationRepository = ReturnType<typeof createStationRepository>
