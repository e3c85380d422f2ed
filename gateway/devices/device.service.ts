import { randomUUID } from 'node:crypto'
import type { Database } from '../../core/db/database.js'
import { isUniqueViolation } from '../../core/db/database.js'
import type { EventBus } from '../../core/event-bus.js'
import { GW_DEVICE_ASSET_CODE_TAKEN, GW_DEVICE_NOT_FOUND } from '../errors.js'
import { createCredentialCache } from './credential-cache.js'
import { credentialsFor, generateDeviceSecret, hashDeviceSecret } from './credentials.js'
import type { DeviceCredentials } from './credentials.js'
import { createDeviceRepository } from './device.repository.js'
import type { Device, DeviceChanges, DeviceFilter, LatLngLiteral } from './device.repository.js'

export interface NewDevice {
  assetCode: string
  model: string
  customer?: Record<string, unknown>
  location?: LatLngLiteral | null
}

export function createDeviceService (deps: { db: Database, bus: EventBus }) {
  const repo = createDeviceRepository(deps.db)
  const credentials = createCredentialCache(repo)

  const assetCodeTaken = (error: unknown, assetCode: string | undefined): never => {
    if (isUniqueViolation(error) && assetCode !== undefined) {
      throw new GW_DEVICE_ASSET_CODE_TAKEN(assetCode).withDetails({ field: 'body.assetCode' })
    }
    throw error
  }

  const service = {
    repository: repo,
    credentials,

    /** Register a device; its credentials are returned here once and stored only as a hash. */
    async create (input: NewDevice): Promise<{ device: Device, credentials: DeviceCredentials }> {
      const id = randomUUID()
      const secret = generateDeviceSecret()
      const device = await repo.insert({
        id,
        assetCode: input.assetCode,
        model: input.model,
        customer: input.customer ?? {},
        location: input.location ?? null,
        secretHash: hashDeviceSecret(secret)
      }).catch((error: unknown) => assetCodeTaken(error, input.assetCode))
      deps.bus.publish('device.created', { deviceId: id, assetCode: device.assetCode, model: device.model, location: device.location })
      return { device, credentials: credentialsFor(id, secret) }
    },

    async get (id: string): Promise<Device> {
      const device = await repo.findById(id)
      if (device === null) throw new GW_DEVICE_NOT_FOUND(id)
      return device
    },

    /** The device with exactly this asset code (unique), or null. */
    async findByAssetCode (assetCode: string): Promise<Device | null> {
      return await repo.findByAssetCode(assetCode)
    },

    async list (filter: DeviceFilter): Promise<{ devices: Device[], total: number }> {
      return await repo.list(filter)
    },

    async update (id: string, changes: DeviceChanges): Promise<Device> {
      const device = await repo.update(id, changes).catch((error: unknown) => assetCodeTaken(error, changes.assetCode))
      if (device === null) throw new GW_DEVICE_NOT_FOUND(id)
      deps.bus.publish('device.updated', { deviceId: id })
      return device
    },

    /** New secret; sessions opened with the old one are closed (the gateway listens for the event). */
    async rotateCredentials (id: string): Promise<DeviceCredentials> {
      const secret = generateDeviceSecret()
      if (!await repo.setSecretHash(id, hashDeviceSecret(secret))) throw new GW_DEVICE_NOT_FOUND(id)
      credentials.evict(id)
      deps.bus.publish('device.credentials_rotated', { deviceId: id })
      return credentialsFor(id, secret)
    },

    async setDisabled (id: string, disabled: boolean): Promise<Device> {
      const device = await repo.setDisabled(id, disabled)
      if (device === null) throw new GW_DEVICE_NOT_FOUND(id)
      credentials.evict(id)
      deps.bus.publish(disabled ? 'device.disabled' : 'device.enabled', { deviceId: id })
      return device
    }
  }
  return service
}

export type DeviceService = ReturnType<typeof createDeviceService>
