import type { Database } from '../../../core/db/database.js'
import type { EventBus } from '../../../core/event-bus.js'
import { compileModel } from '../detection/compile-model.js'
import type { CompiledModel } from '../detection/compile-model.js'
import type { RulModelCatalog } from '../detection/rul-port.js'
import { GW_MODEL_IN_USE, GW_MODEL_INVALID, GW_MODEL_NOT_FOUND } from '../errors.js'
import type { DeviceModel, DeviceModelDefinition } from './device-model.js'
import { createDeviceModelRepository } from './device-model.repository.js'
import { validateDeviceModel, validateFaultCodes, validateRules } from './validate-device-model.js'
import type { Validated } from './validate-device-model.js'

export interface DeviceModelServiceOptions {
  db: Database
  bus: EventBus
  rul: RulModelCatalog
  /** Told about every model (re)defined or removed: the detection pipeline. */
  onCompiled: (model: CompiledModel) => void
  onRemoved: (modelId: string) => void
}

function unwrap<T> (result: Validated<T>): T {
  if (result.ok) return result.value
  throw new GW_MODEL_INVALID(result.problem.field, result.problem.message).withDetails({ field: result.problem.field })
}

function definitionOf (model: DeviceModel): DeviceModelDefinition {
  const { version: _v, createdAt: _c, updatedAt: _u, updatedBy: _b, ...definition } = model
  return definition
}

/**
 * Device models: validated, stored as JSON documents, cached in memory (detection compiles them, the
 * fault-code lookup searches them) and kept in step with the pipeline on every change.
 */
export function createDeviceModelService (options: DeviceModelServiceOptions) {
  const repo = createDeviceModelRepository(options.db)
  const cache = new Map<string, DeviceModel>()

  const install = (model: DeviceModel): DeviceModel => {
    cache.set(model.id, model)
    options.onCompiled(compileModel(definitionOf(model), model.version, model.rul === null ? null : options.rul.get(model.rul.artifact)))
    return model
  }

  const save = async (definition: DeviceModelDefinition, by: string | null): Promise<DeviceModel> => {
    const model = install(await repo.upsert(definition, by))
    options.bus.publish('device_model.updated', { modelId: model.id, version: model.version })
    return model
  }

  const service = {
    /** Load every stored model into the cache and the pipeline (at start). */
    async load (): Promise<number> {
      const models = await repo.list()
      for (const model of models) install(model)
      return models.length
    },

    list (): DeviceModel[] {
      return [...cache.values()].sort((a, b) => a.id.localeCompare(b.id))
    },

    get (id: string): DeviceModel {
      const model = cache.get(id)
      if (model === undefined) throw new GW_MODEL_NOT_FOUND(id).withDetails({ field: 'params.id' })
      return model
    },

    find (id: string): DeviceModel | null {
      return cache.get(id) ?? null
    },

    async put (id: string, body: unknown, by: string | null): Promise<{ model: DeviceModel, created: boolean }> {
      const definition = unwrap(validateDeviceModel(id, body, options.rul))
      const created = !cache.has(id)
      return { model: await save(definition, by), created }
    },

    async putRules (id: string, body: unknown, by: string | null): Promise<DeviceModel> {
      const current = service.get(id)
      const rules = unwrap(validateRules(body, current))
      return await save({ ...definitionOf(current), rules }, by)
    },

    async putFaultCodes (id: string, body: unknown, by: string | null): Promise<DeviceModel> {
      const current = service.get(id)
      const faultCodes = unwrap(validateFaultCodes(body))
      return await save({ ...definitionOf(current), faultCodes }, by)
    },

    async delete (id: string): Promise<void> {
      service.get(id)
      const devices = await repo.countDevices(id)
      if (devices > 0) throw new GW_MODEL_IN_USE(id, devices).withDetails({ field: 'params.id' })
      await repo.delete(id)
      cache.delete(id)
      options.onRemoved(id)
      options.bus.publish('device_model.deleted', { modelId: id })
    }
  }
  return service
}

export type DeviceModelService = ReturnType<typeof createDeviceModelService>
