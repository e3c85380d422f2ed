import type { Queryable } from '../../../core/db/database.js'
import type { DeviceModel, DeviceModelDefinition } from './device-model.js'

interface ModelRow {
  id: string
  definition: Omit<DeviceModelDefinition, 'id'>
  version: number
  created_at: Date
  updated_at: Date
  updated_by: string | null
}

function toModel (row: ModelRow): DeviceModel {
  return { id: row.id, ...row.definition, version: row.version, createdAt: row.created_at, updatedAt: row.updated_at, updatedBy: row.updated_by }
}

export function createDeviceModelRepository (db: Queryable) {
  return {
    async list (): Promise<DeviceModel[]> {
      const { rows } = await db.query<ModelRow>('SELECT id, definition, version, created_at, updated_at, updated_by FROM insight_device_models ORDER BY id')
      return rows.map(toModel)
    },

    async findById (id: string): Promise<DeviceModel | null> {
      const { rows } = await db.query<ModelRow>('SELECT id, definition, version, created_at, updated_at, updated_by FROM insight_device_models WHERE id = $1', [id])
      return rows[0] === undefined ? null : toModel(rows[0])
    },

    /** Create, or replace and bump the version. */
    async upsert (definition: DeviceModelDefinition, by: string | null): Promise<DeviceModel> {
      const { id, ...rest } = definition
      const { rows } = await db.query<ModelRow>(
        `INSERT INTO insight_device_models (id, definition, updated_by) VALUES ($1, $2::jsonb, $3)
         ON CONFLICT (id) DO UPDATE SET definition = EXCLUDED.definition, version = insight_device_models.version + 1,
           updated_at = now(), updated_by = EXCLUDED.updated_by
         RETURNING id, definition, version, created_at, updated_at, updated_by`,
        [id, JSON.stringify(rest), by])
      return toModel(rows[0] as ModelRow)
    },

    async delete (id: string): Promise<boolean> {
      const { rowCount } = await db.query('DELETE FROM insight_device_models WHERE id = $1', [id])
      return rowCount > 0
    },

    async countDevices (id: string): Promise<number> {
      const { rows } = await db.query<{ n: number }>('SELECT count(*) AS n FROM devices WHERE model = $1', [id])
      return rows[0]?.n ?? 0
    }
  }
}
