import type { Test } from 'tap'
import { startTestPlatform } from '../helpers/platform.js'
import type { TestPlatform } from '../helpers/platform.js'
import { seedChannel } from './fixtures.js'

/** The clock of the scan tests: scans are dated hours before it. */
export const NOW = Date.parse('2026-11-20T12:00:00Z')
export const iso = (hoursBefore: number): string => new Date(NOW - hoursBefore * 3_600_000).toISOString()

export type ScanCall = (body: Record<string, unknown>, token?: string) => ReturnType<TestPlatform['request']>

/** A platform with the fixed channel, closed after the test; `scan` posts to /api/scans (as admin unless told). */
export async function setup (t: Test, driver: 'embedded' | 'server') {
  const test = await startTestPlatform(driver, { now: () => NOW })
  t.teardown(() => test.close())
  const brand = await seedChannel(test)
  const admin = await test.tokenFor('admin')
  const scan: ScanCall = async (body, token = admin) => await test.request('POST', '/api/scans', { token, body })
  return { test, brand, admin, scan }
}

/** Factory → distributor → dealer → Wenzhou store, every hand-over scanned and passing. */
export async function moveToStore (scan: ScanCall, code: string): Promise<void> {
  const steps: Array<Record<string, unknown>> = [
    { action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: iso(200) },
    { action: 'receive', orgId: 'dist-east', at: iso(180) },
    { action: 'ship', orgId: 'dist-east', toOrgId: 'dealer-zj', at: iso(150) },
    { action: 'receive', orgId: 'dealer-zj', at: iso(130) },
    { action: 'ship', orgId: 'dealer-zj', toOrgId: 'store-wenzhou', at: iso(100) },
    { action: 'receive', orgId: 'store-wenzhou', at: iso(90) }
  ]
  for (const step of steps) {
    const answer = await scan({ code, ...step })
    if (answer.status !== 200 || answer.body.result !== 'ok') throw new Error(`${String(step.action)}: ${JSON.stringify(answer.body)}`)
  }
}
