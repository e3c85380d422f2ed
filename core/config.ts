import path from 'node:path'
import { Ajv } from 'ajv'
import { CORE_CONFIG_INVALID } from './errors.js'

/**
 * Every setting the platform reads from the environment, with its JSON Schema, default and meaning.
 * This table is the only place `process.env` is interpreted (web/main.ts passes it in); the README's
 * configuration table is checked against it by tests/core/config.test.ts.
 */
export const configVariables = {
  HTTP_HOST: { schema: { type: 'string', minLength: 1 }, default: '0.0.0.0', doc: 'interface the HTTP API, pages and socket.io listen on' },
  HTTP_PORT: { schema: { type: 'integer', minimum: 0, maximum: 65535 }, default: 3000, doc: 'HTTP port (0 picks a free one)' },
  MQTT_HOST: { schema: { type: 'string', minLength: 1 }, default: '0.0.0.0', doc: 'interface the MQTT broker listens on' },
  MQTT_PORT: { schema: { type: 'integer', minimum: 0, maximum: 65535 }, default: 1883, doc: 'MQTT port for devices (0 picks a free one)' },
  MQTT_MAX_PACKET_BYTES: { schema: { type: 'integer', minimum: 1024 }, default: 4194304, doc: 'largest MQTT packet a device may send; a larger one closes its connection unread (payloads up to this but over TELEMETRY_MAX_PAYLOAD_BYTES are dead-lettered)' },
  DATABASE_URL: { schema: { type: 'string', pattern: '^postgres(ql)?://' }, default: null, doc: 'PostgreSQL server (TimescaleDB optional); unset = embedded TimescaleDB in DATA_DIR' },
  DATA_DIR: { schema: { type: 'string', minLength: 1 }, default: './data', doc: 'folder for the embedded database (db/), the ingest spool (spool/) and the verification journal (trace-journal/)' },
  DB_FSYNC: { schema: { type: 'boolean' }, default: true, doc: 'embedded database and its verification journal: flush each commit to disk before answering (false: survives a process kill, not a power cut)' },
  ADMIN_PASSWORD: { schema: { type: 'string', minLength: 8 }, default: null, doc: 'password of the bootstrap user `admin` on first start; unset = generated and printed once' },
  AUTH_SECRET: { schema: { type: 'string', minLength: 32 }, default: null, doc: 'key that signs login tokens; unset = generated once and kept in the database' },
  AUTH_TOKEN_TTL_S: { schema: { type: 'integer', minimum: 60 }, default: 43200, doc: 'lifetime of a login token, seconds' },
  LOG_LEVEL: { schema: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, default: 'info', doc: 'pino log level' },
  SPOOL_DIR: { schema: { type: 'string', minLength: 1 }, default: null, doc: 'write-ahead spool for acknowledged readings; unset = DATA_DIR/spool' },
  SPOOL_MAX_MB: { schema: { type: 'integer', minimum: 1 }, default: 256, doc: 'spool bound; when full the broker stops reading device sockets instead of dropping' },
  SPOOL_FSYNC: { schema: { type: 'boolean' }, default: true, doc: 'fdatasync each group commit before acknowledging (false: survives a process kill, not a power cut)' },
  INGEST_BATCH_POINTS: { schema: { type: 'integer', minimum: 100, maximum: 200000 }, default: 20000, doc: 'most readings written to the database in one transaction' },
  INGEST_MAX_LAG_S: { schema: { type: 'number', minimum: 0 }, default: 10, doc: 'while the broker is saturated, readings may wait this long in the spool before the drainer takes CPU from it' },
  TELEMETRY_MAX_PAYLOAD_BYTES: { schema: { type: 'integer', minimum: 256 }, default: 262144, doc: 'largest telemetry or event payload accepted; larger ones are dead-lettered' },
  TELEMETRY_MAX_FUTURE_S: { schema: { type: 'integer', minimum: 0 }, default: 86400, doc: 'how far ahead of server time a reading timestamp may be' },
  TELEMETRY_RETENTION_DAYS: { schema: { type: 'integer', minimum: 1 }, default: 400, doc: 'TimescaleDB retention policy for raw telemetry; readings older than this are refused (dead letter)' },
  TELEMETRY_COMPRESS_AFTER_DAYS: { schema: { type: 'integer', minimum: 1 }, default: 7, doc: 'TimescaleDB compression policy for raw telemetry' },
  DEAD_LETTER_MAX_BYTES: { schema: { type: 'integer', minimum: 64, maximum: 1048576 }, default: 4096, doc: 'bytes of a rejected payload kept in the dead-letter table' },
  MAINTENANCE_INTERVAL_S: { schema: { type: 'integer', minimum: 1 }, default: 300, doc: 'how often compression, retention and aggregate jobs run' },
  DETECTION_ENABLED: { schema: { type: 'boolean' }, default: true, doc: 'run fault detection (rules, anomaly, remaining useful life) on every accepted reading' },
  DETECTION_CHECKPOINT_S: { schema: { type: 'integer', minimum: 1 }, default: 60, doc: 'how often changed detection state is checkpointed to the database (restart replays telemetry after it)' },
  TRACE_RESOLVER: { schema: { type: 'string', pattern: '^[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*$' }, default: 'localhost:3000', doc: 'host (and optional path) of the GS1 Digital Link resolver printed in item codes: `https://{resolver}/01/{gtin}/10/{lot}/21/{serial}`' },
  TRACE_CODE_SECRET: { schema: { type: 'string', minLength: 32 }, default: null, doc: 'key of the HMAC tag inside every serial; unset = generated once and kept in the database' },
  TRACE_GS1_COMPANY_PREFIX: { schema: { type: 'string', pattern: '^[0-9]{6,12}$' }, default: '0614141', doc: 'GS1 company prefix used when the platform allocates SSCCs for cases and pallets' },
  TRACE_BATCH_MAX: { schema: { type: 'integer', minimum: 1, maximum: 10000000 }, default: 1000000, doc: 'most codes one `POST /api/code-batches` may issue' },
  DISPATCH_MAX_DISTANCE_KM: { schema: { type: 'number', exclusiveMinimum: 0 }, default: 60, doc: 'farthest an engineer is sent, unless their profile sets their own limit' },
  DISPATCH_SLA_CHECK_INTERVAL_S: { schema: { type: 'integer', minimum: 1 }, default: 30, doc: 'how often open work orders are checked against their SLA deadlines' },
  DISPATCH_SLA_AT_RISK_RATIO: { schema: { type: 'number', exclusiveMinimum: 0, maximum: 1 }, default: 0.25, doc: 'a deadline is at risk when less than this share of its window is left' },
  DISPATCH_OFFER_TIMEOUT_MIN: { schema: { type: 'number', minimum: 0 }, default: 5, doc: 'minutes an engineer has to accept an offered order before it is taken back and offered to the next (0 = never)' },
  DISPATCH_AUTO_RETRY_S: { schema: { type: 'integer', minimum: 1 }, default: 60, doc: 'how often queued orders under an auto-dispatch policy are tried again' },
  DISPATCH_DEALER_RADIUS_KM: { schema: { type: 'number', exclusiveMinimum: 0 }, default: 30, doc: 'how far from an order a dealer\'s stock counts as obtainable parts' }
} as const

