import type { Logger } from './logger.js'
import type { DomainEventEnvelope, DomainEventName, DomainEvents } from './events.js'

export type EventHandler<K extends DomainEventName> = (payload: DomainEvents[K], envelope: DomainEventEnvelope<K>) => void | Promise<void>
export type AnyEventHandler = (envelope: DomainEventEnvelope) => void | Promise<void>

export interface EventBus {
  publish<K extends DomainEventName> (name: K, payload: DomainEvents[K]): void
  /** Returns a function that removes the handler. */
  subscribe<K extends DomainEventName> (name: K, handler: EventHandler<K>): () => void
  subscribeAll (handler: AnyEventHandler): () => void
  /** Resolves when every handler started so far has settled (tests, shutdown). */
  idle (): Promise<void>
}

/**
 * Handlers run after the publisher's current task (a microtask later), each isolated: one that throws
 * or rejects is logged and never reaches the publisher or the other handlers.
 */
export function createEventBus (logger: Logger, clock: () => number = Date.now): EventBus {
  const handlers = new Map<string, Set<(envelope: DomainEventEnvelope) => void | Promise<void>>>()
  const allHandlers = new Set<AnyEventHandler>()
  const running = new Set<Promise<void>>()

  const invoke = (handler: AnyEventHandler, envelope: DomainEventEnvelope): void => {
    const task = Promise.resolve()
      .then(() => handler(envelope))
      .catch((error: unknown) => logger.error({ err: error, event: envelope.name }, 'event handler failed'))
      .finally(() => running.delete(task))
    running.add(task)
  }

  return {
    publish (name, payload) {
      const envelope = { name, payload, at: clock() } as DomainEventEnvelope
      for (const handler of handlers.get(name) ?? []) invoke(handler, envelope)
      for (const handler of allHandlers) invoke(handler, envelope)
    },
    subscribe (name, handler) {
      let set = handlers.get(name)
      if (set === undefined) handlers.set(name, set = new Set())
      const wrapped = (envelope: DomainEventEnvelope): void | Promise<void> =>
        handler(envelope.payload as DomainEvents[typeof name], envelope as DomainEventEnvelope<typeof name>)
      set.add(wrapped)
      return () => { set.delete(wrapped) }
    },
    subscribeAll (handler) {
      allHandlers.add(handler)
      return () => { allHandlers.delete(handler) }
    },
    async idle () {
      while (running.size > 0) await Promise.allSettled([...running])
    }
  }
}
