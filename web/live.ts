import type { Server as HttpServer } from 'node:http'
import { Server } from 'socket.io'
import type { Principal, Role } from '../core/auth/roles.js'
import type { EventBus } from '../core/event-bus.js'
import type { DomainEventEnvelope, DomainEventName } from '../core/events.js'
import type { Logger } from '../core/logger.js'
import type { Audience } from '../core/module.js'

/**
 * Live updates over socket.io. A client connects with `auth: { token }` and joins the room of its role
 * (and `org:<orgId>` for org staff); domain events from the bus are emitted, under their own name, to
 * the rooms their module's audience rule names. Events without a rule go to admins only.
 */
export function roomOfRole (role: Role): string {
  return `role:${role}`
}

export function attachLiveUpdates (deps: {
  server: HttpServer
  bus: EventBus
  logger: Logger
  authenticate: (token: string) => Promise<Principal | null>
  audiences?: Partial<Record<DomainEventName, Audience>>
  /** Rooms an anonymous client may join from its handshake (e.g. a public tracking page). */
  publicRooms?: (query: Record<string, unknown>) => Promise<string[]>
}) {
  const audiences = deps.audiences ?? {}
  const io = new Server(deps.server, { serveClient: true, cors: { origin: false } })

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown }).token
    if (typeof token !== 'string') {
      socket.data.principal = null
      next()
      return
    }
    deps.authenticate(token).then((principal) => {
      if (principal === null) next(new Error('WEB_AUTH_INVALID'))
      else {
        socket.data.principal = principal
        next()
      }
    }, () => next(new Error('WEB_AUTH_INVALID')))
  })

  io.on('connection', (socket) => {
    const principal = socket.data.principal as Principal | null
    if (principal !== null) {
      void socket.join(roomOfRole(principal.role))
      void socket.join(`user:${principal.userId}`)
      if (principal.orgId !== null) void socket.join(`org:${principal.orgId}`)
      return
    }
    if (deps.publicRooms === undefined) return
    deps.publicRooms(socket.handshake.query as Record<string, unknown>).then((rooms) => {
      for (const room of rooms) void socket.join(room)
    }, (error: unknown) => deps.logger.debug({ err: error }, 'public live subscription refused'))
  })

  const unsubscribe = deps.bus.subscribeAll((envelope: DomainEventEnvelope) => {
    const audience = audiences[envelope.name]
    const targets = audience === undefined ? ['role:admin'] : audience(envelope.payload)
    const rooms = targets.filter((target): target is string => typeof target === 'string')
    if (rooms.length > 0) io.to(rooms).emit(envelope.name, envelope.payload)
    for (const target of targets) {
      if (typeof target !== 'string') io.to(target.room).emit(envelope.name, target.payload(envelope.payload))
    }
  })

  return {
    io,
    /** Disconnect clients; the HTTP server itself is closed by fastify. */
    close (): void {
      unsubscribe()
      io.disconnectSockets(true)
      io.engine.close()
    }
  }
}
