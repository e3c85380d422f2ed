import { STATUS_CODES } from 'node:http'
import type { FastifyError } from 'fastify'
import { AfterlineError, CORE_DB_UNAVAILABLE } from '../core/errors.js'
import { isConnectionError } from '../core/db/database.js'
import { NOT_BLANK } from '../core/http/schemas.js'
import { WEB_BAD_REQUEST, WEB_BODY_INVALID, WEB_BODY_TOO_LARGE, WEB_INTERNAL, WEB_MEDIA_TYPE, WEB_VALIDATION } from './errors.js'

export interface ErrorBody {
  statusCode: number
  code: string
  error: string
  message: string
  field?: string
  [key: string]: unknown
}

interface AjvLikeError {
  instancePath: string
  message?: string
  params: Record<string, unknown>
}

const CONTEXT_NAMES: Record<string, string> = { querystring: 'query', body: 'body', params: 'params', headers: 'headers' }

/** `body.location.lat`, `query.from`, `body.customer` + missing `name` → `body.customer.name`. */
export function fieldOf (context: string | undefined, error: AjvLikeError): string {
  const base = CONTEXT_NAMES[context ?? 'body'] ?? context ?? 'body'
  const path = error.instancePath.split('/').filter((part) => part !== '').join('.')
  const extra = typeof error.params.missingProperty === 'string'
    ? error.params.missingProperty
    : typeof error.params.additionalProperty === 'string' ? error.params.additionalProperty : ''
  return [base, path, extra].filter((part) => part !== '').join('.')
}

function describeProblem (error: AjvLikeError): string {
  if (typeof error.params.missingProperty === 'string') return 'is required'
  if (typeof error.params.additionalProperty === 'string') return 'is not an accepted field'
  if (error.params.pattern === NOT_BLANK) return 'must not be blank'
  const allowed = Array.isArray(error.params.allowedValues) ? `: ${(error.params.allowedValues as unknown[]).join(', ')}` : ''
  return `${error.message ?? 'is invalid'}${allowed}`
}

/**
 * The one place errors become HTTP answers: coded 4xx go to the client as they are (with the field
 * when known); anything else is a 5xx answered without internals and logged by the caller.
 */
export function toErrorBody (error: unknown): { body: ErrorBody, internal: boolean } {
  let coded: AfterlineError
  let internal = false
  const fastifyError = error as FastifyError & { validation?: AjvLikeError[], validationContext?: string }
  if (error instanceof AfterlineError) {
    // 503 says "try later" and is safe to pass on; other 5xx messages may carry internals.
    internal = error.statusCode >= 500
    coded = internal && error.statusCode !== 503 ? new WEB_INTERNAL() : error
  } else if (Array.isArray(fastifyError.validation) && fastifyError.validation.length > 0) {
    const first = fastifyError.validation[0] as AjvLikeError
    const field = fieldOf(fastifyError.validationContext, first)
    coded = new WEB_VALIDATION(`${field} ${describeProblem(first)}`).withDetails({ field })
  } else if (fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) {
    coded = new WEB_BODY_INVALID(fastifyError.message).withDetails({ field: 'body' })
  } else if (fastifyError.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    coded = new WEB_BODY_INVALID('body is empty').withDetails({ field: 'body' })
  } else if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    coded = new WEB_BODY_TOO_LARGE()
  } else if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    coded = new WEB_MEDIA_TYPE(String(fastifyError.message.split(': ')[1] ?? 'given'))
  } else if (isConnectionError(error)) {
    coded = new CORE_DB_UNAVAILABLE('try again shortly')
    internal = true
  } else if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    coded = new WEB_BAD_REQUEST(fastifyError.message)
  } else {
    coded = new WEB_INTERNAL()
    internal = true
  }
  const body: ErrorBody = {
    statusCode: coded.statusCode,
    code: coded.code,
    error: STATUS_CODES[coded.statusCode] ?? 'Error',
    message: coded.message,
    ...coded.details
  }
  return { body, internal }
}
