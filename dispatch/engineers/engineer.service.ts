import { randomUUID } from 'node:crypto'
import type { Principal } from '../../core/auth/roles.js'
import type { Database } from '../../core/db/database.js'
import { isUniqueViolation } from '../../core/db/database.js'
import type { EventBus } from '../../core/event-bus.js'
import type { AccessScope } from '../access.js'
import type { EngineerPool } from '../engine/engineer-pool.js'
import type { EngineerStatus, LatLng, ShiftWindow, Territory } from '../engine/types.js'
import {
  DSP_ENGINEER_HAS_ACTIVE_ORDER, DSP_ENGINEER_NOT_FOUND, DSP_ENGINEER_NOT_LINKED, DSP_ENGINEER_USER_INVALID,
  DSP_ENGINEER_USER_TAKEN, DSP_NOT_YOUR_PROFILE, DSP_STATION_NOT_FOUND, DSP_STATION_SCOPE, DSP_STATUS_RESERVED
} from '../errors.js'
import type { StationRepository } from '../stations/station.repository.js'
import { checkShifts, checkTerritory, checkTimezone } from './engineer-validation.js'
import { createEngineerRepository, toSnapshot } from './engineer.repository.js'
import type { Engineer, EngineerChanges, EngineerFilter, RosterEntry } from './engineer.repository.js'

export interface NewEngineer {
  name: string
  userId?: string | null
  phone?: string | null
  stationId?: string | null
  skills?: Record<string, number>
  territory?: Territory | null
  home?: LatLng | null
  shifts?: ShiftWindow[]
  timezone?: string
  vanStock?: Record<string, number>
  maxDistanceKm?: number | null
}

export interface EngineerServiceDeps {
  db: Database
  bus: EventBus
  pool: EngineerPool
  stations: StationRepository
  scope: AccessScope
  now: () => number
}

