import { randomUUID } from 'node:crypto'
import { defineRoute, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { IdParams } from '../../core/http/schemas.js'
import type { Broker } from '../mqtt/broker.js'
import { CommandBody, DeviceListQuery, DeviceUpdateBody, NewDeviceBody } from './device.schema.js'
import type { DeviceService } from './device.service.js'

const READERS = ['supervisor', 'agent', 'engineer'] as const

export function createDeviceRoutes (devices: DeviceService, broker: Broker): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/devices',
      access: ['admin'],
      summary: 'register a device; returns its MQTT credentials once',
      schema: { body: NewDeviceBody },
      handler: async ({ body }) => {
        const { device, credentials } = await devices.create(body)
        return respond(201, { ...device, credentials })
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/devices',
      access: READERS,
      summary: 'list devices by status, model or text (asset code, customer name)',
      schema: { querystring: DeviceListQuery },
      handler: async ({ query }) => await devices.list(query)
    }),
    defineRoute({
      method: 'GET',
      url: '/api/devices/:id',
      access: READERS,
      summary: 'one device with its online state and last-seen time',
      schema: { params: IdParams },
      handler: async ({ params }) => await devices.get(params.id)
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/devices/:id',
      access: ['admin'],
      summary: 'change asset code, model, customer or location',
      schema: { params: IdParams, body: DeviceUpdateBody },
      handler: async ({ params, body }) => await devices.update(params.id, body)
    }),
    defineRoute({
      method: 'POST',
      url: '/api/devices/:id/credentials',
      access: ['admin'],
      summary: 'issue new MQTT credentials (shown once); open connections are closed',
      schema: { params: IdParams },
      handler: async ({ params }) => ({ deviceId: params.id, credentials: await devices.rotateCredentials(params.id) })
    }),
    defineRoute({
      method: 'POST',
      url: '/api/devices/:id/disable',
      access: ['admin'],
      summary: 'refuse the device\'s connections (open ones are closed)',
      schema: { params: IdParams },
      handler: async ({ params }) => await devices.setDisabled(params.id, true)
    }),
    defineRoute({
      method: 'POST',
      url: '/api/devices/:id/enable',
      access: ['admin'],
      summary: 'accept the device\'s connections again',
      schema: { params: IdParams },
      handler: async ({ params }) => await devices.setDisabled(params.id, false)
    }),
    defineRoute({
      method: 'POST',
      url: '/api/devices/:id/commands',
      access: ['supervisor'],
      summary: 'send a command to the device on devices/{id}/commands (QoS 1)',
      schema: { params: IdParams, body: CommandBody },
      handler: async ({ params, body }) => {
        const device = await devices.get(params.id)
        const command = { id: randomUUID(), name: body.name, params: body.params ?? {}, sentAt: new Date().toISOString() }
        await broker.sendCommand(device.id, command)
        return respond(202, { ...command, delivered: broker.isConnected(device.id) ? 'sent' : 'queued_for_persistent_session' })
      }
    })
  ]
}
