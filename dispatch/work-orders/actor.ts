import type { Principal } from '../../core/auth/roles.js'

/** Who made a change, as the audit timeline records it. */
export interface Actor {
  userId: string | null
  name: string
  role: string
}

/** The platform itself: auto-dispatch, alert intake, the SLA checker. */
export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, name: 'Afterline dispatch', role: 'system' })

export function actorOf (principal: Principal): Actor {
  return { userId: principal.userId, name: principal.username, role: principal.role }
}