export function createEngineerService (deps: EngineerServiceDeps) {
  const { db, bus, pool, now } = deps
  const repo = createEngineerRepository(db)

  /** Mirror the stored engineer into the engine's pool, keeping the workload count it has. */
  const sync = (engineer: Engineer): void => {
    pool.put(toSnapshot(engineer, pool.get(engineer.id)?.jobsToday ?? 0))
  }

  const checkLinks = async (changes: { userId?: string | null | undefined, stationId?: string | null | undefined }, selfId: string | null): Promise<void> => {
    if (changes.stationId !== undefined && changes.stationId !== null && await deps.stations.findById(changes.stationId) === null) {
      throw new DSP_STATION_NOT_FOUND(changes.stationId).withDetails({ field: 'body.stationId' })
    }
    if (changes.userId !== undefined && changes.userId !== null) {
      if (!await deps.scope.isEngineerUser(changes.userId)) throw new DSP_ENGINEER_USER_INVALID(changes.userId).withDetails({ field: 'body.userId' })
      const holder = await repo.findByUserId(changes.userId)
      if (holder !== null && holder.id !== selfId) throw new DSP_ENGINEER_USER_TAKEN(changes.userId).withDetails({ field: 'body.userId' })
    }
  }

  const userTaken = (error: unknown, userId: string | null | undefined): never => {
    if (isUniqueViolation(error) && userId !== undefined && userId !== null) {
      throw new DSP_ENGINEER_USER_TAKEN(userId).withDetails({ field: 'body.userId' })
    }
    throw error
  }

  const service = {
    repository: repo,

    /** Load every engineer into the pool (at start, and to refresh workload counts). */
    async loadPool (): Promise<number> {
      const all = await repo.loadAll(new Date(now()))
      for (const { engineer, jobsToday } of all) pool.put(toSnapshot(engineer, jobsToday))
      return all.length
    },

    /** Recount each engineer's jobs since their local midnight (the workload factor resets daily). */
    async refreshWorkload (): Promise<void> {
      const counts = await repo.countJobsToday(new Date(now()))
      for (const engineer of [...pool.values()]) {
        const jobs = counts.get(engineer.id) ?? 0
        if (engineer.jobsToday !== jobs) pool.update(engineer.id, { jobsToday: jobs })
      }
    },

    async create (input: NewEngineer): Promise<Engineer> {
      checkTerritory(input.territory, 'body.territory')
      checkShifts(input.shifts, 'body.shifts')
      await checkTimezone(db, input.timezone, 'body.timezone')
      await checkLinks(input, null)
      const engineer = await repo.insert({
        id: randomUUID(),
        userId: input.userId ?? null,
        name: input.name,
        phone: input.phone ?? null,
        stationId: input.stationId ?? null,
        skills: input.skills ?? {},
        territory: input.territory ?? null,
        home: input.home ?? null,
        shifts: input.shifts ?? [],
        timezone: input.timezone ?? 'UTC',
        vanStock: input.vanStock ?? {},
        maxDistanceKm: input.maxDistanceKm ?? null,
        at: new Date(now())
      }).catch((error: unknown) => userTaken(error, input.userId))
      sync(engineer)
      return engineer
    },

    async get (id: string): Promise<Engineer> {
      const engineer = await repo.findById(id)
      if (engineer === null) throw new DSP_ENGINEER_NOT_FOUND(id)
      return engineer
    },

    /** The caller's own engineer profile. */
    async getMine (principal: Principal): Promise<Engineer> {
      const engineer = await repo.findByUserId(principal.userId)
      if (engineer === null) throw new DSP_ENGINEER_NOT_LINKED()
      return engineer
    },

    /** Read one engineer as the caller may: engineers only themselves, station staff only their stations'. */
    async getFor (id: string, principal: Principal): Promise<Engineer> {
      const engineer = await service.get(id)
      await service.checkScope(engineer, principal)
      return engineer
    },

    async checkScope (engineer: Engineer, principal: Principal): Promise<void> {
      if (principal.role === 'engineer' && engineer.userId !== principal.userId) throw new DSP_NOT_YOUR_PROFILE()
      const stations = await deps.scope.stationIdsOf(principal)
      if (stations !== null && (engineer.stationId === null || !stations.includes(engineer.stationId))) {
        throw new DSP_STATION_SCOPE(`engineer ${engineer.id}`)
      }
    },

    async list (filter: EngineerFilter, principal: Principal): Promise<{ engineers: Engineer[], total: number }> {
      const stations = await deps.scope.stationIdsOf(principal)
      if (stations === null) return await repo.list(filter)
      if (filter.stationId !== undefined && !stations.includes(filter.stationId)) throw new DSP_STATION_SCOPE(`station ${filter.stationId}`)
      // Station staff of several stations: their engineers in one list, ordered and paged by the database.
      if (filter.stationId === undefined && stations.length !== 1) return await repo.list({ ...filter, stationIds: stations })
      return await repo.list({ ...filter, stationId: filter.stationId ?? stations[0] })
    },

    /**
     * A station's engineers for a caller who may list them (supervisors, agents, the station's own
     * staff); null for anyone else (engineers, other stations' staff), who see the station alone.
     */
    async rosterOf (stationId: string, principal: Principal): Promise<RosterEntry[] | null> {
      if (principal.role === 'engineer') return null
      const stations = await deps.scope.stationIdsOf(principal)
      if (stations !== null && !stations.includes(stationId)) return null
      return await repo.rosterOf(stationId)
    },

    async update (id: string, changes: EngineerChanges): Promise<Engineer> {
      checkTerritory(changes.territory, 'body.territory')
      checkShifts(changes.shifts, 'body.shifts')
      await checkTimezone(db, changes.timezone, 'body.timezone')
      await checkLinks(changes, id)
      const engineer = await repo.update(id, changes, new Date(now())).catch((error: unknown) => userTaken(error, changes.userId))
      if (engineer === null) throw new DSP_ENGINEER_NOT_FOUND(id)
      sync(engineer)
      return engineer
    },

    /** A position report from the engineer's phone or van; older reports than the last are ignored. */
    async updateLocation (id: string, position: LatLng, reportedAt: number | null, principal: Principal): Promise<Engineer> {
      const current = await service.get(id)
      await service.checkScope(current, principal)
      const at = new Date(Math.min(reportedAt ?? now(), now()))
      const engineer = await repo.setPosition(id, position, at) ?? current
      if (engineer.position !== null && engineer.positionAt?.getTime() === at.getTime()) {
        if (pool.get(id) === undefined) sync(engineer)
        else pool.moveTo(id, engineer.position, at.getTime())
        bus.publish('engineer.location_updated', {
          engineerId: id, userId: engineer.userId, stationId: engineer.stationId, lat: engineer.position.lat, lng: engineer.position.lng,
          at, activeOrderId: engineer.activeOrderId
        })
      }
      return engineer
    },

    /** off / available / on_break, chosen by the engineer (or a supervisor); busy is the platform's. */
    async setStatus (id: string, status: EngineerStatus, principal: Principal): Promise<Engineer> {
      if (status === 'busy') throw new DSP_STATUS_RESERVED().withDetails({ field: 'body.status' })
      const current = await service.get(id)
      await service.checkScope(current, principal)
      if (current.status === status) return current
      const engineer = await repo.setStatusIfIdle(id, status, new Date(now()))
      if (engineer === null) {
        const fresh = await service.get(id)
        throw new DSP_ENGINEER_HAS_ACTIVE_ORDER(id, fresh.activeOrderId ?? 'unknown')
      }
      sync(engineer)
      bus.publish('engineer.status_changed', {
        engineerId: id, userId: engineer.userId, stationId: engineer.stationId, status, previous: current.status,
        activeOrderId: null, at: new Date(now())
      })
      return engineer
    }
  }
  return service
}

export type EngineerService = ReturnType<typeof createEngineerService>
