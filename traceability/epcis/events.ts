import type { EpcisEventSource, EpcisEventType } from './epcis.types.js'

/**
 * `epcis.events_captured` is published once per capture or record call that stored new events
 * (never for pure duplicates). It carries identifiers only; subscribers that need the events read
 * them with `EpcisService.get` or use `EpcisService.onCaptured`, which receives them whole.
 */
export interface EpcisEventsCaptured {
  source: EpcisEventSource
  orgId: string | null
  count: number
  events: Array<{ eventId: string, type: EpcisEventType, bizStep: string | null }>
}

declare module '../../core/events.js' {
  interface DomainEvents {
    'epcis.events_captured': EpcisEventsCaptured
  }
}
