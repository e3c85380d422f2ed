/**
 * Who can use the platform. `admin` passes every role check; other roles are granted per route.
 * `org_staff` belong to one organisation of the channel (factory, distributor, dealer, store,
 * service station), named by `orgId`.
 */
export const ROLES = ['admin', 'supervisor', 'agent', 'engineer', 'brand', 'org_staff'] as const

export type Role = typeof ROLES[number]

export interface Principal {
  userId: string
  username: string
  role: Role
  orgId: string | null
}

export function isRole (value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}