export type ConfigVariableName = keyof typeof configVariables

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface Config {
  readonly http: { readonly host: string; readonly port: number }
  readonly mqtt: { readonly host: string; readonly port: number; readonly maxPacketBytes: number }
  readonly database: { readonly url: string | null; readonly dataDir: string; readonly fsync: boolean }
  readonly dataDir: string
  readonly admin: { readonly password: string | null }
  readonly auth: { readonly secret: string | null; readonly tokenTtlSeconds: number }
  readonly log: { readonly level: LogLevel }
  readonly spool: { readonly dir: string; readonly maxBytes: number; readonly fsync: boolean }
  readonly ingest: { readonly batchPoints: number, readonly maxLagMs: number }
  readonly telemetry: {
    readonly maxPayloadBytes: number
    readonly maxFutureSeconds: number
    readonly retentionDays: number
    readonly compressAfterDays: number
  }
  readonly deadLetter: { readonly maxPayloadBytes: number }
  readonly maintenance: { readonly intervalSeconds: number }
  readonly detection: { readonly enabled: boolean; readonly checkpointSeconds: number }
  readonly trace: {
    readonly resolver: string
    readonly codeSecret: string | null
    readonly companyPrefix: string
    readonly batchMax: number
  }
  readonly dispatch: {
    readonly maxDistanceKm: number
    readonly slaCheckIntervalSeconds: number
    readonly slaAtRiskRatio: number
    readonly offerTimeoutMinutes: number
    readonly autoRetrySeconds: number
    readonly dealerRadiusKm: number
  }
}

