import type { Queryable } from '../../core/db/database.js'
import type { EngineerSnapshot, EngineerStatus, LatLng, ShiftWindow, Territory } from '../engine/types.js'

export interface Engineer {
  id: string
  userId: string | null
  name: string
  phone: string | null
  stationId: string | null
  skills: Record<string, number>
  territory: Territory | null
  home: LatLng | null
  shifts: ShiftWindow[]
  timezone: string
  status: EngineerStatus
  position: LatLng | null
  positionAt: Date | null
  vanStock: Record<string, number>
  maxDistanceKm: number | null
  activeOrderId: string | null
  createdAt: Date
  updatedAt: Date
}

interface EngineerRow {
  id: string
  user_id: string | null
  name: string
  phone: string | null
  station_id: string | null
  skills: Record<string, number>
  territory: Territory | null
  home_lat: number | null
  home_lng: number | null
  shifts: ShiftWindow[]
  timezone: string
  status: EngineerStatus
  lat: number | null
  lng: number | null
  position_at: Date | null
  van_stock: Record<string, number>
  max_distance_km: number | null
  active_order_id: string | null
  created_at: Date
  updated_at: Date
}

const COLUMNS = `id, user_id, name, phone, station_id, skills, territory, home_lat, home_lng, shifts, timezone, status,
  lat, lng, position_at, van_stock, max_distance_km, active_order_id, created_at, updated_at`

const point = (lat: number | null, lng: number | null): LatLng | null => lat === null || lng === null ? null : { lat, lng }

