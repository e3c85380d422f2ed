import { createError } from '../core/errors.js'

export const GW_DEVICE_NOT_FOUND = createError<[string]>(
  'GW_DEVICE_NOT_FOUND', 'device %s does not exist', 404)
export const GW_DEVICE_ASSET_CODE_TAKEN = createError<[string]>(
  'GW_DEVICE_ASSET_CODE_TAKEN', 'asset code %s is already registered to another device', 409)
export const GW_TELEMETRY_RANGE_INVALID = createError<[string]>(
  'GW_TELEMETRY_RANGE_INVALID', 'time range is invalid: %s', 400)
export const GW_TELEMETRY_TOO_MANY_BUCKETS = createError<[number, number]>(
  'GW_TELEMETRY_TOO_MANY_BUCKETS', 'the range holds %d buckets, more than the %d allowed; choose a wider bucket or a shorter range', 400)
export const GW_SPOOL_CLOSED = createError(
  'GW_SPOOL_CLOSED', 'the ingest spool is closed', 503)

/**
 * Why a device's payload was refused. These are not thrown at a client: the message is acknowledged
 * (MQTT 3.1.1 has no negative acknowledgement) and kept in the dead-letter table with the code.
 */
export const GW_PAYLOAD_TOO_LARGE = createError<[number, number]>(
  'GW_PAYLOAD_TOO_LARGE', 'payload is %d bytes, more than the %d allowed', 413)
export const GW_PAYLOAD_NOT_JSON = createError<[string]>(
  'GW_PAYLOAD_NOT_JSON', 'payload is not JSON: %s', 400)
export const GW_PAYLOAD_INVALID = createError<[string]>(
  'GW_PAYLOAD_INVALID', 'payload does not match the schema: %s', 400)
export const GW_PAYLOAD_BAD_TIMESTAMP = createError<[string]>(
  'GW_PAYLOAD_BAD_TIMESTAMP', 'bad timestamp: %s', 400)
