import { Type } from '@sinclair/typebox'
import { defineRoute, principalOf, respond } from '../../core/http/route.js'
import type { RouteDefinition } from '../../core/http/route.js'
import { OrgId } from '../catalog/catalog.schema.js'
import type { ContainerService } from './container.service.js'

const Sscc = Type.String({ pattern: '^[0-9]{18}$' })
const SsccParams = Type.Object({ sscc: Sscc })
const Children = Type.Array(Type.String({ minLength: 1, maxLength: 512 }), { minItems: 1, maxItems: 10000 })
const NewContainerBody = Type.Object({
  kind: Type.Union([Type.Literal('case'), Type.Literal('pallet')]),
  sscc: Type.Optional(Sscc),
  orgId: Type.Optional(Type.Union([OrgId, Type.Null()]))
}, { additionalProperties: false })
const PackBody = Type.Object({ children: Children, orgId: Type.Optional(Type.Union([OrgId, Type.Null()])) }, { additionalProperties: false })
const UnpackBody = Type.Object({ children: Type.Optional(Children), orgId: Type.Optional(Type.Union([OrgId, Type.Null()])) }, { additionalProperties: false })

const PACKERS = ['org_staff', 'brand'] as const

export function createContainerRoutes (containers: ContainerService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/containers',
      access: PACKERS,
      summary: 'register a case or pallet; the SSCC is allocated from TRACE_GS1_COMPANY_PREFIX unless given',
      schema: { body: NewContainerBody },
      handler: async (request) => respond(201, await containers.create(request.body, principalOf(request)))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/containers/:sscc',
      access: ['org_staff', 'brand', 'engineer'],
      summary: 'a case or pallet with everything inside it, nested',
      schema: { params: SsccParams },
      handler: async ({ params }) => await containers.get(params.sscc)
    }),
    defineRoute({
      method: 'POST',
      url: '/api/containers/:sscc/pack',
      access: PACKERS,
      summary: 'pack item codes and smaller containers into it (EPCIS AggregationEvent ADD, packing)',
      schema: { params: SsccParams, body: PackBody },
      handler: async (request) => await containers.pack(request.params.sscc, request.body.children, principalOf(request), request.body.orgId)
    }),
    defineRoute({
      method: 'POST',
      url: '/api/containers/:sscc/unpack',
      access: PACKERS,
      summary: 'take the listed children (default: all) out of it (EPCIS AggregationEvent DELETE, unpacking)',
      schema: { params: SsccParams, body: UnpackBody },
      handler: async (request) => await containers.unpack(request.params.sscc, request.body.children, principalOf(request), request.body.orgId)
    })
  ]
}