function toEngineer (row: EngineerRow): Engineer {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    phone: row.phone,
    stationId: row.station_id,
    skills: row.skills,
    territory: row.territory,
    home: point(row.home_lat, row.home_lng),
    shifts: row.shifts,
    timezone: row.timezone,
    status: row.status,
    position: point(row.lat, row.lng),
    positionAt: row.position_at,
    vanStock: row.van_stock,
    maxDistanceKm: row.max_distance_km,
    activeOrderId: row.active_order_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

/** The engine's view of an engineer. */
export function toSnapshot (engineer: Engineer, jobsToday: number): EngineerSnapshot {
  return {
    id: engineer.id,
    userId: engineer.userId,
    name: engineer.name,
    stationId: engineer.stationId,
    skills: engineer.skills,
    territory: engineer.territory,
    home: engineer.home,
    shifts: engineer.shifts,
    timezone: engineer.timezone,
    status: engineer.status,
    position: engineer.position,
    positionAt: engineer.positionAt?.getTime() ?? null,
    vanStock: engineer.vanStock,
    activeOrderId: engineer.activeOrderId,
    maxDistanceKm: engineer.maxDistanceKm,
    jobsToday
  }
}

export interface NewEngineerRecord {
  id: string
  userId: string | null
  name: string
  phone: string | null
  stationId: string | null
  skills: Record<string, number>
  territory: Territory | null
  home: LatLng | null
  shifts: ShiftWindow[]
  timezone: string
  vanStock: Record<string, number>
  maxDistanceKm: number | null
  at: Date
}

export type EngineerChanges = Partial<Pick<NewEngineerRecord, 'userId' | 'name' | 'phone' | 'stationId' | 'skills' | 'territory' | 'home' | 'shifts' | 'timezone' | 'vanStock' | 'maxDistanceKm'>>

/** One engineer as a station's roster lists them: who, their status and skills, and the order they hold. */
export interface RosterEntry {
  id: string
  name: string
  status: EngineerStatus
  skills: Record<string, number>
  activeOrderId: string | null
}

export interface EngineerFilter {
  stationId?: string | undefined
  /** Any of these stations (station staff of several); with `stationId`, both must hold. */
  stationIds?: readonly string[] | undefined
  status?: EngineerStatus | undefined
  q?: string | undefined
  limit: number
  offset: number
}

const ACTIVE = `('assigned', 'accepted', 'en_route', 'on_site')`

export function createEngineerRepository (db: Queryable) {
  /**
   * Jobs per engineer since each one's local midnight: orders assigned to them (the timeline's
   * `assign` entries), less those they handed back — rejected, unassigned by a dispatcher, or
   * offers that expired unanswered. Engineers with none are left out.
   */
  async function countJobsToday (now: Date): Promise<Map<string, number>> {
    const { rows } = await db.query<{ id: string, n: number }>(
      `SELECT e.id, sum(CASE ev.kind WHEN 'assign' THEN 1 ELSE -1 END)::int AS n FROM dispatch_engineers e
       JOIN dispatch_work_order_events ev ON ev.engineer_id = e.id AND ev.kind IN ('assign', 'reject', 'unassign', 'expire')
         AND ev.at >= (date_trunc('day', $1::timestamptz AT TIME ZONE e.timezone) AT TIME ZONE e.timezone)
       GROUP BY e.id`, [now])
    return new Map(rows.filter((row) => row.n > 0).map((row) => [row.id, row.n]))
  }

  return {
    async insert (record: NewEngineerRecord): Promise<Engineer> {
      const { rows } = await db.query<EngineerRow>(
        `INSERT INTO dispatch_engineers (id, user_id, name, phone, station_id, skills, territory, home_lat, home_lng, shifts,
           timezone, van_stock, max_distance_km, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10::jsonb, $11, $12::jsonb, $13, $14, $14)
         RETURNING ${COLUMNS}`,
        [record.id, record.userId, record.name, record.phone, record.stationId, JSON.stringify(record.skills),
          record.territory === null ? null : JSON.stringify(record.territory), record.home?.lat ?? null, record.home?.lng ?? null,
          JSON.stringify(record.shifts), record.timezone, JSON.stringify(record.vanStock), record.maxDistanceKm, record.at])
      return toEngineer(rows[0] as EngineerRow)
    },

    async findById (id: string): Promise<Engineer | null> {
      const { rows } = await db.query<EngineerRow>(`SELECT ${COLUMNS} FROM dispatch_engineers WHERE id = $1`, [id])
      return rows[0] === undefined ? null : toEngineer(rows[0])
    },

    async findByUserId (userId: string): Promise<Engineer | null> {
      const { rows } = await db.query<EngineerRow>(`SELECT ${COLUMNS} FROM dispatch_engineers WHERE user_id = $1`, [userId])
      return rows[0] === undefined ? null : toEngineer(rows[0])
    },

    async list (filter: EngineerFilter): Promise<{ engineers: Engineer[], total: number }> {
      const where = `($1::uuid IS NULL OR station_id = $1) AND ($2::text IS NULL OR status = $2)
        AND ($3::text IS NULL OR name ILIKE '%' || $3 || '%' ESCAPE '\\') AND ($4::uuid[] IS NULL OR station_id = ANY($4::uuid[]))`
      // The search is a substring: % and _ in it are literal characters, not wildcards.
      const q = filter.q === undefined ? null : filter.q.replace(/[\\%_]/g, '\\$&')
      const params = [filter.stationId ?? null, filter.status ?? null, q, filter.stationIds === undefined ? null : [...filter.stationIds]]
      const [{ rows }, count] = await Promise.all([
        db.query<EngineerRow>(`SELECT ${COLUMNS} FROM dispatch_engineers WHERE ${where} ORDER BY name, id LIMIT $5 OFFSET $6`,
          [...params, filter.limit, filter.offset]),
        db.query<{ n: number }>(`SELECT count(*) AS n FROM dispatch_engineers WHERE ${where}`, params)
      ])
      return { engineers: rows.map(toEngineer), total: count.rows[0]?.n ?? 0 }
    },

    async rosterOf (stationId: string): Promise<RosterEntry[]> {
      const { rows } = await db.query<Pick<EngineerRow, 'id' | 'name' | 'status' | 'skills' | 'active_order_id'>>(
        'SELECT id, name, status, skills, active_order_id FROM dispatch_engineers WHERE station_id = $1 ORDER BY name, id', [stationId])
      return rows.map((row) => ({ id: row.id, name: row.name, status: row.status, skills: row.skills, activeOrderId: row.active_order_id }))
    },

    /** Every engineer with their jobs since their local midnight (see `countJobsToday`). */
    async loadAll (now: Date): Promise<Array<{ engineer: Engineer, jobsToday: number }>> {
      const [{ rows }, counts] = await Promise.all([
        db.query<EngineerRow>(`SELECT ${COLUMNS} FROM dispatch_engineers`),
        countJobsToday(now)
      ])
      return rows.map((row) => ({ engineer: toEngineer(row), jobsToday: counts.get(row.id) ?? 0 }))
    },

    countJobsToday,

    async update (id: string, changes: EngineerChanges, at: Date): Promise<Engineer | null> {
      const set: string[] = []
      const params: unknown[] = [id, at]
      const add = (column: string, value: unknown, cast = ''): void => {
        params.push(value)
        set.push(`${column} = $${params.length}${cast}`)
      }
      if (changes.userId !== undefined) add('user_id', changes.userId)
      if (changes.name !== undefined) add('name', changes.name)
      if (changes.phone !== undefined) add('phone', changes.phone)
      if (changes.stationId !== undefined) add('station_id', changes.stationId)
      if (changes.skills !== undefined) add('skills', JSON.stringify(changes.skills), '::jsonb')
      if (changes.territory !== undefined) add('territory', changes.territory === null ? null : JSON.stringify(changes.territory), '::jsonb')
      if (changes.home !== undefined) {
        add('home_lat', changes.home?.lat ?? null)
        add('home_lng', changes.home?.lng ?? null)
      }
      if (changes.shifts !== undefined) add('shifts', JSON.stringify(changes.shifts), '::jsonb')
      if (changes.timezone !== undefined) add('timezone', changes.timezone)
      if (changes.vanStock !== undefined) add('van_stock', JSON.stringify(changes.vanStock), '::jsonb')
      if (changes.maxDistanceKm !== undefined) add('max_distance_km', changes.maxDistanceKm)
      const { rows } = await db.query<EngineerRow>(
        `UPDATE dispatch_engineers SET ${[...set, 'updated_at = $2'].join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, params)
      return rows[0] === undefined ? null : toEngineer(rows[0])
    },

    async setPosition (id: string, position: LatLng, at: Date): Promise<Engineer | null> {
      const { rows } = await db.query<EngineerRow>(
        `UPDATE dispatch_engineers SET lat = $2, lng = $3, position_at = $4, updated_at = $4
         WHERE id = $1 AND (position_at IS NULL OR position_at <= $4) RETURNING ${COLUMNS}`,
        [id, position.lat, position.lng, at])
      return rows[0] === undefined ? null : toEngineer(rows[0])
    },

    /** Set a status chosen by the engineer; refused (null) while they hold an active order. */
    async setStatusIfIdle (id: string, status: EngineerStatus, at: Date): Promise<Engineer | null> {
      const { rows } = await db.query<EngineerRow>(
        `UPDATE dispatch_engineers SET status = $2, updated_at = $3 WHERE id = $1 AND active_order_id IS NULL RETURNING ${COLUMNS}`,
        [id, status, at])
      return rows[0] === undefined ? null : toEngineer(rows[0])
    },

    /**
     * The assignment lock: take the engineer for an order only if they are available and hold no order.
     * Concurrent claims serialise on the row lock; the loser re-reads the row, finds it taken, gets null.
     */
    async claim (id: string, orderId: string, at: Date): Promise<Engineer | null> {
      const { rows } = await db.query<EngineerRow>(
        `UPDATE dispatch_engineers SET active_order_id = $2, status = 'busy', updated_at = $3
         WHERE id = $1 AND active_order_id IS NULL AND status = 'available' RETURNING ${COLUMNS}`, [id, orderId, at])
      return rows[0] === undefined ? null : toEngineer(rows[0])
    },

    /**
     * Free the engineer from the order (completed, rejected, handed back, cancelled): available again,
     * or `off` when they let an offer lapse.
     */
    async release (id: string, orderId: string, at: Date, status: 'available' | 'off' = 'available'): Promise<Engineer | null> {
      const { rows } = await db.query<EngineerRow>(
        `UPDATE dispatch_engineers SET active_order_id = NULL, status = $4, updated_at = $3
         WHERE id = $1 AND active_order_id = $2 RETURNING ${COLUMNS}`, [id, orderId, at, status])
      return rows[0] === undefined ? null : toEngineer(rows[0])
    },

    /** Take parts off the van, never below zero, in one statement (no lost update against a stock edit). */
    async consumeStock (id: string, used: ReadonlyMap<string, number>, at: Date): Promise<Engineer | null> {
      const { rows } = await db.query<EngineerRow>(
        `UPDATE dispatch_engineers e SET updated_at = $4, van_stock = (
           SELECT COALESCE(jsonb_object_agg(s.key, CASE WHEN u.quantity IS NULL THEN s.value
             ELSE to_jsonb(GREATEST(0, (s.value)::integer - u.quantity)) END), '{}'::jsonb)
           FROM jsonb_each(e.van_stock) AS s
           LEFT JOIN unnest($2::text[], $3::integer[]) AS u(part, quantity) ON u.part = s.key)
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, [...used.keys()], [...used.values()], at])
      return rows[0] === undefined ? null : toEngineer(rows[0])
    },

    async countActiveOrders (id: string): Promise<number> {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*) AS n FROM dispatch_work_orders WHERE engineer_id = $1 AND status IN ${ACTIVE}`, [id])
      return rows[0]?.n ?? 0
    }
  }
}

export type EngineerRepository = ReturnType<typeof createEngineerRepository>
