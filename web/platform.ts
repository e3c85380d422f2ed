import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { createUserRoutes } from '../core/auth/users.routes.js'
import { createUserService } from '../core/auth/users.service.js'
import type { UserService } from '../core/auth/users.service.js'
import type { Config } from '../core/config.js'
import type { Database } from '../core/db/database.js'
import { createMaintenance } from '../core/db/maintenance.js'
import { migrate } from '../core/db/migrate.js'
import type { MigrationSource } from '../core/db/migrate.js'
import { openDatabase } from '../core/db/open-database.js'
import { createEventBus } from '../core/event-bus.js'
import type { EventBus } from '../core/event-bus.js'
import type { RouteDefinition } from '../core/http/route.js'
import { createLogger } from '../core/logger.js'
import type { Logger } from '../core/logger.js'
import { createMetricsRegistry } from '../core/metrics.js'
import type { MetricsRegistry } from '../core/metrics.js'
import { coreMigrations } from '../core/migrations.js'
import type { ModuleContext, PlatformModule } from '../core/module.js'
import { isCanonicalUuid } from '../core/text.js'
import { createGateway, gatewayMigrations, insightMigrations } from '../gateway/index.js'
import type { Device, Gateway } from '../gateway/index.js'
import { createOutletStock, createTraceability, traceabilityMigrations } from '../traceability/index.js'
import type { Traceability } from '../traceability/index.js'
import { createDispatch, dispatchMigrations } from '../dispatch/index.js'
import type { DeviceDirectory, DirectoryDevice, Dispatch } from '../dispatch/index.js'
import { isAfterlineError } from '../core/errors.js'
import { createHttpApp } from './app.js'
import { WEB_PORT_IN_USE } from './errors.js'
import { attachLiveUpdates } from './live.js'
import { createSystemRoutes } from './system.routes.js'

/** Every module's migrations, in dependency order. */
export const allMigrations: readonly MigrationSource[] = [coreMigrations, gatewayMigrations, insightMigrations, dispatchMigrations, traceabilityMigrations]

export const publicDir = fileURLToPath(new URL('./public/', import.meta.url))

export interface PlatformOptions {
  logger?: Logger
  /** Use this database instead of opening one from the configuration (tests); it is not closed by stop. */
  db?: Database
  now?: () => number
  /** scrypt's N for new password hashes; lowered only by the test platform, whose many users would otherwise cost 32 MiB and ~75 ms each. */
  passwordCost?: number
}

export interface Platform {
  config: Config
  db: Database
  bus: EventBus
  metrics: MetricsRegistry
  users: UserService
  gateway: Gateway
  traceability: Traceability
  dispatch: Dispatch
  modules: readonly PlatformModule[]
  app: FastifyInstance
  routes: readonly RouteDefinition[]
  http: AddressInfo
  mqtt: AddressInfo
  /** Set on the first start when ADMIN_PASSWORD was not given: print it once. */
  generatedAdminPassword: string | null
  stop (): Promise<void>
}

async function listenOrExplain<T> (variable: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new WEB_PORT_IN_USE(variable, port, `set ${variable} to a free port`)
    }
    throw error
  }
}

/**
 * The composition root: database (migrated), bus, users, the domain modules, the HTTP app with
 * socket.io; then the MQTT and HTTP listeners. Whatever started is stopped again if a later step fails.
 */
export async function startPlatform (config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const logger = options.logger ?? createLogger(config.log.level)
  const now = options.now ?? Date.now
  const cleanups: Array<() => Promise<void> | void> = []
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup()
      } catch (error) {
        logger.error({ err: error }, 'error while stopping')
      }
    }
  }

  try {
    const db = options.db ?? await openDatabase({
      url: config.database.url,
      dataDir: config.database.dataDir,
      fsync: config.database.fsync,
      onIdleError: (error) => logger.warn({ err: error }, 'database connection lost')
    })
    if (options.db === undefined) cleanups.push(() => db.close())
    await migrate(db, allMigrations)

    const bus = createEventBus(logger, now)
    cleanups.push(() => bus.idle())
    const metrics = createMetricsRegistry()
    const maintenance = createMaintenance({ db, logger, intervalSeconds: config.maintenance.intervalSeconds })
    cleanups.push(() => maintenance.stop())
    const ctx: ModuleContext = { config, db, bus, logger, metrics, maintenance, now }

    const users = await createUserService({ db, secret: config.auth.secret, tokenTtlSeconds: config.auth.tokenTtlSeconds, now, ...(options.passwordCost === undefined ? {} : { passwordCost: options.passwordCost }) })
    const { generatedPassword } = await users.bootstrapAdmin(config.admin.password)

    const gateway = await createGateway(ctx)
    // Dispatch reads devices (location, customer, model) through a port onto the gateway's registry.
    const toDirectoryDevice = ({ id, assetCode, model, customer, location }: Device): DirectoryDevice => ({ id, assetCode, model, customer, location })
    const devices: DeviceDirectory = {
      async getDevice (id) {
        try {
          return toDirectoryDevice(await gateway.devices.get(id))
        } catch (error) {
          if (isAfterlineError(error) && error.code === 'GW_DEVICE_NOT_FOUND') return null
          throw error
        }
      },
      async findByAssetCode (code) {
        const device = await gateway.devices.findByAssetCode(code)
        return device === null ? null : toDirectoryDevice(device)
      }
    }
    // "Required parts obtainable" counts genuine units in stock at an outlet near the order (traceability's channel inventory).
    const dispatch = await createDispatch(ctx, { devices, dealerStock: createOutletStock(db) })
    // Install scans name a machine: traceability checks it against the gateway's registry.
    const traceability = await createTraceability(ctx, { devices: { exists: async (id) => isCanonicalUuid(id) && await devices.getDevice(id) !== null } })
    // Domain modules, in dependency order; each is given the context and the ports it needs from others.
    const modules: PlatformModule[] = [gateway, dispatch, traceability]
    for (const module of modules) {
      const stopModule = module.stop
      if (stopModule !== undefined) cleanups.push(() => stopModule.call(module))
    }

    const routes = [...createUserRoutes(users), ...modules.flatMap((module) => module.routes), ...createSystemRoutes({ db, metrics })]
    const authenticate = (token: string): ReturnType<UserService['authenticate']> => users.authenticate(token)
    const app = await createHttpApp({ logger, routes, authenticate, publicDir })
    cleanups.push(() => app.close())
    const live = attachLiveUpdates({
      server: app.server,
      bus,
      logger,
      authenticate,
      audiences: Object.assign({}, ...modules.map((module) => module.audiences ?? {})),
      publicRooms: dispatch.publicRooms
    })
    cleanups.push(() => live.close())

    await listenOrExplain('MQTT_PORT', config.mqtt.port, () => gateway.start())
    for (const module of modules) {
      if (module !== gateway && module.start !== undefined) await module.start()
    }
    await listenOrExplain('HTTP_PORT', config.http.port, () => app.listen({ port: config.http.port, host: config.http.host }))
    maintenance.start()

    return {
      config, db, bus, metrics, users, gateway, dispatch, traceability, modules, app, routes,
      http: app.server.address() as AddressInfo,
      mqtt: gateway.mqttAddress as AddressInfo,
      generatedAdminPassword: generatedPassword,
      stop
    }
  } catch (error) {
    await stop()
    throw error
  }
}
