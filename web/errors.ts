import { createError } from '../core/errors.js'

export const WEB_VALIDATION = createError<[string]>(
  'WEB_VALIDATION', '%s', 400)
export const WEB_BODY_INVALID = createError<[string]>(
  'WEB_BODY_INVALID', 'request body is not valid JSON: %s', 400)
export const WEB_BODY_TOO_LARGE = createError(
  'WEB_BODY_TOO_LARGE', 'request body is too large', 413)
export const WEB_MEDIA_TYPE = createError<[string]>(
  'WEB_MEDIA_TYPE', 'unsupported content type %s; send application/json', 415)
export const WEB_AUTH_REQUIRED = createError(
  'WEB_AUTH_REQUIRED', 'log in first: send Authorization: Bearer <token> (POST /api/auth/login)', 401)
export const WEB_AUTH_INVALID = createError(
  'WEB_AUTH_INVALID', 'the bearer token is invalid or expired; log in again', 401)
export const WEB_FORBIDDEN = createError<[string, string]>(
  'WEB_FORBIDDEN', 'role %s may not use %s', 403)
export const WEB_NOT_FOUND = createError<[string, string]>(
  'WEB_NOT_FOUND', 'no route %s %s', 404)
export const WEB_BAD_REQUEST = createError<[string]>(
  'WEB_BAD_REQUEST', '%s', 400)
export const WEB_BAD_URL = createError(
  'WEB_BAD_URL', 'the URL path is not valid (bad percent-encoding?)', 400)
export const WEB_PARAM_TOO_LONG = createError<[number]>(
  'WEB_PARAM_TOO_LONG', 'a path parameter is longer than %d characters', 414)
export const WEB_SHUTTING_DOWN = createError(
  'WEB_SHUTTING_DOWN', 'the platform is stopping; try again shortly', 503)
export const WEB_INTERNAL = createError(
  'WEB_INTERNAL', 'internal error; it has been logged', 500)
export const WEB_PORT_IN_USE = createError<[string, number, string]>(
  'WEB_PORT_IN_USE', '%s %d is already in use; %s', 500)
