/**
 * `npm start`: read the configuration from the environment, start everything, print where to find it.
 * Exits 1 with one line per problem when the configuration is invalid or a port is taken.
 */
import { loadConfig } from '../core/config.js'
import { isConnectionError } from '../core/db/database.js'
import { AfterlineError } from '../core/errors.js'
import { createLogger } from '../core/logger.js'
import { startPlatform } from './platform.js'

function fail (message: string): never {
  process.stderr.write(`afterline: ${message}\n`)
  process.exit(1)
}

let config
try {
  config = loadConfig(process.env)
} catch (error) {
  fail((error as Error).message)
}

const logger = createLogger(config.log.level)
process.on('unhandledRejection', (error) => logger.error({ err: error }, 'unhandled rejection'))

let platform
try {
  platform = await startPlatform(config, { logger })
} catch (error) {
  if (error instanceof AfterlineError) fail(error.message)
  if (isConnectionError(error)) fail(`cannot reach the database at DATABASE_URL: ${(error as Error).message}`)
  throw error
}

const host = (address: string): string => address === '0.0.0.0' || address === '::' ? 'localhost' : address
const database = platform.db.driver === 'embedded'
  ? `embedded TimescaleDB in ${config.database.dataDir}`
  : `server ${platform.db.timescaledb ? 'TimescaleDB' : 'PostgreSQL (no TimescaleDB)'}`
process.stdout.write([
  'Afterline is running',
  `  console   http://${host(platform.http.address)}:${platform.http.port}/`,
  `  MQTT      mqtt://${host(platform.mqtt.address)}:${platform.mqtt.port}`,
  `  database  ${database}`,
  ''
].join('\n'))
if (platform.generatedAdminPassword !== null) {
  process.stdout.write(`\nCreated user "admin" with password: ${platform.generatedAdminPassword}\n` +
    'It is shown only this once; set ADMIN_PASSWORD before the first start to choose it.\n\n')
}

let stopping = false
const shutdown = (signal: string): void => {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'stopping')
  platform.stop().then(() => process.exit(0), (error: unknown) => {
    logger.error({ err: error }, 'stop failed')
    process.exit(1)
  })
}
process.on('SIGINT', () => shutdown('SIGINT'))
process.on('SIGTERM', () => shutdown('SIGTERM'))
