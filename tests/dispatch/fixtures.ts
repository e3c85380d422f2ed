import type { TestPlatform } from '../helpers/platform.js'

/** Monday 23 November 2026, 11:00 in Shanghai. */
export const MONDAY_11H = Date.parse('2026-11-23T03:00:00Z')
export const CITY = { lat: 31.2304, lng: 121.4737 }

export function createClock (start = MONDAY_11H) {
  let now = start
  return {
    now: () => now,
    advanceMinutes (minutes: number): void { now += minutes * 60_000 },
    set (value: number): void { now = value }
  }
}

/** A point `eastKm` east and `northKm` north of the city centre. */
export function near (eastKm: number, northKm: number): { lat: number, lng: number } {
  return { lat: CITY.lat + northKm / 111.195, lng: CITY.lng + eastKm / (111.195 * Math.cos(CITY.lat * Math.PI / 180)) }
}

export interface FieldEngineer {
  id: string
  userId: string
  username: string
  token: string
}

let counter = 0

/** Create a user with role engineer, link an engineer profile to it, report a position and go available. */
export async function addEngineer (test: TestPlatform, supervisor: string, profile: Record<string, unknown> & { name: string, at: { lat: number, lng: number } }, options: { available?: boolean } = {}): Promise<FieldEngineer> {
  const username = `eng-${++counter}-${profile.name.toLowerCase().replace(/\s+/g, '-')}`
  const user = await test.platform.users.create({ username, password: 'engineer-password', role: 'engineer', displayName: profile.name })
  const { token } = await test.platform.users.login(username, 'engineer-password')
  const { at, ...rest } = profile
  const created = await test.request('POST', '/api/engineers', {
    token: supervisor,
    body: { skills: { hvac: 3, electrical: 2 }, timezone: 'Asia/Shanghai', home: at, ...rest, userId: user.id }
  })
  if (created.status !== 201) throw new Error(`engineer not created: ${created.text}`)
  const id = created.body.id as string
  await test.request('PUT', `/api/engineers/${id}/location`, { token, body: at })
  if (options.available ?? true) {
    const status = await test.request('PUT', `/api/engineers/${id}/status`, { token, body: { status: 'available' } })
    if (status.status !== 200) throw new Error(`status not set: ${status.text}`)
  }
  return { id, userId: user.id, username, token }
}

export async function openOrder (test: TestPlatform, token: string, body: Record<string, unknown>): Promise<any> {
  const response = await test.request('POST', '/api/work-orders', {
    token,
    body: { source: 'agent', priority: 'medium', problem: 'compressor trips on start', location: near(0, 0), requiredSkills: ['hvac'], ...body }
  })
  if (response.status !== 201) throw new Error(`order not created: ${response.text}`)
  return response.body
}

/** Every event the bus carried, in order (names and payloads). */
export function recordEvents (test: TestPlatform): Array<{ name: string, payload: any }> {
  const seen: Array<{ name: string, payload: any }> = []
  test.platform.bus.subscribeAll((envelope) => { seen.push({ name: envelope.name, payload: envelope.payload }) })
  return seen
}
