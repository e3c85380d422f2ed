import { randomUUID } from 'node:crypto'
import t from 'tap'
import { createEventBus } from '../../../../core/event-bus.js'
import { createSilentLogger } from '../../../../core/logger.js'
import { createDeviceService } from '../../../../gateway/devices/device.service.js'
import type { Alert } from '../../../../gateway/insight/alerts/alert.js'
import { createInsightWriter } from '../../../../gateway/insight/state/insight-writer.js'
import { forEachDriver, openTestDatabase } from '../../../helpers/database.js'

const alertOf = (deviceId: string, evidence: Record<string, unknown>, cause = 'rule:hot'): Alert => ({
  id: randomUUID(),
  deviceId,
  kind: 'threshold',
  cause,
  severity: 'warning',
  metric: 'temp',
  status: 'raised',
  raisedAt: new Date('2026-11-22T10:00:00Z'),
  acknowledgedAt: null,
  acknowledgedBy: null,
  clearedAt: null,
  clearedBy: null,
  clearReason: null,
  evidence,
  rul: null,
  location: null,
  requiredSkills: [],
  requiredParts: []
})

forEachDriver(t, 'an alert the database refuses is given up after a few tries and does not hold back other devices\' alerts', async (t, driver) => {
  const { db, close } = await openTestDatabase(driver)
  t.teardown(close)
  const logger = createSilentLogger()
  const devices = createDeviceService({ db, bus: createEventBus(logger) })
  const good = (await devices.create({ assetCode: 'W-1', model: 'pump' })).device.id
  const bad = (await devices.create({ assetCode: 'W-2', model: 'pump' })).device.id
  const writer = createInsightWriter({ db, logger, snapshot: () => null, delayMs: 60_000 })
  t.teardown(() => writer.close().catch(() => {}))

  // JSON.stringify writes a lone surrogate as \ud800, which PostgreSQL's jsonb refuses.
  writer.enqueueAlert(alertOf(bad, { note: 'broken \ud800 text' }))
  writer.enqueueAlert(alertOf(good, { value: 91 }))
  await t.rejects(writer.flush(), 'the refusing device\'s write fails')
  const stored = await db.query<{ device_id: string }>('SELECT device_id FROM insight_alerts')
  t.same(stored.rows.map((row) => row.device_id), [good], 'the other device\'s alert is stored anyway')

  await t.rejects(writer.flush(), 'retried alone, still refused')
  await writer.flush()
  t.equal(writer.pending, 0, 'after three refusals on its own the change is given up (and logged), not retried forever')
  writer.enqueueAlert(alertOf(good, { value: -4 }, 'rule:cold'))
  await writer.flush()
  t.equal((await db.query('SELECT 1 FROM insight_alerts')).rows.length, 2, 'later alerts are written as usual')
})
