/**
 * The work order lifecycle. Every transition is one route; each names the states it may start from
 * and the state it leads to. A request in any other state is refused with DSP_ORDER_STATE (409).
 *
 *   new ──assign──▶ assigned ──accept──▶ accepted ──depart──▶ en_route ──arrive──▶ on_site ──complete──▶ completed
 *    ▲                 │                    │                     │
 *    └──── reject (engineer; remembered and never offered again) ─┘ (from assigned or accepted)
 *    └──── unassign (dispatcher hands it back; from assigned, accepted or en_route)
 *    └──── expire (the platform takes back an offer left unanswered; as a refusal, never offered again)
 *   any open state ──cancel──▶ cancelled
 */
export const WORK_ORDER_STATUSES = ['new', 'assigned', 'accepted', 'en_route', 'on_site', 'completed', 'cancelled'] as const
export type WorkOrderStatus = typeof WORK_ORDER_STATUSES[number]

export const ACTIVE_STATUSES: readonly WorkOrderStatus[] = ['assigned', 'accepted', 'en_route', 'on_site']
export const OPEN_STATUSES: readonly WorkOrderStatus[] = ['new', ...ACTIVE_STATUSES]

export type TransitionName = 'assign' | 'accept' | 'reject' | 'depart' | 'arrive' | 'complete' | 'unassign' | 'expire' | 'cancel'

/** Who may make the transition besides admins: dispatchers (supervisors, station staff), the assigned engineer, or the service desk. */
export type TransitionActor = 'dispatcher' | 'engineer' | 'desk'

export interface Transition {
  from: readonly WorkOrderStatus[]
  to: WorkOrderStatus
  actor: TransitionActor
}

export const TRANSITIONS: Readonly<Record<TransitionName, Transition>> = Object.freeze({
  assign: { from: ['new'], to: 'assigned', actor: 'dispatcher' },
  accept: { from: ['assigned'], to: 'accepted', actor: 'engineer' },
  reject: { from: ['assigned', 'accepted'], to: 'new', actor: 'engineer' },
  depart: { from: ['accepted'], to: 'en_route', actor: 'engineer' },
  arrive: { from: ['en_route'], to: 'on_site', actor: 'engineer' },
  complete: { from: ['on_site'], to: 'completed', actor: 'engineer' },
  unassign: { from: ['assigned', 'accepted', 'en_route'], to: 'new', actor: 'dispatcher' },
  expire: { from: ['assigned'], to: 'new', actor: 'dispatcher' },
  cancel: { from: ['new', 'assigned', 'accepted', 'en_route', 'on_site'], to: 'cancelled', actor: 'desk' }
})

export function canTransition (name: TransitionName, from: WorkOrderStatus): boolean {
  return TRANSITIONS[name].from.includes(from)
}

export function isActive (status: WorkOrderStatus): boolean {
  return ACTIVE_STATUSES.includes(status)
}
