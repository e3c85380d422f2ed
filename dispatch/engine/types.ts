import type { MultiPolygon, Polygon } from 'geojson'

/** Shared shapes of the assignment engine. Pure data: no I/O, no clocks (time is passed in). */
export interface LatLng {
  lat: number
  lng: number
}

export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const
export type Priority = typeof PRIORITIES[number]

export const ENGINEER_STATUSES = ['off', 'available', 'busy', 'on_break'] as const
export type EngineerStatus = typeof ENGINEER_STATUSES[number]

export interface SkillRequirement {
  skill: string
  /** 1 (trainee) … 5 (expert); an engineer qualifies with this level or higher. */
  level: number
}

/** A weekly working window in the engineer's time zone; `end` before `start` runs past midnight. */
export interface ShiftWindow {
  /** 0 = Sunday … 6 = Saturday, the day the window starts. */
  days: number[]
  /** `HH:MM`, 24-hour clock. */
  start: string
  end: string
}

export type Territory = Polygon | MultiPolygon

/** What the engine knows about one engineer; the registry keeps it current. */
export interface EngineerSnapshot {
  id: string
  userId: string | null
  name: string
  stationId: string | null
  /** skill → level 1…5 */
  skills: Readonly<Record<string, number>>
  territory: Territory | null
  home: LatLng | null
  /** Empty = no schedule recorded: always on shift. */
  shifts: readonly ShiftWindow[]
  timezone: string
  status: EngineerStatus
  position: LatLng | null
  /** Epoch ms of the last position report. */
  positionAt: number | null
  /** part number → quantity on the van */
  vanStock: Readonly<Record<string, number>>
  activeOrderId: string | null
  /** Farthest this engineer is sent, km; null = the platform default. */
  maxDistanceKm: number | null
  /** Orders assigned to this engineer since the start of their day (workload balance). */
  jobsToday: number
}

/** What the engine needs to know about an order to find and rank engineers for it. */
export interface OrderDemand {
  id: string
  location: LatLng
  priority: Priority
  requiredSkills: readonly SkillRequirement[]
  requiredParts: readonly string[]
  rejectedBy: readonly string[]
  preferredEngineerId: string | null
  /** Epoch ms of the arrive deadline, when the order has one. */
  arriveBy: number | null
  /** Epoch ms the order was created. */
  createdAt: number
}
