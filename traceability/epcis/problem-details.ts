import { STATUS_CODES } from 'node:http'
import type { AfterlineError } from '../../core/errors.js'

/**
 * RFC 7807 problem details for the EPCIS endpoints, as the EPCIS 2.0 REST binding answers errors
 * (`application/problem+json`, `type` from its exception vocabulary). The platform's coded error
 * members (`statusCode`, `code`, `error`, `message`, `field`) are kept as extension members, so clients
 * of the rest of the API read it the same way.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

const EXCEPTION_TYPES: Record<string, { type: string, title: string }> = {
  TRC_EPCIS_INVALID: { type: 'epcisException:ValidationException', title: 'The EPCIS document is not valid' },
  TRC_EPCIS_CAPTURE_TOO_LARGE: { type: 'epcisException:CaptureLimitExceededException', title: 'Too many events in one capture' },
  TRC_EPCIS_QUERY_INVALID: { type: 'epcisException:QueryParameterException', title: 'A query parameter is not valid' },
  TRC_EPCIS_EVENT_NOT_FOUND: { type: 'epcisException:NoSuchResourceException', title: 'No such EPCIS event' },
  TRC_EPCIS_CAPTURE_NOT_FOUND: { type: 'epcisException:NoSuchResourceException', title: 'No such capture job' }
}

export function toProblemDetails (error: AfterlineError, instance?: string): Record<string, unknown> {
  const known = EXCEPTION_TYPES[error.code] ?? { type: 'about:blank', title: STATUS_CODES[error.statusCode] ?? 'Error' }
  return {
    type: known.type,
    title: known.title,
    status: error.statusCode,
    detail: error.message,
    ...(instance === undefined ? {} : { instance }),
    statusCode: error.statusCode,
    code: error.code,
    error: STATUS_CODES[error.statusCode] ?? 'Error',
    message: error.message,
    ...error.details
  }
}
