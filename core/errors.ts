import { format } from 'node:util'

/**
 * Every error the platform reports to a client or a log carries a stable code
 * (`<PREFIX>_<AREA>_<WHAT>`), an HTTP status and a message. Codes are created
 * once, in each module's `errors.ts`, and registered here so that
 * `docs/errors.md` can be checked against the code (tests/core/errors-doc.test.ts).
 */
export interface ErrorDetails {
  /** The input that was wrong, as a path: `body.location.lat`, `query.from`, `payload.values.temp`. */
  field?: string
  [key: string]: unknown
}

export class AfterlineError extends Error {
  readonly code: string
  readonly statusCode: number
  details: ErrorDetails | undefined

  constructor (code: string, message: string, statusCode: number, details?: ErrorDetails) {
    super(message)
    this.name = 'AfterlineError'
    this.code = code
    this.statusCode = statusCode
    this.details = details
  }

  /** Attach the offending field (and anything else useful to the caller); returns `this` for `throw`. */
  withDetails (details: ErrorDetails): this {
    this.details = { ...this.details, ...details }
    return this
  }
}

export interface AfterlineErrorConstructor<Args extends unknown[]> {
  new (...args: Args): AfterlineError
  readonly code: string
  readonly statusCode: number
  readonly template: string
}

export interface ErrorCatalogEntry {
  code: string
  statusCode: number
  template: string
}

const catalog = new Map<string, ErrorCatalogEntry>()

const CODE_PATTERN = /^(CORE|GW|DSP|TRC|WEB)_[A-Z0-9_]+$/

/**
 * `const DSP_ORDER_STATE = createError<[string, string]>('DSP_ORDER_STATE', 'work order is %s, cannot %s', 409)`
 * then `throw new DSP_ORDER_STATE('completed', 'assign')`.
 */
export function createError<Args extends unknown[] = []> (
  code: string,
  template: string,
  statusCode = 500
): AfterlineErrorConstructor<Args> {
  if (!CODE_PATTERN.test(code)) throw new TypeError(`error code ${code} must match ${CODE_PATTERN}`)
  if (catalog.has(code)) throw new TypeError(`error code ${code} is defined twice`)
  catalog.set(code, { code, statusCode, template })

  const Coded = class extends AfterlineError {
    static readonly code = code
    static readonly statusCode = statusCode
    static readonly template = template
    constructor (...args: Args) {
      super(code, args.length > 0 ? format(template, ...args) : template, statusCode)
    }
  }
  Object.defineProperty(Coded, 'name', { value: code })
  return Coded
}

export function isAfterlineError (value: unknown): value is AfterlineError {
  return value instanceof AfterlineError
}

/** All codes created so far, sorted; modules register theirs when their `errors.ts` is imported. */
export function listErrorCodes (): ErrorCatalogEntry[] {
  return [...catalog.values()].sort((a, b) => a.code.localeCompare(b.code))
}

// ---- core's own errors -------------------------------------------------------------------------

export const CORE_CONFIG_INVALID = createError<[string]>(
  'CORE_CONFIG_INVALID', 'configuration is invalid:\n%s', 500)
export const CORE_DB_UNAVAILABLE = createError<[string]>(
  'CORE_DB_UNAVAILABLE', 'database is unavailable: %s', 503)
export const CORE_DB_CLOSED = createError(
  'CORE_DB_CLOSED', 'database has been closed', 503)
export const CORE_DATA_DIR_LOCKED = createError<[string, number]>(
  'CORE_DATA_DIR_LOCKED', 'data directory %s is in use by process %d; stop it or set DATA_DIR to another folder', 500)
export const CORE_MIGRATION_FAILED = createError<[string, string]>(
  'CORE_MIGRATION_FAILED', 'migration %s failed: %s', 500)
export const CORE_AUTH_INVALID_CREDENTIALS = createError(
  'CORE_AUTH_INVALID_CREDENTIALS', 'username or password is wrong', 401)
export const CORE_AUTH_REQUIRED = createError(
  'CORE_AUTH_REQUIRED', 'this route needs a logged-in user', 401)
export const CORE_AUTH_LOCKED = createError<[number]>(
  'CORE_AUTH_LOCKED', 'too many failed logins; try again in %d seconds', 429)
export const CORE_USER_NOT_FOUND = createError<[string]>(
  'CORE_USER_NOT_FOUND', 'user %s does not exist', 404)
export const CORE_USER_EXISTS = createError<[string]>(
  'CORE_USER_EXISTS', 'a user named %s already exists', 409)
export const CORE_USER_ORG_REQUIRED = createError(
  'CORE_USER_ORG_REQUIRED', 'org_staff users need an orgId', 400)
