import fastifyStatic from '@fastify/static'
import { Ajv } from 'ajv'
import type { AnySchema } from 'ajv'
import addFormatsPlugin from 'ajv-formats'
import { fastify, LogController } from 'fastify'
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Principal } from '../core/auth/roles.js'
import { RouteResponse } from '../core/http/route.js'
import type { RouteDefinition } from '../core/http/route.js'
import type { Logger } from '../core/logger.js'
import { WEB_AUTH_INVALID, WEB_AUTH_REQUIRED, WEB_BAD_URL, WEB_FORBIDDEN, WEB_NOT_FOUND, WEB_PARAM_TOO_LONG, WEB_SHUTTING_DOWN, WEB_VALIDATION } from './errors.js'
import { toErrorBody } from './http-errors.js'
import { MAX_INPUT_DEPTH, narrowFormats, nonFiniteFieldOf, tooDeepFieldOf, unstorableFieldOf } from './input-guards.js'

/** fastify's default; a longer path parameter is answered 414 (WEB_PARAM_TOO_LONG). */
const MAX_PARAM_LENGTH = 100

const BODY_REFUSALS: ReadonlySet<string> = new Set(['WEB_BODY_INVALID', 'WEB_BODY_TOO_LARGE', 'WEB_MEDIA_TYPE'])

export interface HttpAppDeps {
  logger: Logger
  routes: readonly RouteDefinition[]
  authenticate: (token: string) => Promise<Principal | null>
  /** Folder of static pages served at `/`. */
  publicDir?: string
  bodyLimitBytes?: number
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null
  }
}

function bearerToken (request: FastifyRequest): string | null {
  const header = request.headers.authorization
  if (typeof header !== 'string') return null
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  return match?.[1] ?? null
}

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv

/** An ajv as fastify would build it, with the platform's narrowed formats. */
function createValidator (coerceTypes: 'array' | false): Ajv {
  const ajv = new Ajv({ removeAdditional: false, coerceTypes, useDefaults: true, allErrors: false, addUsedSchema: false })
  addFormats(ajv)
  narrowFormats(ajv as unknown as Parameters<typeof narrowFormats>[0])
  return ajv
}

/**
 * The fastify app: every module's RouteDefinitions become routes with their JSON Schemas (ajv),
 * an access check before anything else is read (401 without a valid token, 403 for a role the route
 * does not allow), and one error handler.
 */
