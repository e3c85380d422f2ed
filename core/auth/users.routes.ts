import { defineRoute, principalOf, respond } from '../http/route.js'
import type { RouteDefinition } from '../http/route.js'
import { IdParams } from '../http/schemas.js'
import { ROLES } from './roles.js'
import { LoginBody, NewUserBody, UserListQuery, UserUpdateBody } from './users.schema.js'
import type { UserService } from './users.service.js'

export function createUserRoutes (users: UserService): RouteDefinition[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/auth/login',
      access: 'public',
      summary: 'exchange username and password for a bearer token',
      schema: { body: LoginBody },
      handler: async ({ body }) => {
        const { token, user } = await users.login(body.username, body.password)
        return { token, user }
      }
    }),
    defineRoute({
      method: 'GET',
      url: '/api/auth/me',
      access: ROLES,
      summary: 'the logged-in user',
      handler: async (request) => await users.get(principalOf(request).userId)
    }),
    defineRoute({
      method: 'GET',
      url: '/api/users',
      access: ['admin'],
      summary: 'list users, optionally by role',
      schema: { querystring: UserListQuery },
      handler: async ({ query }) => ({ users: await users.list({ role: query.role }) })
    }),
    defineRoute({
      method: 'POST',
      url: '/api/users',
      access: ['admin'],
      summary: 'create a user with a role (org_staff need an orgId)',
      schema: { body: NewUserBody },
      handler: async ({ body }) => respond(201, await users.create(body))
    }),
    defineRoute({
      method: 'GET',
      url: '/api/users/:id',
      access: ['admin'],
      summary: 'one user',
      schema: { params: IdParams },
      handler: async ({ params }) => await users.get(params.id)
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/users/:id',
      access: ['admin'],
      summary: 'change role, organisation, name, password, or disable a user',
      schema: { params: IdParams, body: UserUpdateBody },
      handler: async ({ params, body }) => await users.update(params.id, body)
    })
  ]
}
