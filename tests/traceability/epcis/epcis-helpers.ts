import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { DriverName } from '../../../core/db/database.js'
import { migrate } from '../../../core/db/migrate.js'
import { createEventBus } from '../../../core/event-bus.js'
import type { EventBus } from '../../../core/event-bus.js'
import { createSilentLogger } from '../../../core/logger.js'
import { createEpcisService } from '../../../traceability/epcis/index.js'
import type { EpcisService } from '../../../traceability/epcis/index.js'
import { allMigrations } from '../../../web/platform.js'
import { openTestDatabase } from '../../helpers/database.js'
import type { TestDatabase } from '../../helpers/database.js'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
const TRACEABILITY_MIGRATIONS = path.resolve(fileURLToPath(new URL('../../../traceability/migrations/', import.meta.url)))

/** A fixture document, parsed afresh on each call (tests may change it). */
export function loadFixture (name: string): any {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'))
}

export function listFixtures (): string[] {
  return fs.readdirSync(FIXTURES).filter((name) => name.endsWith('.jsonld')).sort()
}

/**
 * A migrated test database with the traceability tables, whether or not the composition root already
 * lists traceability's migrations (then they were applied by openTestDatabase and this is a no-op).
 */
export async function openEpcisDatabase (driver: DriverName): Promise<TestDatabase> {
  const database = await openTestDatabase(driver)
  if (!allMigrations.some((source) => path.resolve(source.dir) === TRACEABILITY_MIGRATIONS)) {
    await migrate(database.db, [{ module: 'traceability', dir: TRACEABILITY_MIGRATIONS }])
  }
  return database
}

export interface EpcisHarness {
  database: TestDatabase
  service: EpcisService
  bus: EventBus
  /** The clock the service reads; tests move it. */
  clock: { now: number }
  close (): Promise<void>
}

export async function startEpcis (driver: DriverName, startAt = Date.parse('2026-03-10T00:00:00Z')): Promise<EpcisHarness> {
  const database = await openEpcisDatabase(driver)
  const logger = createSilentLogger()
  const clock = { now: startAt }
  const bus = createEventBus(logger, () => clock.now)
  const service = createEpcisService({ db: database.db, bus, logger, now: () => clock.now })
  return {
    database,
    service,
    bus,
    clock,
    async close () {
      await bus.idle()
      await database.close()
    }
  }
}
