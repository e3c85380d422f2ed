import { createError } from '../core/errors.js'

// ---- EPCIS 2.0 interface (traceability/epcis/) -----------------------------------------------------

export const TRC_EPCIS_INVALID = createError<[string]>(
  'TRC_EPCIS_INVALID', 'EPCIS document refused: %s', 400)
export const TRC_EPCIS_CAPTURE_TOO_LARGE = createError<[number, number]>(
  'TRC_EPCIS_CAPTURE_TOO_LARGE', 'the document holds %d events, more than the %d one capture accepts; split it', 413)
export const TRC_EPCIS_QUERY_INVALID = createError<[string, string]>(
  'TRC_EPCIS_QUERY_INVALID', 'query parameter %s is invalid: %s', 400)
export const TRC_EPCIS_EVENT_NOT_FOUND = createError<[string]>(
  'TRC_EPCIS_EVENT_NOT_FOUND', 'no EPCIS event with eventID %s', 404)
export const TRC_EPCIS_CAPTURE_NOT_FOUND = createError<[string]>(
  'TRC_EPCIS_CAPTURE_NOT_FOUND', 'no capture job %s', 404)
