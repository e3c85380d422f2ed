import type { Queryable } from '../../../core/db/database.js'
import type { DeviceDirectory } from '../detection/pipeline.js'

interface Entry {
  model: string
  location: { lat: number, lng: number } | null
}

/**
 * The device registry as detection needs it (model and position per device), cached in memory so the
 * hot path never waits on the database; kept current from the registry's events.
 */
export function createDeviceDirectory (db: Queryable) {
  const entries = new Map<string, Entry>()

  const read = async (deviceId: string | null): Promise<Array<{ id: string, model: string, lat: number | null, lng: number | null }>> => {
    const { rows } = await db.query<{ id: string, model: string, lat: number | null, lng: number | null }>(
      'SELECT id, model, lat, lng FROM devices WHERE $1::uuid IS NULL OR id = $1', [deviceId])
    return rows
  }

  const toEntry = (row: { model: string, lat: number | null, lng: number | null }): Entry =>
    ({ model: row.model, location: row.lat === null || row.lng === null ? null : { lat: row.lat, lng: row.lng } })

  const directory = {
    modelOf: (deviceId: string): string | null => entries.get(deviceId)?.model ?? null,
    locationOf: (deviceId: string): Entry['location'] => entries.get(deviceId)?.location ?? null,

    async load (): Promise<number> {
      for (const row of await read(null)) entries.set(row.id, toEntry(row))
      return entries.size
    },

    set (deviceId: string, entry: Entry): void {
      entries.set(deviceId, entry)
    },

    /** Re-read one device; returns true when its model changed. */
    async refresh (deviceId: string): Promise<boolean> {
      const before = entries.get(deviceId)?.model
      const row = (await read(deviceId))[0]
      if (row === undefined) {
        entries.delete(deviceId)
        return before !== undefined
      }
      entries.set(deviceId, toEntry(row))
      return before !== row.model
    }
  } satisfies DeviceDirectory & Record<string, unknown>
  return directory
}

export type DeviceDirectoryCache = ReturnType<typeof createDeviceDirectory>
