import type { DeviceCredentialRecord, DeviceRepository } from './device.repository.js'

const TTL_MS = 30_000
const NEGATIVE_TTL_MS = 5_000
// Unknown usernames are cached too (a flood of bad logins must not become a flood of queries); the
// maps are cleared when they grow past this, which costs one query per device afterwards.
const MAX_ENTRIES = 200_000

/**
 * Device credentials are checked on every CONNECT; reconnect storms after a network cut would
 * otherwise hit the database once per device at the same moment. Entries expire after 30 s (so a
 * change made by another gateway process is seen), and this process's own changes evict at once.
 */
export function createCredentialCache (repo: DeviceRepository, now: () => number = Date.now) {
  const byId = new Map<string, { record: DeviceCredentialRecord | null, at: number }>()
  const idByHash = new Map<string, { id: string | null, at: number }>()

  const fresh = (entry: { at: number, record?: unknown, id?: unknown } | undefined, present: boolean): boolean =>
    entry !== undefined && now() - entry.at < (present ? TTL_MS : NEGATIVE_TTL_MS)

  return {
    async byDeviceId (id: string): Promise<DeviceCredentialRecord | null> {
      const cached = byId.get(id)
      if (cached !== undefined && fresh(cached, cached.record !== null)) return cached.record
      const record = await repo.findCredentialsById(id)
      if (byId.size >= MAX_ENTRIES) byId.clear()
      byId.set(id, { record, at: now() })
      return record
    },

    async bySecretHash (secretHash: string): Promise<DeviceCredentialRecord | null> {
      const cached = idByHash.get(secretHash)
      if (cached !== undefined && fresh(cached, cached.id !== null)) {
        return cached.id === null ? null : await this.byDeviceId(cached.id)
      }
      const record = await repo.findCredentialsBySecretHash(secretHash)
      if (idByHash.size >= MAX_ENTRIES) idByHash.clear()
      idByHash.set(secretHash, { id: record?.id ?? null, at: now() })
      if (record !== null) byId.set(record.id, { record, at: now() })
      return record
    },

    evict (id: string): void {
      byId.delete(id)
      for (const [hash, entry] of idByHash) if (entry.id === id) idByHash.delete(hash)
    }
  }
}

export type CredentialCache = ReturnType<typeof createCredentialCache>
