import { createError } from '../../core/errors.js'

/** Device insight (models, rules, alerts, device 360°): part of the gateway, so `GW_` codes. */
export const GW_MODEL_NOT_FOUND = createError<[string]>(
  'GW_MODEL_NOT_FOUND', 'device model %s does not exist', 404)
export const GW_MODEL_INVALID = createError<[string, string]>(
  'GW_MODEL_INVALID', '%s %s', 400)
export const GW_MODEL_IN_USE = createError<[string, number]>(
  'GW_MODEL_IN_USE', 'device model %s is used by %d devices; move them to another model first', 409)
export const GW_ALERT_NOT_FOUND = createError<[string]>(
  'GW_ALERT_NOT_FOUND', 'alert %s does not exist', 404)
export const GW_ALERT_NOT_OPEN = createError<[string, string]>(
  'GW_ALERT_NOT_OPEN', 'alert %s is %s; only open alerts can change', 409)
export const GW_CONTRACT_INVALID = createError<[string, string]>(
  'GW_CONTRACT_INVALID', '%s %s', 400)
export const GW_CONTRACT_NOT_FOUND = createError<[string]>(
  'GW_CONTRACT_NOT_FOUND', 'device %s has no contract', 404)
export const GW_BOM_ITEM_NOT_FOUND = createError<[string]>(
  'GW_BOM_ITEM_NOT_FOUND', 'BOM item %s does not exist on this device', 404)
export const GW_BOM_ITEM_INVALID = createError<[string, string]>(
  'GW_BOM_ITEM_INVALID', '%s %s', 400)
