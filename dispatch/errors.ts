import { createError } from '../core/errors.js'

export const DSP_WORK_ORDER_NOT_FOUND = createError<[string]>(
  'DSP_WORK_ORDER_NOT_FOUND', 'work order %s does not exist', 404)
export const DSP_ENGINEER_NOT_FOUND = createError<[string]>(
  'DSP_ENGINEER_NOT_FOUND', 'engineer %s does not exist', 404)
export const DSP_STATION_NOT_FOUND = createError<[string]>(
  'DSP_STATION_NOT_FOUND', 'service station %s does not exist', 404)
export const DSP_STATION_CODE_TAKEN = createError<[string]>(
  'DSP_STATION_CODE_TAKEN', 'a service station with code %s already exists', 409)
export const DSP_ENGINEER_NOT_LINKED = createError(
  'DSP_ENGINEER_NOT_LINKED', 'your user is not linked to an engineer profile; ask a supervisor to link it', 404)
export const DSP_ENGINEER_USER_INVALID = createError<[string]>(
  'DSP_ENGINEER_USER_INVALID', 'user %s does not exist or does not have the role engineer', 400)
export const DSP_ENGINEER_USER_TAKEN = createError<[string]>(
  'DSP_ENGINEER_USER_TAKEN', 'user %s is already linked to another engineer', 409)
export const DSP_ORDER_STATE = createError<[string, string, string, string]>(
  'DSP_ORDER_STATE', 'work order %s is %s; %s is allowed only when it is %s', 409)
export const DSP_ENGINEER_UNAVAILABLE = createError<[string, string]>(
  'DSP_ENGINEER_UNAVAILABLE', 'engineer %s cannot take an order now: %s', 409)
export const DSP_ASSIGN_RULE_VIOLATED = createError<[string, string]>(
  'DSP_ASSIGN_RULE_VIOLATED', 'engineer may not take work order %s: %s', 409)
export const DSP_ENGINEER_HAS_ACTIVE_ORDER = createError<[string, string]>(
  'DSP_ENGINEER_HAS_ACTIVE_ORDER', 'engineer %s holds active work order %s; complete, reject or hand it back first', 409)
export const DSP_NOT_ASSIGNED_TO_YOU = createError<[string]>(
  'DSP_NOT_ASSIGNED_TO_YOU', 'work order %s is not assigned to you', 403)
export const DSP_NOT_YOUR_PROFILE = createError(
  'DSP_NOT_YOUR_PROFILE', 'engineers may change only their own location and status', 403)
export const DSP_STATION_SCOPE = createError<[string]>(
  'DSP_STATION_SCOPE', '%s belongs to another service station', 403)
export const DSP_LOCATION_REQUIRED = createError(
  'DSP_LOCATION_REQUIRED', 'a location is needed: give one, or a deviceId whose device has a location', 400)
export const DSP_ORDER_NO_LOCATION = createError<[string]>(
  'DSP_ORDER_NO_LOCATION', 'work order %s has no location; set one before dispatching', 409)
export const DSP_DEVICE_UNKNOWN = createError<[string]>(
  'DSP_DEVICE_UNKNOWN', 'device %s does not exist', 400)
export const DSP_TRACKING_NOT_FOUND = createError(
  'DSP_TRACKING_NOT_FOUND', 'no work order has this tracking code', 404)
export const DSP_SLA_POLICY_INVALID = createError<[string]>(
  'DSP_SLA_POLICY_INVALID', 'SLA targets are inconsistent: %s', 400)
export const DSP_TERRITORY_INVALID = createError<[string]>(
  'DSP_TERRITORY_INVALID', 'territory is not a valid GeoJSON Polygon or MultiPolygon: %s', 400)
export const DSP_SHIFT_INVALID = createError<[string]>(
  'DSP_SHIFT_INVALID', 'shift is invalid: %s', 400)
export const DSP_TIMEZONE_INVALID = createError<[string]>(
  'DSP_TIMEZONE_INVALID', '%s is not an IANA time zone (e.g. Asia/Shanghai)', 400)
export const DSP_WINDOW_INVALID = createError(
  'DSP_WINDOW_INVALID', 'window.end must be after window.start and in the future', 400)
export const DSP_WINDOW_TOO_FAR = createError<[number]>(
  'DSP_WINDOW_TOO_FAR', 'a visit window must open and end within %s days from now', 400)
export const DSP_STATUS_RESERVED = createError(
  'DSP_STATUS_RESERVED', 'busy is set by the platform while an engineer holds a work order; choose off, available or on_break', 400)
export const DSP_ASSET_UNKNOWN = createError<[string]>(
  'DSP_ASSET_UNKNOWN', 'asset code %s does not match a registered machine', 400)
export const DSP_TOO_MANY_REQUESTS = createError<[number]>(
  'DSP_TOO_MANY_REQUESTS', 'too many service requests from your address; try again in %d seconds', 429)
