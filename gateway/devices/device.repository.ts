import type { Queryable } from '../../core/db/database.js'

export interface LatLngLiteral {
  lat: number
  lng: number
}

export type DeviceStatus = 'online' | 'offline'

export interface Device {
  id: string
  assetCode: string
  model: string
  customer: Record<string, unknown>
  location: LatLngLiteral | null
  disabled: boolean
  status: DeviceStatus
  lastSeenAt: Date | null
  lastConnectedAt: Date | null
  lastDisconnectedAt: Date | null
  lastDisconnectReason: string | null
  createdAt: Date
  updatedAt: Date
}

export interface DeviceCredentialRecord {
  id: string
  secretHash: string
  disabled: boolean
}

interface DeviceRow {
  id: string
  asset_code: string
  model: string
  customer: Record<string, unknown>
  lat: number | null
  lng: number | null
  secret_hash: string
  disabled: boolean
  status: DeviceStatus
  last_seen_at: Date | null
  last_connected_at: Date | null
  last_disconnected_at: Date | null
  last_disconnect_reason: string | null
  created_at: Date
  updated_at: Date
}

const COLUMNS = `id, asset_code, model, customer, lat, lng, secret_hash, disabled, status, last_seen_at,
  last_connected_at, last_disconnected_at, last_disconnect_reason, created_at, updated_at`

function toDevice (row: DeviceRow): Device {
  return {
    id: row.id,
    assetCode: row.asset_code,
    model: row.model,
    customer: row.customer,
    location: row.lat === null || row.lng === null ? null : { lat: row.lat, lng: row.lng },
    disabled: row.disabled,
    status: row.status,
    lastSeenAt: row.last_seen_at,
    lastConnectedAt: row.last_connected_at,
    lastDisconnectedAt: row.last_disconnected_at,
    lastDisconnectReason: row.last_disconnect_reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at
  }
}

export interface DeviceFilter {
  status?: DeviceStatus | undefined
  model?: string | undefined
  /** Matches asset code or customer name (case-insensitive substring). */
  q?: string | undefined
  limit: number
  offset: number
}

export interface DeviceChanges {
  assetCode?: string
  model?: string
  customer?: Record<string, unknown>
  location?: LatLngLiteral | null
}

export function createDeviceRepository (db: Queryable) {
  return {
    async insert (device: { id: string, assetCode: string, model: string, customer: Record<string, unknown>, location: LatLngLiteral | null, secretHash: string }): Promise<Device> {
      const { rows } = await db.query<DeviceRow>(
        `INSERT INTO devices (id, asset_code, model, customer, lat, lng, secret_hash)
         VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) RETURNING ${COLUMNS}`,
        [device.id, device.assetCode, device.model, JSON.stringify(device.customer),
          device.location?.lat ?? null, device.location?.lng ?? null, device.secretHash])
      return toDevice(rows[0] as DeviceRow)
    },

    async findById (id: string): Promise<Device | null> {
      const { rows } = await db.query<DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE id = $1`, [id])
      return rows[0] === undefined ? null : toDevice(rows[0])
    },

    async findByAssetCode (assetCode: string): Promise<Device | null> {
      const { rows } = await db.query<DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE asset_code = $1`, [assetCode])
      return rows[0] === undefined ? null : toDevice(rows[0])
    },

    async list (filter: DeviceFilter): Promise<{ devices: Device[], total: number }> {
      const where = `($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR model = $2)
        AND ($3::text IS NULL OR asset_code ILIKE '%' || $3 || '%' OR customer->>'name' ILIKE '%' || $3 || '%')`
      const params = [filter.status ?? null, filter.model ?? null, filter.q ?? null]
      const [{ rows }, count] = await Promise.all([
        db.query<DeviceRow>(`SELECT ${COLUMNS} FROM devices WHERE ${where} ORDER BY asset_code LIMIT $4 OFFSET $5`,
          [...params, filter.limit, filter.offset]),
        db.query<{ n: number }>(`SELECT count(*) AS n FROM devices WHERE ${where}`, params)
      ])
      return { devices: rows.map(toDevice), total: count.rows[0]?.n ?? 0 }
    },

    async update (id: string, changes: DeviceChanges): Promise<Device | null> {
      const hasLocation = changes.location !== undefined
      const { rows } = await db.query<DeviceRow>(
        `UPDATE devices SET
           asset_code = COALESCE($2, asset_code),
           model = COALESCE($3, model),
           customer = COALESCE($4::jsonb, customer),
           lat = CASE WHEN $5::boolean THEN $6 ELSE lat END,
           lng = CASE WHEN $5::boolean THEN $7 ELSE lng END,
           updated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, changes.assetCode ?? null, changes.model ?? null,
          changes.customer === undefined ? null : JSON.stringify(changes.customer),
          hasLocation, changes.location?.lat ?? null, changes.location?.lng ?? null])
      return rows[0] === undefined ? null : toDevice(rows[0])
    },

    async setSecretHash (id: string, secretHash: string): Promise<boolean> {
      const { rowCount } = await db.query('UPDATE devices SET secret_hash = $2, updated_at = now() WHERE id = $1', [id, secretHash])
      return rowCount > 0
    },

    async setDisabled (id: string, disabled: boolean): Promise<Device | null> {
      const { rows } = await db.query<DeviceRow>(
        `UPDATE devices SET disabled = $2, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id, disabled])
      return rows[0] === undefined ? null : toDevice(rows[0])
    },

    async findCredentialsById (id: string): Promise<DeviceCredentialRecord | null> {
      const { rows } = await db.query<{ id: string, secret_hash: string, disabled: boolean }>(
        'SELECT id, secret_hash, disabled FROM devices WHERE id = $1', [id])
      const row = rows[0]
      return row === undefined ? null : { id: row.id, secretHash: row.secret_hash, disabled: row.disabled }
    },

    async findCredentialsBySecretHash (secretHash: string): Promise<DeviceCredentialRecord | null> {
      const { rows } = await db.query<{ id: string, secret_hash: string, disabled: boolean }>(
        'SELECT id, secret_hash, disabled FROM devices WHERE secret_hash = $1', [secretHash])
      const row = rows[0]
      return row === undefined ? null : { id: row.id, secretHash: row.secret_hash, disabled: row.disabled }
    },

    async markConnected (id: string, at: Date): Promise<void> {
      await db.query(`UPDATE devices SET status = 'online', last_connected_at = $2, last_seen_at = GREATEST(last_seen_at, $2)
        WHERE id = $1`, [id, at])
    },

    async markDisconnected (id: string, at: Date, reason: string): Promise<void> {
      await db.query(`UPDATE devices SET status = 'offline', last_disconnected_at = $2, last_disconnect_reason = $3,
        last_seen_at = GREATEST(last_seen_at, $2) WHERE id = $1`, [id, at, reason])
    },

    /** Record last-seen times in one statement (the presence tracker batches them). */
    async touchLastSeen (ids: readonly string[], times: readonly Date[]): Promise<void> {
      if (ids.length === 0) return
      await db.query(`UPDATE devices d SET last_seen_at = GREATEST(d.last_seen_at, u.t)
        FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, t) WHERE d.id = u.id`, [ids, times])
    },

    /** At start no device can be connected to this gateway yet. */
    async markAllOffline (reason: string): Promise<number> {
      const { rowCount } = await db.query(`UPDATE devices SET status = 'offline', last_disconnected_at = now(),
        last_disconnect_reason = $1 WHERE status = 'online'`, [reason])
      return rowCount
    }
  }
}

export type DeviceRepository = ReturnType<typeof createDeviceRepository>
