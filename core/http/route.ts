import type { Static, TSchema } from '@sinclair/typebox'
import type { Principal, Role } from '../auth/roles.js'
import { CORE_AUTH_REQUIRED } from '../errors.js'

/**
 * Routes are data: each domain module exports `RouteDefinition`s and web turns them into fastify
 * routes, so domain code never imports the HTTP framework. `access` is the contract the route × role
 * test walks: `'public'` (no login; a valid token still identifies the caller) or the roles allowed
 * (admin is always allowed).
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
export type Access = 'public' | readonly Role[]

export interface RouteRequest<Params = unknown, Query = unknown, Body = unknown> {
  params: Params
  query: Query
  body: Body
  /** The logged-in caller; null on a public route called without a token. */
  principal: Principal | null
  headers: Readonly<Record<string, string | string[] | undefined>>
  ip: string
}

/** A reply other than `200 application/json`: status, headers, and a body that may be a stream. */
export class RouteResponse {
  constructor (
    readonly status: number,
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {}
  ) {}
}

export function respond (status: number, body?: unknown, headers?: Record<string, string>): RouteResponse {
  return new RouteResponse(status, body, headers)
}

export interface RouteSchema {
  params?: TSchema
  querystring?: TSchema
  body?: TSchema
  /** Answers by status, serialised from the schema (a hot route's answer; others use JSON.stringify). */
  response?: Readonly<Record<number, TSchema>>
}

export interface RouteDefinition {
  method: HttpMethod
  url: string
  access: Access
  summary: string
  schema: RouteSchema
  /** Content types accepted for the body besides application/json (e.g. application/ld+json). */
  bodyTypes?: readonly string[]
  /** Largest body accepted, bytes (default: the app's limit); public routes keep theirs small. */
  bodyLimitBytes?: number
  /**
   * A GET that records something (a consumer's verification): no HEAD route is derived from it, so a
   * link checker's or preview bot's HEAD does not count as a visit.
   */
  recordsVisit?: boolean
  handler (request: RouteRequest<any, any, any>): Promise<unknown>
}

type StaticOr<S, Fallback> = S extends TSchema ? Static<S> : Fallback

/** Define a route whose handler sees params, query and body typed from their schemas. */
export function defineRoute<P extends TSchema | undefined = undefined, Q extends TSchema | undefined = undefined, B extends TSchema | undefined = undefined> (route: {
  method: HttpMethod
  url: string
  access: Access
  summary: string
  schema?: { params?: P, querystring?: Q, body?: B, response?: Readonly<Record<number, TSchema>> }
  bodyTypes?: readonly string[]
  bodyLimitBytes?: number
  recordsVisit?: boolean
  handler: (request: RouteRequest<StaticOr<P, Record<string, never>>, StaticOr<Q, Record<string, never>>, StaticOr<B, undefined>>) => Promise<unknown>
}): RouteDefinition {
  return { ...route, schema: (route.schema ?? {}) as RouteSchema }
}

/** The caller of a non-public route (web has already refused anonymous calls; this narrows the type). */
export function principalOf (request: { principal: Principal | null }): Principal {
  if (request.principal === null) throw new CORE_AUTH_REQUIRED()
  return request.principal
}
