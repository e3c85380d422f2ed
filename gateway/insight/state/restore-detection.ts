import type { Logger } from '../../../core/logger.js'
import type { Reading } from '../../events.js'
import type { DetectionPipeline } from '../detection/pipeline.js'
import type { DeviceStateRepository } from './device-state.repository.js'

const PAGE = 20_000

/**
 * Restart: install every device's checkpointed detection state, then replay the telemetry stored after
 * each checkpoint (readings acknowledged before a crash but processed after the last checkpoint), in
 * time order, through the same pipeline. Raises that repeat an open alert are absorbed by the alert
 * book's deduplication; the writer's ordering (state saved with every alert change) ensures no stored
 * transition is replayed twice.
 */
export async function restoreDetection (deps: { pipeline: DetectionPipeline, states: DeviceStateRepository, logger: Logger, now: () => number }): Promise<{ devices: number, replayed: number }> {
  const rows = await deps.states.loadAll()
  let devices = 0
  for (const row of rows) {
    try {
      if (deps.pipeline.restore(row.deviceId, row.state, deps.now())) devices++
    } catch (error) {
      deps.logger.warn({ err: error, deviceId: row.deviceId }, 'insight: checkpoint could not be restored; the device starts afresh')
    }
  }
  let replayed = 0
  let cursor: { deviceId: string, tsUs: number, metric: string } | null = null
  for (;;) {
    const page = await deps.states.readingsAfterCheckpoints(cursor, PAGE)
    if (page.length === 0) break
    let batch: Reading[] = []
    let batchDevice = ''
    for (const row of page) {
      if (row.deviceId !== batchDevice && batch.length > 0) {
        deps.pipeline.onReadings(batchDevice, batch)
        batch = []
      }
      batchDevice = row.deviceId
      batch.push({ metric: row.metric, ts: row.tsUs, value: row.value })
    }
    if (batch.length > 0) deps.pipeline.onReadings(batchDevice, batch)
    replayed += page.length
    const last = page[page.length - 1] as (typeof page)[number]
    cursor = { deviceId: last.deviceId, tsUs: last.tsUs, metric: last.metric }
    if (page.length < PAGE) break
  }
  return { devices, replayed }
}
