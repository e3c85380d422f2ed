import { defineRoute, principalOf, respond } from '../../../core/http/route.js'
import type { RouteDefinition } from '../../../core/http/route.js'
import { IdParams } from '../../../core/http/schemas.js'
import type { DeviceService } from '../../devices/device.service.js'
import { alertJson } from '../alerts/alert.routes.js'
import type { AlertService } from '../alerts/alert.service.js'
import type { DeviceModelService } from '../device-models/device-model.service.js'
import { BomItemParams, BomItemUpdateBody, BomQuery, ContractBody, NewBomItemBody } from './profile.schema.js'
import type { ProfileService } from './profile.service.js'

const READERS = ['supervisor', 'agent', 'engineer'] as const

export interface HealthJson {
  healthIndex: number | null
  rul: { value: number, unit: string, lower: number, upper: number } | null
  updatedAt: string | null
}

export interface ProfileRouteDeps {
  devices: DeviceService
  profile: ProfileService
  models: DeviceModelService
  alerts: AlertService
  health: (deviceId: string) => Promise<HealthJson>
}

export function createProfileRoutes (deps: ProfileRouteDeps): RouteDefinition[] {
  const { devices, profile } = deps
  return [
    defineRoute({
      method: 'GET',
      url: '/api/devices/:id/health',
      access: READERS,
      summary: 'health index and remaining useful life with its band `{"healthIndex","rul":{"value","unit","lower","upper"},"updatedAt"}` (nulls until estimated)',
      schema: { params: IdParams },
      handler: async ({ params }) => {
        await devices.get(params.id)
        return await deps.health(params.id)
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/devices/:id/profile',
      access: READERS,
      summary: 'device 360°: device, model, owner, contract, BOM, open and past alerts, health, service history',
      schema: { params: IdParams },
      handler: async ({ params }) => {
        const device = await devices.get(params.id)
        const [contract, bom, open, recent, health, serviceHistory] = await Promise.all([
          profile.findContract(device.id),
          profile.bom(device.id, true),
          deps.alerts.list({ deviceId: device.id, status: 'open', limit: 100, offset: 0 }),
          deps.alerts.list({ deviceId: device.id, status: 'cleared', limit: 50, offset: 0 }),
          deps.health(device.id),
          profile.serviceHistory(device.id)
        ])
        return {
          device,
          model: deps.models.find(device.model),
          owner: device.customer,
          contract,
          bom: { fitted: bom.filter((item) => item.removedAt === null), removed: bom.filter((item) => item.removedAt !== null) },
          alerts: { open: open.alerts.map(alertJson), past: recent.alerts.map(alertJson), pastTotal: recent.total },
          health,
          serviceHistory
        }
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/devices/:id/contract',
      access: READERS,
      summary: 'the device\'s sale or lease contract',
      schema: { params: IdParams },
      handler: async ({ params }) => await profile.contract(params.id)
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/devices/:id/contract',
      access: ['admin'],
      summary: 'set the device\'s sale or lease contract (a lease needs endsOn)',
      schema: { params: IdParams, body: ContractBody },
      handler: async (request) => await profile.putContract(request.params.id, request.body, principalOf(request).username)
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/devices/:id/contract',
      access: ['admin'],
      summary: 'remove the device\'s contract',
      schema: { params: IdParams },
      handler: async ({ params }) => {
        await profile.deleteContract(params.id)
        return respond(204)
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/devices/:id/bom',
      access: READERS,
      summary: 'parts fitted to the device, newest first (includeRemoved=true adds parts taken off)',
      schema: { params: IdParams, querystring: BomQuery },
      handler: async ({ params, query }) => ({ items: await profile.bom(params.id, query.includeRemoved ?? false) })
    }),
    defineRoute({
      method: 'POST',
      url: '/api/devices/:id/bom',
      access: ['admin'],
      summary: 'record a part fitted to the device (part number, serial or code, fitted at, by whom)',
      schema: { params: IdParams, body: NewBomItemBody },
      handler: async (request) => respond(201, await profile.addBomItem(request.params.id, request.body, principalOf(request).username))
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/devices/:id/bom/:itemId',
      access: ['admin'],
      summary: 'correct a BOM entry, or set removedAt',
      schema: { params: BomItemParams, body: BomItemUpdateBody },
      handler: async (request) => await profile.updateBomItem(request.params.id, request.params.itemId, request.body, principalOf(request).username)
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/devices/:id/bom/:itemId',
      access: ['admin'],
      summary: 'take a part off the device (kept in the history as removed)',
      schema: { params: BomItemParams },
      handler: async (request) => await profile.removeBomItem(request.params.id, request.params.itemId, principalOf(request).username)
    }),
    defineRoute({
      method: 'GET',
      url: '/api/devices/:id/service-history',
      access: READERS,
      summary: 'completed work orders on the device, newest first',
      schema: { params: IdParams },
      handler: async ({ params }) => {
        await devices.get(params.id)
        return { visits: await profile.serviceHistory(params.id) }
      }
    })
  ]
}
