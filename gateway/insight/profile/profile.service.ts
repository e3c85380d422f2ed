import type { Database } from '../../../core/db/database.js'
import type { DeviceService } from '../../devices/device.service.js'
import { GW_BOM_ITEM_INVALID, GW_BOM_ITEM_NOT_FOUND, GW_CONTRACT_INVALID, GW_CONTRACT_NOT_FOUND } from '../errors.js'
import type { PartInstalledEvent } from '../part-installed-event.js'
import type { WorkOrderCompletedEvent } from '../workorder-completed-event.js'
import { createProfileRepository } from './profile.repository.js'
import type { BomItem, Contract } from './profile.repository.js'
import type { BomItemUpdateInput, ContractInput, NewBomItemInput } from './profile.schema.js'

/**
 * The device's record beyond telemetry: its contract, the parts fitted to it (BOM) and its service
 * visits. Admins edit contracts and BOM; traceability's `part.installed` and dispatch's
 * `workorder.completed` fill them in automatically.
 */
export function createProfileService (deps: { db: Database, devices: DeviceService, now: () => number }) {
  const repo = createProfileRepository(deps.db)
  let installs: Promise<void> = Promise.resolve()

  const checkContract = (input: ContractInput): void => {
    if (input.type === 'lease' && (input.endsOn === undefined || input.endsOn === null)) {
      throw new GW_CONTRACT_INVALID('body.endsOn', 'is required for a lease').withDetails({ field: 'body.endsOn' })
    }
    if (input.endsOn !== undefined && input.endsOn !== null && input.endsOn < input.startsOn) {
      throw new GW_CONTRACT_INVALID('body.endsOn', `must not be before startsOn (${input.startsOn})`).withDetails({ field: 'body.endsOn' })
    }
    if (input.warrantyUntil !== undefined && input.warrantyUntil !== null && input.warrantyUntil < input.startsOn) {
      throw new GW_CONTRACT_INVALID('body.warrantyUntil', `must not be before startsOn (${input.startsOn})`).withDetails({ field: 'body.warrantyUntil' })
    }
  }

  const checkBomDates = (fittedAt: Date, removedAt: Date | null | undefined): void => {
    if (fittedAt.getTime() > deps.now() + 60_000) {
      throw new GW_BOM_ITEM_INVALID('body.fittedAt', 'is in the future').withDetails({ field: 'body.fittedAt' })
    }
    if (removedAt !== undefined && removedAt !== null && removedAt < fittedAt) {
      throw new GW_BOM_ITEM_INVALID('body.removedAt', 'must not be before fittedAt').withDetails({ field: 'body.removedAt' })
    }
  }

  const codeTaken = async (code: string | null | undefined, exceptId: string | null): Promise<void> => {
    if (code === undefined || code === null) return
    const fitted = await repo.fittedByCode(code)
    if (fitted !== null && fitted.id !== exceptId) {
      throw new GW_BOM_ITEM_INVALID('body.code', `is fitted to device ${fitted.deviceId}; remove it there first`).withDetails({ field: 'body.code' })
    }
  }

  return {
    async contract (deviceId: string): Promise<Contract> {
      await deps.devices.get(deviceId)
      const contract = await repo.contract(deviceId)
      if (contract === null) throw new GW_CONTRACT_NOT_FOUND(deviceId)
      return contract
    },

    async findContract (deviceId: string): Promise<Contract | null> {
      return await repo.contract(deviceId)
    },

    async putContract (deviceId: string, input: ContractInput, by: string): Promise<Contract> {
      await deps.devices.get(deviceId)
      checkContract(input)
      return await repo.putContract({
        deviceId, type: input.type, number: input.number, customer: input.customer ?? {}, startsOn: input.startsOn,
        endsOn: input.endsOn ?? null, warrantyUntil: input.warrantyUntil ?? null, terms: input.terms ?? {}, notes: input.notes ?? null, updatedBy: by
      })
    },

    async deleteContract (deviceId: string): Promise<void> {
      await deps.devices.get(deviceId)
      if (!await repo.deleteContract(deviceId)) throw new GW_CONTRACT_NOT_FOUND(deviceId)
    },

    async bom (deviceId: string, includeRemoved = false): Promise<BomItem[]> {
      await deps.devices.get(deviceId)
      return await repo.bom(deviceId, includeRemoved)
    },

    async addBomItem (deviceId: string, input: NewBomItemInput, by: string): Promise<BomItem> {
      await deps.devices.get(deviceId)
      const fittedAt = input.fittedAt === undefined ? new Date(deps.now()) : new Date(input.fittedAt)
      checkBomDates(fittedAt, null)
      await codeTaken(input.code, null)
      return await repo.insertBomItem({
        deviceId, position: input.position ?? null, partNumber: input.partNumber, name: input.name ?? null, serial: input.serial ?? null,
        code: input.code ?? null, gtin: input.gtin ?? null, lot: input.lot ?? null, fittedAt, fittedBy: input.fittedBy ?? by,
        workOrderId: input.workOrderId ?? null, provenance: null, source: 'manual'
      })
    },

    async updateBomItem (deviceId: string, itemId: string, input: BomItemUpdateInput, by: string): Promise<BomItem> {
      await deps.devices.get(deviceId)
      const current = await repo.bomItem(deviceId, itemId)
      if (current === null) throw new GW_BOM_ITEM_NOT_FOUND(itemId).withDetails({ field: 'params.itemId' })
      const fittedAt = input.fittedAt === undefined ? current.fittedAt : new Date(input.fittedAt)
      const removedAt = input.removedAt === undefined ? current.removedAt : input.removedAt === null ? null : new Date(input.removedAt)
      checkBomDates(fittedAt, removedAt)
      if (removedAt === null) await codeTaken(input.code ?? current.code, current.id)
      const { removedAt: _removed, fittedAt: _fitted, ...rest } = input
      const updated = await repo.updateBomItem(deviceId, itemId, {
        ...rest,
        ...(input.fittedAt === undefined ? {} : { fittedAt }),
        ...(input.removedAt === undefined ? {} : { removedAt, removedBy: removedAt === null ? null : by })
      })
      return updated as BomItem
    },

    /** Taking a part off keeps it in the history (removedAt, removedBy). */
    async removeBomItem (deviceId: string, itemId: string, by: string): Promise<BomItem> {
      await deps.devices.get(deviceId)
      const removed = await repo.updateBomItem(deviceId, itemId, { removedAt: new Date(deps.now()), removedBy: by })
      if (removed === null) throw new GW_BOM_ITEM_NOT_FOUND(itemId).withDetails({ field: 'params.itemId' })
      return removed
    },

    async serviceHistory (deviceId: string) {
      return await repo.serviceHistory(deviceId)
    },

    /**
     * `part.installed`: the scanned part goes on the device's BOM. The same code fitted elsewhere is
     * taken off there first (a part is on one machine at a time); a repeated event changes nothing.
     * Two idempotent statements, one event at a time (no explicit transaction: see docs/ARCHITECTURE.md).
     */
    async recordPartInstalled (event: PartInstalledEvent): Promise<void> {
      const run = installs.then(async () => {
        const fitted = await repo.fittedByCode(event.code)
        if (fitted !== null && fitted.deviceId === event.deviceId) return
        if (fitted !== null) await repo.updateBomItem(fitted.deviceId, fitted.id, { removedAt: new Date(event.installedAt), removedBy: event.installedBy })
        await repo.insertBomItem({
          deviceId: event.deviceId, position: null, partNumber: event.gtin, name: null, serial: event.serial, code: event.code,
          gtin: event.gtin, lot: event.lot, fittedAt: new Date(event.installedAt), fittedBy: event.installedBy,
          workOrderId: event.workOrderId, provenance: event.provenance as unknown as ReadonlyArray<Record<string, unknown>>, source: 'traceability'
        })
      })
      installs = run.catch(() => {})
      await run
    },

    /** A work order on a machine was completed: a visit in its service history (orders without a machine are not). */
    async recordWorkOrderCompleted (event: WorkOrderCompletedEvent): Promise<void> {
      if (event.deviceId === null) return
      await repo.recordServiceVisit({
        workOrderId: event.workOrderId, deviceId: event.deviceId, engineerId: event.engineerId,
        completedAt: new Date(event.completedAt), notes: event.notes, partsUsed: event.partsUsed
      })
    }
  }
}

export type ProfileService = ReturnType<typeof createProfileService>
