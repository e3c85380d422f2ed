/**
 * The domain events every module publishes on the one in-process bus. Each module adds its own
 * events to this map with a declaration (`declare module '../core/events.js' { interface DomainEvents … }`)
 * in its `events.ts`, so publishers and subscribers are type-checked against one contract.
 * Names are `<subject>.<past-tense verb>`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface DomainEvents {}

export type DomainEventName = keyof DomainEvents & string

export interface DomainEventEnvelope<K extends DomainEventName = DomainEventName> {
  name: K
  payload: DomainEvents[K]
  /** Epoch milliseconds at publication. */
  at: number
}
