import type { Database } from '../../../core/db/database.js'
import { isConnectionError } from '../../../core/db/database.js'
import type { Logger } from '../../../core/logger.js'
import type { Alert } from '../alerts/alert.js'
import { writeAlertsAndStates } from './device-state.repository.js'
import type { DeviceStateRow } from './device-state.repository.js'

export interface InsightWriterOptions {
  db: Database
  logger: Logger
  /** The device's state as of now (taken when the batch is written), or null if it has none. */
  snapshot: (deviceId: string) => DeviceStateRow | null
  /** Delay between a change and its write (changes in between share the transaction). */
  delayMs?: number
}

const RETRY_MAX_MS = 30_000
/** Tries of one device's write on its own before the database's refusal is taken as final. */
const ALONE_TRIES = 3

/**
 * Persistence off the hot path: alert changes and device-state checkpoints are queued synchronously
 * and written in batches, one atomic statement each. A device whose alert changed is checkpointed in the same
 * transaction, so the stored state is never older than the stored alerts: replaying telemetry after
 * the checkpoint can only redo transitions that were lost, never repeat stored ones.
 */
export function createInsightWriter (options: InsightWriterOptions) {
  const delayMs = options.delayMs ?? 100
  let alerts = new Map<string, Alert>()
  let devices = new Set<string>()
  let timer: NodeJS.Timeout | null = null
  let running: Promise<void> | null = null
  let failures = 0
  let closed = false

  const schedule = (ms: number): void => {
    if (timer !== null || closed) return
    timer = setTimeout(() => {
      timer = null
      void writer.flush().catch(() => {})
    }, ms)
    timer.unref()
  }

  const writeBatch = async (): Promise<void> => {
    if (alerts.size === 0 && devices.size === 0) return
    const batchAlerts = alerts
    const batchDevices = devices
    alerts = new Map()
    devices = new Set()
    for (const alert of batchAlerts.values()) batchDevices.add(alert.deviceId)
    const rows: DeviceStateRow[] = []
    for (const deviceId of batchDevices) {
      const row = options.snapshot(deviceId)
      if (row !== null) rows.push(row)
    }
    try {
      await writeAlertsAndStates(options.db, [...batchAlerts.values()], rows)
      failures = 0
      refusals.clear()
    } catch (error) {
      if (!isConnectionError(error) && batchDevices.size > 1) {
        // The database refuses something in the batch: write device by device, so one device's
        // unstorable change cannot hold back everyone's alerts.
        await writeDeviceByDevice(batchAlerts, rows, batchDevices)
        return
      }
      const [only] = batchDevices
      if (!isConnectionError(error) && only !== undefined && settle(only, [...batchAlerts.values()], rows, error)) return
      // Keep the batch, in front of whatever arrived meanwhile, and retry with backoff.
      alerts = new Map([...batchAlerts, ...[...alerts].filter(([id]) => !batchAlerts.has(id))])
      devices = new Set([...batchDevices, ...devices])
      failures++
      options.logger.error({ err: error, alerts: batchAlerts.size, devices: rows.length }, 'insight: writing alerts and detection state failed; will retry')
      schedule(Math.min(RETRY_MAX_MS, delayMs * 2 ** failures))
      throw error
    }
  }

  // Per device, how often the database has refused its change written alone.
  const refusals = new Map<string, number>()

  /**
   * A device's change the database refused on its own: count it, and after ALONE_TRIES give it up
   * (logged in full, for an operator) rather than retry it forever. True if it was given up.
   */
  const settle = (deviceId: string, refusedAlerts: readonly Alert[], rows: readonly DeviceStateRow[], error: unknown): boolean => {
    const tries = (refusals.get(deviceId) ?? 0) + 1
    refusals.set(deviceId, tries)
    if (tries < ALONE_TRIES) return false
    refusals.delete(deviceId)
    options.logger.error({ err: error, deviceId, alerts: refusedAlerts, states: rows },
      'insight: the database refuses this device\'s alerts and detection state; they are not stored')
    return true
  }

  const writeDeviceByDevice = async (batchAlerts: Map<string, Alert>, rows: DeviceStateRow[], batchDevices: Set<string>): Promise<void> => {
    let failed: unknown = null
    for (const deviceId of batchDevices) {
      const own = [...batchAlerts.values()].filter((alert) => alert.deviceId === deviceId)
      const ownRows = rows.filter((row) => row.deviceId === deviceId)
      try {
        await writeAlertsAndStates(options.db, own, ownRows)
        refusals.delete(deviceId)
      } catch (error) {
        if (!isConnectionError(error) && settle(deviceId, own, ownRows, error)) continue
        failed = error
        for (const alert of own) if (!alerts.has(alert.id)) alerts.set(alert.id, alert)
        devices.add(deviceId)
      }
    }
    if (failed === null) {
      failures = 0
      return
    }
    failures++
    schedule(Math.min(RETRY_MAX_MS, delayMs * 2 ** failures))
    throw failed
  }

  const writer = {
    /** An alert changed (raised, acknowledged, cleared): write it with its device's state. */
    enqueueAlert (alert: Alert): void {
      alerts.set(alert.id, alert)
      schedule(delayMs)
    },

    /** Checkpoint these devices' detection state with the next batch. */
    enqueueStates (deviceIds: Iterable<string>): void {
      for (const deviceId of deviceIds) devices.add(deviceId)
      schedule(delayMs)
    },

    get pending (): number {
      return alerts.size + devices.size
    },

    /** Write everything queued so far; resolves when it is in the database. */
    async flush (): Promise<void> {
      while (running !== null) await running.catch(() => {})
      if (alerts.size === 0 && devices.size === 0) return
      running = writeBatch()
      try {
        await running
      } finally {
        running = null
      }
    },

    async close (): Promise<void> {
      if (timer !== null) clearTimeout(timer)
      timer = null
      await writer.flush()
      closed = true
    }
  }
  return writer
}

export type InsightWriter = ReturnType<typeof createInsightWriter>