export async function createHttpApp (deps: HttpAppDeps): Promise<FastifyInstance> {
  const app = fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    // Per-request lines would cost more than most handlers; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: deps.bodyLimitBytes ?? 16 * 1024 * 1024,
    // Requests arriving while the platform stops get a coded 503 (onRequest below), not fastify's own body.
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A URL the router cannot read (bad percent-encoding) or a path parameter that is too long,
    // answered like every other error: coded JSON.
    frameworkErrors: (error, request, reply) => {
      const coded = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? new WEB_PARAM_TOO_LONG(MAX_PARAM_LENGTH) : new WEB_BAD_URL()
      const { body } = toErrorBody(coded)
      void (reply as FastifyReply).code(body.statusCode).type('application/json; charset=utf-8').send(body)
    },
  })
  // Query strings and path parameters arrive as text: ajv coerces them to the schema's types ("20" →
  // 20, a single value → an array). JSON bodies carry their own types and are not coerced: coercion
  // would store `"lat": null` as 0 and `true` as 1.
  const textParts = createValidator('array')
  const bodies = createValidator(false)
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodies : textParts).compile(schema as AnySchema))
  app.decorateRequest('principal', null)
  let closing = false
  app.addHook('preClose', async () => { closing = true })
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return
    void reply.header('connection', 'close')
    throw new WEB_SHUTTING_DOWN()
  })

  // Bodies are JSON; a text/plain body would otherwise reach the schema as a string.
  app.removeContentTypeParser('text/plain')
  // JSON-LD (EPCIS) and other +json types are JSON, with or without parameters
  // (`application/ld+json; charset=utf-8`, `…; profile="https://ref.gs1.org/epcis"`).
  app.addContentTypeParser(/^application\/[a-z0-9.+-]*\+json\s*(;.*)?$/i, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))

  const answerError = (error: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const { body, internal } = toErrorBody(error)
    if (internal && body.code !== 'WEB_SHUTTING_DOWN') request.log.error({ err: error, url: request.url, method: request.method }, 'request failed')
    void reply.code(body.statusCode).type('application/json; charset=utf-8').send(body)
  }
  app.setErrorHandler(answerError)
  // A route that takes a standard's document type (it lists `bodyTypes`, e.g. EPCIS 2.0's JSON-LD) is
  // refused a body that cannot be read (not JSON, empty, too large, another media type) before its
  // handler runs, so it cannot answer in its own format: it gets RFC 7807 problem details, as such
  // REST bindings answer errors, with the platform's members kept as extension members.
  const answerBodyProblem = (error: unknown, request: FastifyRequest, reply: FastifyReply): void => {
    const { body } = toErrorBody(error)
    if (!BODY_REFUSALS.has(body.code)) return answerError(error, request, reply)
    const problem = { type: 'about:blank', title: body.error, status: body.statusCode, detail: body.message, instance: request.url.split('?')[0] ?? request.url, ...body }
    void reply.code(body.statusCode).type('application/problem+json').send(problem)
  }
  // Strings PostgreSQL cannot store (U+0000, lone surrogates): refused before validation, naming the field.
  app.addHook('preValidation', async (request) => {
    // First: everything after (these guards, validation, handlers) may walk the input recursively.
    const deep = tooDeepFieldOf(request)
    if (deep !== null) throw new WEB_VALIDATION(`${deep} nests deeper than ${MAX_INPUT_DEPTH} levels`).withDetails({ field: deep })
    const found = unstorableFieldOf(request)
    if (found !== null) throw new WEB_VALIDATION(`${found.field} ${found.problem}`).withDetails({ field: found.field })
  })
  // After validation, which coerces "Infinity" to a number and does not bound it.
  app.addHook('preHandler', async (request) => {
    const field = nonFiniteFieldOf(request)
    if (field !== null) throw new WEB_VALIDATION(`${field} must be a finite number`).withDetails({ field })
  })
  app.setNotFoundHandler((request, reply) => {
    const { body } = toErrorBody(new WEB_NOT_FOUND(request.method, request.url.split('?')[0] ?? request.url))
    void reply.code(404).send(body)
  })

  for (const route of deps.routes) {
    const access = route.access
    app.route({
      method: route.method,
      url: route.url,
      schema: route.schema,
      ...(route.bodyLimitBytes === undefined ? {} : { bodyLimit: route.bodyLimitBytes }),
      ...(route.bodyTypes === undefined ? {} : { errorHandler: answerBodyProblem }),
      ...(route.recordsVisit === true ? { exposeHeadRoute: false } : {}),
      // Public routes (consumers' verification, tracking) mostly come without a token: no promise then.
      onRequest: access === 'public'
        ? (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
          const token = bearerToken(request)
          if (token === null) { done(); return }
          deps.authenticate(token).then((principal) => { request.principal = principal; done() }, done)
        }
        : async (request: FastifyRequest): Promise<void> => {
          const token = bearerToken(request)
          if (token === null) throw new WEB_AUTH_REQUIRED()
          const principal = await deps.authenticate(token)
          if (principal === null) throw new WEB_AUTH_INVALID()
          if (principal.role !== 'admin' && !access.includes(principal.role)) {
            throw new WEB_FORBIDDEN(principal.role, `${route.method} ${route.url}`)
          }
          request.principal = principal
        },
      async handler (request: FastifyRequest, reply: FastifyReply) {
        const result = await route.handler({
          params: request.params,
          query: request.query,
          body: request.body,
          principal: request.principal,
          headers: request.headers,
          ip: request.ip
        })
        if (result instanceof RouteResponse) {
          // Objects are serialised as JSON; strings, buffers and streams are sent as they are.
          return await reply.code(result.status).headers(result.headers).send(result.body)
        }
        if (result === undefined) return await reply.code(204).send()
        return result
      }
    })
  }

  if (deps.publicDir !== undefined) {
    await app.register(fastifyStatic, { root: deps.publicDir, prefix: '/', index: ['index.html'], wildcard: true })
  }
  return app
}