type RawConfig = { [K in ConfigVariableName]: unknown }

const ajv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: false })
const validateRaw = ajv.compile({
  type: 'object',
  properties: Object.fromEntries(Object.entries(configVariables).map(([name, v]) => [name, v.schema])),
  additionalProperties: true
})

/**
 * Read the configuration once: environment → JSON Schema (coercing strings) → defaults → frozen object.
 * Every problem is reported together, each line naming its variable.
 */
export function loadConfig (env: Readonly<Record<string, string | undefined>>): Config {
  const raw: Record<string, unknown> = {}
  for (const name of Object.keys(configVariables) as ConfigVariableName[]) {
    const value = env[name]
    if (value !== undefined && value.trim() !== '') raw[name] = value.trim()
  }
  const given = { ...raw }
  if (!validateRaw(raw)) {
    const lines = (validateRaw.errors ?? []).map((e) => {
      const name = e.instancePath.replace(/^\//, '')
      return `  ${name} ${e.message ?? 'is invalid'} (got ${JSON.stringify(given[name])})`
    })
    throw new CORE_CONFIG_INVALID(lines.join('\n'))
  }
  const values = {} as RawConfig
  for (const [name, v] of Object.entries(configVariables) as Array<[ConfigVariableName, { default: unknown }]>) {
    values[name] = raw[name] ?? v.default
  }
  return deepFreeze(toConfig(values))
}

function toConfig (v: RawConfig): Config {
  const dataDir = path.resolve(v.DATA_DIR as string)
  return {
    http: { host: v.HTTP_HOST as string, port: v.HTTP_PORT as number },
    mqtt: { host: v.MQTT_HOST as string, port: v.MQTT_PORT as number, maxPacketBytes: v.MQTT_MAX_PACKET_BYTES as number },
    database: { url: v.DATABASE_URL as string | null, dataDir: path.join(dataDir, 'db'), fsync: v.DB_FSYNC as boolean },
    dataDir,
    admin: { password: v.ADMIN_PASSWORD as string | null },
    auth: { secret: v.AUTH_SECRET as string | null, tokenTtlSeconds: v.AUTH_TOKEN_TTL_S as number },
    log: { level: v.LOG_LEVEL as LogLevel },
    spool: {
      dir: v.SPOOL_DIR === null ? path.join(dataDir, 'spool') : path.resolve(v.SPOOL_DIR as string),
      maxBytes: (v.SPOOL_MAX_MB as number) * 1024 * 1024,
      fsync: v.SPOOL_FSYNC as boolean
    },
    ingest: { batchPoints: v.INGEST_BATCH_POINTS as number, maxLagMs: (v.INGEST_MAX_LAG_S as number) * 1000 },
    telemetry: {
      maxPayloadBytes: v.TELEMETRY_MAX_PAYLOAD_BYTES as number,
      maxFutureSeconds: v.TELEMETRY_MAX_FUTURE_S as number,
      retentionDays: v.TELEMETRY_RETENTION_DAYS as number,
      compressAfterDays: v.TELEMETRY_COMPRESS_AFTER_DAYS as number
    },
    deadLetter: { maxPayloadBytes: v.DEAD_LETTER_MAX_BYTES as number },
    maintenance: { intervalSeconds: v.MAINTENANCE_INTERVAL_S as number },
    detection: { enabled: v.DETECTION_ENABLED as boolean, checkpointSeconds: v.DETECTION_CHECKPOINT_S as number },
    trace: {
      resolver: v.TRACE_RESOLVER as string,
      codeSecret: v.TRACE_CODE_SECRET as string | null,
      companyPrefix: v.TRACE_GS1_COMPANY_PREFIX as string,
      batchMax: v.TRACE_BATCH_MAX as number
    },
    dispatch: {
      maxDistanceKm: v.DISPATCH_MAX_DISTANCE_KM as number,
      slaCheckIntervalSeconds: v.DISPATCH_SLA_CHECK_INTERVAL_S as number,
      slaAtRiskRatio: v.DISPATCH_SLA_AT_RISK_RATIO as number,
      offerTimeoutMinutes: v.DISPATCH_OFFER_TIMEOUT_MIN as number,
      autoRetrySeconds: v.DISPATCH_AUTO_RETRY_S as number,
      dealerRadiusKm: v.DISPATCH_DEALER_RADIUS_KM as number
    }
  }
}

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}
