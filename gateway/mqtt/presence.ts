import type { EventBus } from '../../core/event-bus.js'
import type { Logger } from '../../core/logger.js'
import type { DeviceRepository } from '../devices/device.repository.js'
import type { DisconnectReason } from '../events.js'

const LAST_SEEN_FLUSH_MS = 5000

/**
 * Online/offline state and last-seen time of devices. Connects and disconnects are written at once
 * (in order per device); last-seen times, touched by every packet, are batched into one UPDATE every
 * few seconds.
 */
export function createPresence (deps: { repo: DeviceRepository, bus: EventBus, logger: Logger, now?: () => number }) {
  const now = deps.now ?? Date.now
  // A box per device, updated in place by every packet (a new number in the Map would be an allocation).
  const lastSeen = new Map<string, { at: number }>()
  const chains = new Map<string, Promise<void>>()
  let timer: NodeJS.Timeout | null = null

  const inOrder = (deviceId: string, write: () => Promise<void>): void => {
    const previous = chains.get(deviceId) ?? Promise.resolve()
    const next = previous.then(write).catch((error: unknown) => deps.logger.error({ err: error, deviceId }, 'presence update failed'))
    chains.set(deviceId, next)
    void next.finally(() => { if (chains.get(deviceId) === next) chains.delete(deviceId) })
  }

  const flushLastSeen = async (): Promise<void> => {
    if (lastSeen.size === 0) return
    const ids = [...lastSeen.keys()]
    const times = ids.map((id) => new Date((lastSeen.get(id) as { at: number }).at))
    lastSeen.clear()
    await deps.repo.touchLastSeen(ids, times)
  }

  return {
    connected (deviceId: string, clientId: string): void {
      const at = new Date(now())
      inOrder(deviceId, () => deps.repo.markConnected(deviceId, at))
      deps.bus.publish('device.connected', { deviceId, clientId, at })
    },

    /** `remaining`: the device's other connections still open; it is offline only when none are. */
    disconnected (deviceId: string, clientId: string, reason: DisconnectReason, remaining: number): void {
      if (remaining > 0) return
      const at = new Date(now())
      inOrder(deviceId, () => deps.repo.markDisconnected(deviceId, at, reason))
      deps.bus.publish('device.disconnected', { deviceId, clientId, at, reason })
    },

    seen (deviceId: string): void {
      const box = lastSeen.get(deviceId)
      if (box === undefined) lastSeen.set(deviceId, { at: now() })
      else box.at = now()
    },

    /** A device reporting itself on `devices/{id}/status` (e.g. its Last Will "offline"). */
    reported (deviceId: string, clientId: string, payload: Uint8Array): void {
      const text = Buffer.from(payload).toString('utf8').trim().toLowerCase()
      if (text === 'offline' || text.includes('"offline"')) this.disconnected(deviceId, clientId, 'reported_offline', 0)
      else if (text === 'online' || text.includes('"online"')) this.connected(deviceId, clientId)
    },

    async markAllOffline (): Promise<void> {
      await deps.repo.markAllOffline('gateway_restart')
    },

    start (): void {
      timer ??= setInterval(() => {
        flushLastSeen().catch((error: unknown) => deps.logger.warn({ err: error }, 'last-seen flush failed'))
      }, LAST_SEEN_FLUSH_MS)
      timer.unref()
    },

    async stop (): Promise<void> {
      if (timer !== null) clearInterval(timer)
      timer = null
      await Promise.allSettled([...chains.values()])
      await flushLastSeen().catch(() => {})
    }
  }
}

export type Presence = ReturnType<typeof createPresence>
