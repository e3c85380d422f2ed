import type { Queryable } from '../../core/db/database.js'
import type { EpcRole, StoredEpcisEvent } from './epcis.types.js'
import { EVENT_COLUMNS, toStoredEvent } from './epcis.repository.js'
import type { StoredRowOf } from './epcis.repository.js'

/** One MATCH_* parameter: the roles it looks at and the identifiers (exact, or prefixes for patterns). */
export interface IdentifierMatch {
  roles: readonly EpcRole[]
  exact: string[]
  prefixes: string[]
}

/** A SimpleEventQuery with every value already in stored form (full URIs, canonical identifiers). */
export interface EventFilter {
  types?: string[] | undefined
  bizSteps?: string[] | undefined
  dispositions?: string[] | undefined
  readPoints?: string[] | undefined
  bizLocations?: string[] | undefined
  actions?: string[] | undefined
  eventIds?: string[] | undefined
  matches: IdentifierMatch[]
  geEventTime?: Date | undefined
  ltEventTime?: Date | undefined
  geRecordTime?: Date | undefined
  ltRecordTime?: Date | undefined
  errorDeclared?: boolean | undefined
  /** Only this organisation's events (org_staff); undefined = all. */
  orgId?: string | null | undefined
  orderBy: 'eventTime' | 'recordTime'
  direction: 'ASC' | 'DESC'
  limit: number
  /** Keyset cursor: the sort key (epoch ms) and seq of the last event of the previous page. */
  after?: { key: number, seq: number } | undefined
}

const ORDER_COLUMNS = { eventTime: 'e.event_time', recordTime: 'e.record_time' } as const

/** Build the WHERE clause and parameters; values are always parameters, never SQL text. */
export function buildEventQuery (filter: EventFilter): { sql: string, params: unknown[] } {
  const params: unknown[] = []
  const param = (value: unknown): string => {
    params.push(value)
    return `$${params.length}`
  }
  const where: string[] = []
  const anyOf = (column: string, values: string[] | undefined): void => {
    if (values !== undefined) where.push(`${column} = ANY(${param(values)}::text[])`)
  }
  anyOf('e.event_type', filter.types)
  anyOf('e.biz_step', filter.bizSteps)
  anyOf('e.disposition', filter.dispositions)
  anyOf('e.read_point', filter.readPoints)
  anyOf('e.biz_location', filter.bizLocations)
  anyOf('e.action', filter.actions)
  anyOf('e.event_id', filter.eventIds)
  for (const match of filter.matches) {
    const alternatives = [`x.epc = ANY(${param(match.exact)}::text[])`]
    if (match.prefixes.length > 0) alternatives.push(`x.epc LIKE ANY(${param(match.prefixes.map((p) => `${escapeLike(p)}%`))}::text[])`)
    where.push(`EXISTS (SELECT 1 FROM epcis_event_epcs x WHERE x.event_seq = e.seq AND x.role = ANY(${param(match.roles)}::text[])
      AND (${alternatives.join(' OR ')}))`)
  }
  if (filter.geEventTime !== undefined) where.push(`e.event_time >= ${param(filter.geEventTime.toISOString())}::timestamptz`)
  if (filter.ltEventTime !== undefined) where.push(`e.event_time < ${param(filter.ltEventTime.toISOString())}::timestamptz`)
  if (filter.geRecordTime !== undefined) where.push(`e.record_time >= ${param(filter.geRecordTime.toISOString())}::timestamptz`)
  if (filter.ltRecordTime !== undefined) where.push(`e.record_time < ${param(filter.ltRecordTime.toISOString())}::timestamptz`)
  if (filter.errorDeclared !== undefined) where.push(`e.error_declared = ${param(filter.errorDeclared)}`)
  if (filter.orgId !== undefined) where.push(filter.orgId === null ? 'false' : `e.org_id = ${param(filter.orgId)}`)

  const key = ORDER_COLUMNS[filter.orderBy]
  const direction = filter.direction === 'DESC' ? 'DESC' : 'ASC'
  if (filter.after !== undefined) {
    const cursor = `('epoch'::timestamptz + ${param(filter.after.key)}::int8 * INTERVAL '1 millisecond')`
    where.push(`(${key}, e.seq) ${direction === 'ASC' ? '>' : '<'} (${cursor}, ${param(filter.after.seq)}::int8)`)
  }
  const sql = `SELECT ${EVENT_COLUMNS} FROM epcis_events e
    ${where.length === 0 ? '' : `WHERE ${where.join('\n    AND ')}`}
    ORDER BY ${key} ${direction}, e.seq ${direction}
    LIMIT ${param(filter.limit)}::int8`
  return { sql, params }
}

function escapeLike (value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`)
}

export function createEpcisQueryRepository (db: Queryable) {
  return {
    /** Up to `limit` events matching the filter, in the requested order, after the cursor. */
    async findEvents (filter: EventFilter): Promise<Array<StoredEpcisEvent & { seq: number }>> {
      const { sql, params } = buildEventQuery(filter)
      const { rows } = await db.query<StoredRowOf>(sql, params)
      return rows.map(toStoredEvent)
    }
  }
}
