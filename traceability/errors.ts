import { createError } from '../core/errors.js'

// ---- catalogue: products, organisations, channel ---------------------------------------------------

export const TRC_GTIN_INVALID = createError<[string, string]>(
  'TRC_GTIN_INVALID', 'GTIN %s is invalid: %s', 400)
export const TRC_PRODUCT_NOT_FOUND = createError<[string]>(
  'TRC_PRODUCT_NOT_FOUND', 'no product with GTIN %s', 404)
export const TRC_PRODUCT_EXISTS = createError<[string]>(
  'TRC_PRODUCT_EXISTS', 'a product with GTIN %s already exists', 409)
export const TRC_ORG_NOT_FOUND = createError<[string]>(
  'TRC_ORG_NOT_FOUND', 'organisation %s does not exist', 404)
export const TRC_ORG_EXISTS = createError<[string]>(
  'TRC_ORG_EXISTS', 'organisation %s already exists (id or GLN taken)', 409)
export const TRC_GLN_INVALID = createError<[string]>(
  'TRC_GLN_INVALID', 'GLN %s must be 13 digits with a valid check digit', 400)
export const TRC_TERRITORY_INVALID = createError<[string]>(
  'TRC_TERRITORY_INVALID', 'territory is not a valid GeoJSON Polygon or MultiPolygon: %s', 400)
export const TRC_CHANNEL_LINK_INVALID = createError<[string]>(
  'TRC_CHANNEL_LINK_INVALID', 'channel link refused: %s', 400)
export const TRC_CHANNEL_LINK_NOT_FOUND = createError<[string, string]>(
  'TRC_CHANNEL_LINK_NOT_FOUND', 'no channel link from %s to %s', 404)

// ---- codes, labels, containers -------------------------------------------------------------------

export const TRC_BATCH_NOT_FOUND = createError<[string]>(
  'TRC_BATCH_NOT_FOUND', 'code batch %s does not exist', 404)
export const TRC_BATCH_TOO_LARGE = createError<[number, number]>(
  'TRC_BATCH_TOO_LARGE', 'a batch of %d codes is more than the %d allowed (TRACE_BATCH_MAX)', 400)
export const TRC_BATCH_NOT_ISSUED = createError<[string, string]>(
  'TRC_BATCH_NOT_ISSUED', 'code batch %s is %s; only issued batches can be exported', 409)
export const TRC_LABELS_RANGE = createError<[number]>(
  'TRC_LABELS_RANGE', 'a label sheet holds at most %d labels; choose a smaller range with offset and limit', 400)
export const TRC_CODE_INVALID = createError<[string]>(
  'TRC_CODE_INVALID', 'not an Afterline item or logistic-unit code: %s', 400)
export const TRC_CODE_NOT_FOUND = createError<[string]>(
  'TRC_CODE_NOT_FOUND', 'code %s was never issued', 404)
export const TRC_SSCC_INVALID = createError<[string]>(
  'TRC_SSCC_INVALID', 'SSCC %s must be 18 digits with a valid check digit', 400)
export const TRC_CONTAINER_NOT_FOUND = createError<[string]>(
  'TRC_CONTAINER_NOT_FOUND', 'no case or pallet with SSCC %s', 404)
export const TRC_CONTAINER_FORBIDDEN = createError<[string]>(
  'TRC_CONTAINER_FORBIDDEN', 'case or pallet %s belongs to another organisation', 403)
export const TRC_SCAN_DEVICE_NOT_FOUND = createError<[string]>(
  'TRC_SCAN_DEVICE_NOT_FOUND', 'no machine with id %s to fit the part to', 404)
export const TRC_CONTAINER_EXISTS = createError<[string]>(
  'TRC_CONTAINER_EXISTS', 'SSCC %s is already registered', 409)
export const TRC_PACK_REFUSED = createError<[string]>(
  'TRC_PACK_REFUSED', 'cannot pack or unpack: %s', 409)

// ---- scans, verification, alerts, rewards --------------------------------------------------------

export const TRC_SCAN_FIELD_REQUIRED = createError<[string, string]>(
  'TRC_SCAN_FIELD_REQUIRED', 'a %s scan needs %s', 400)
export const TRC_SCAN_ORG_FORBIDDEN = createError<[string]>(
  'TRC_SCAN_ORG_FORBIDDEN', 'you scan for your own organisation only, not for %s', 403)
export const TRC_SCAN_ACTION_FORBIDDEN = createError<[string, string]>(
  'TRC_SCAN_ACTION_FORBIDDEN', 'role %s may not %s', 403)
export const TRC_SCAN_TIME_INVALID = createError<[string]>(
  'TRC_SCAN_TIME_INVALID', 'scan time %s is in the future', 400)
export const TRC_RANGE_INVALID = createError(
  'TRC_RANGE_INVALID', 'the range is empty: `from` must be before `to`', 400)
export const TRC_SCAN_ID_REUSED = createError<[string]>(
  'TRC_SCAN_ID_REUSED', 'scan id %s was already used for a different scan', 409)
export const TRC_JOURNAL_CLOSED = createError(
  'TRC_JOURNAL_CLOSED', 'the verification journal is closed (the platform is stopping); verify again', 503)
export const TRC_ALERT_NOT_FOUND = createError<[string]>(
  'TRC_ALERT_NOT_FOUND', 'trace alert %s does not exist', 404)
export const TRC_ALERT_STATE = createError<[string, string]>(
  'TRC_ALERT_STATE', 'trace alert is %s; only open alerts can be %s', 409)
export const TRC_REWARD_RULE_INVALID = createError<[string]>(
  'TRC_REWARD_RULE_INVALID', 'reward rule refused: %s', 400)
export const TRC_REWARD_RULE_NOT_FOUND = createError<[string]>(
  'TRC_REWARD_RULE_NOT_FOUND', 'reward rule %s does not exist', 404)

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
