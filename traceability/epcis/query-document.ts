import type { EpcisEvent } from './epcis.types.js'

export const EPCIS_CONTEXT_URL = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'

/** An EPCISQueryDocument (EPCIS 2.0 §10.3, JSON binding) holding the results of a SimpleEventQuery. */
export function buildQueryDocument (events: readonly EpcisEvent[], creationDate: Date): Record<string, unknown> {
  return {
    '@context': [EPCIS_CONTEXT_URL],
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: creationDate.toISOString(),
    epcisBody: {
      queryResults: {
        queryName: 'SimpleEventQuery',
        resultsBody: { eventList: events }
      }
    }
  }
}
