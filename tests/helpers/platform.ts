import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Role } from '../../core/auth/roles.js'
import { loadConfig } from '../../core/config.js'
import type { Database, DriverName } from '../../core/db/database.js'
import { createSilentLogger } from '../../core/logger.js'
import { startPlatform } from '../../web/platform.js'
import type { Platform } from '../../web/platform.js'
import { openTestDatabase } from './database.js'

export const ADMIN_PASSWORD = 'admin-password-for-tests'
export const TEST_ORG_ID = 'org-test'
/**
 * scrypt's N for the test platform's users: 2^10 instead of 2^15, since every platform start hashes the
 * admin's password and every `tokenFor` hashes and verifies one more. Verification still reads the
 * cost from the stored hash, and tests/core/users.test.ts checks the default.
 */
export const TEST_PASSWORD_COST = 2 ** 10

export interface TestPlatform {
  platform: Platform
  driver: DriverName
  dataDir: string
  mqttUrl: string
  httpUrl: string
  /** A bearer token for a user of that role (created on first use). */
  tokenFor (role: Role): Promise<string>
  /** fastify inject with JSON in and out. */
  request (method: string, url: string, options?: { token?: string | null, body?: unknown, headers?: Record<string, string> }): Promise<{ status: number, body: any, headers: Record<string, unknown>, text: string }>
  close (): Promise<void>
}

/**
 * The whole platform on loopback, ports chosen by the OS, a fresh database (a private schema on the
 * server driver, in memory embedded) and a temporary DATA_DIR for the spool.
 */
export async function startTestPlatform (driver: DriverName, options: {
  env?: Record<string, string>
  now?: () => number
  /** A database the test opened itself (e.g. through a proxy); the test closes it. */
  db?: Database
} = {}): Promise<TestPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-test-'))
  const database = options.db === undefined
    ? await openTestDatabase(driver, { migrate: false, template: true })
    : { db: options.db, close: async () => {} }
  const config = loadConfig({
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: '0',
    DATA_DIR: dataDir,
    ADMIN_PASSWORD,
    LOG_LEVEL: 'silent',
    // Tests move their clocks by hours with offers standing; offers expire where a test asks for it.
    DISPATCH_OFFER_TIMEOUT_MIN: '0',
    ...options.env
  })
  const platform = await startPlatform(config, {
    db: database.db,
    logger: createSilentLogger(),
    passwordCost: TEST_PASSWORD_COST,
    ...(options.now === undefined ? {} : { now: options.now })
  })
  const tokens = new Map<Role, string>()

  const request: TestPlatform['request'] = async (method, url, requestOptions = {}) => {
    const headers: Record<string, string> = { ...requestOptions.headers }
    if (requestOptions.token !== undefined && requestOptions.token !== null) headers.authorization = `Bearer ${requestOptions.token}`
    const response = await platform.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(requestOptions.body === undefined ? {} : { payload: requestOptions.body as object })
    })
    let body: unknown = null
    try {
      body = response.body === '' ? null : JSON.parse(response.body)
    } catch {
      body = null
    }
    return { status: response.statusCode, body, headers: response.headers, text: response.body }
  }

  return {
    platform,
    driver,
    dataDir,
    mqttUrl: `mqtt://127.0.0.1:${platform.mqtt.port}`,
    httpUrl: `http://127.0.0.1:${platform.http.port}`,
    request,
    async tokenFor (role) {
      const known = tokens.get(role)
      if (known !== undefined) return known
      const username = role === 'admin' ? 'admin' : `test-${role}`
      const password = role === 'admin' ? ADMIN_PASSWORD : `password-${role}`
      if (role !== 'admin') {
        await platform.users.create({ username, password, role, orgId: role === 'org_staff' ? TEST_ORG_ID : null })
      }
      const { token } = await platform.users.login(username, password)
      tokens.set(role, token)
      return token
    },
    async close () {
      await platform.stop()
      await database.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
