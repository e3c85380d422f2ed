import { randomUUID } from 'node:crypto'
import type { Database } from '../../core/db/database.js'
import { isUniqueViolation } from '../../core/db/database.js'
import { checkTimezone } from '../engineers/engineer-validation.js'
import type { LatLng } from '../engine/types.js'
import { DSP_STATION_CODE_TAKEN, DSP_STATION_NOT_FOUND } from '../errors.js'
import { createStationRepository } from './station.repository.js'
import type { Station, StationChanges } from './station.repository.js'

export interface NewStation {
  code: string
  name: string
  orgId?: string | null
  location: LatLng
  address?: string
  timezone?: string
}

export function createStationService (deps: { db: Database, now: () => number }) {
  const repo = createStationRepository(deps.db)
  /** station id → organisation id, for live-update rooms (`org:<orgId>`), which must be resolved synchronously. */
  const orgOf = new Map<string, string | null>()
  const remember = (station: Station): Station => {
    orgOf.set(station.id, station.orgId)
    return station
  }
  const codeTaken = (error: unknown, code: string | undefined): never => {
    if (isUniqueViolation(error) && code !== undefined) throw new DSP_STATION_CODE_TAKEN(code).withDetails({ field: 'body.code' })
    throw error
  }
  return {
    repository: repo,
    orgOf: (stationId: string | null): string | null => stationId === null ? null : orgOf.get(stationId) ?? null,
    async load (): Promise<void> {
      for (const station of await repo.list()) remember(station)
    },
    async create (input: NewStation): Promise<Station> {
      await checkTimezone(deps.db, input.timezone, 'body.timezone')
      return await repo.insert({
        id: randomUUID(), code: input.code, name: input.name, orgId: input.orgId ?? null, location: input.location,
        address: input.address ?? '', timezone: input.timezone ?? 'UTC'
      }, new Date(deps.now())).then(remember, (error: unknown) => codeTaken(error, input.code))
    },
    async get (id: string): Promise<Station> {
      const station = await repo.findById(id)
      if (station === null) throw new DSP_STATION_NOT_FOUND(id)
      return station
    },
    list: async (): Promise<Station[]> => await repo.list(),
    async update (id: string, changes: StationChanges): Promise<Station> {
      await checkTimezone(deps.db, changes.timezone, 'body.timezone')
      const station = await repo.update(id, changes, new Date(deps.now())).catch((error: unknown) => codeTaken(error, changes.code))
      if (station === null) throw new DSP_STATION_NOT_FOUND(id)
      return remember(station)
    }
  }
}

export type StationService = ReturnType<typeof createStationService>
