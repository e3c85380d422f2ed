/**
 * EPCIS time values are `xsd:dateTimeStamp` (EPCIS 2.0 §7.3.2): an ISO 8601 date-time that always
 * carries its offset (`Z` or `±hh:mm`), with any number of fraction digits. Pure, no I/O.
 */

const DATE_TIME_STAMP = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/

export interface ParsedTimestamp {
  /** Epoch milliseconds, the fraction rounded half up to the millisecond (CBV 2.0 §8.9.2 rule 9). */
  ms: number
}

/** Parse an `xsd:dateTimeStamp`; null when it is not one (no offset, impossible date, …). */
export function parseTimestamp (value: unknown): ParsedTimestamp | null {
  if (typeof value !== 'string') return null
  const match = DATE_TIME_STAMP.exec(value)
  if (match === null) return null
  const [, y, mo, d, h, mi, s, fraction = '', zone = 'Z'] = match
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
  const endOfDay = hour === 24 && minute === 0 && second === 0 && /^0*$/.test(fraction)
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 59) return null
  let offsetMinutes = 0
  if (zone !== 'Z') {
    const offsetHours = Number(zone.slice(1, 3))
    const offsetMins = Number(zone.slice(4, 6))
    if (offsetHours > 14 || offsetMins > 59 || (offsetHours === 14 && offsetMins > 0)) return null
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (offsetHours * 60 + offsetMins)
  }
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3)) + (Number(fraction[3] ?? '0') >= 5 ? 1 : 0)
  const utc = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000 + millis
  // Date.UTC maps years 0–99 to 1900–1999; EPCIS times are never that old, refuse rather than misread.
  // Past year 9999 ISO 8601 needs an expanded (+YYYYYY) form that neither JSON readers nor the
  // database read back: refused too.
  if (year < 100 || year > 9999 || !Number.isFinite(utc)) return null
  return { ms: utc }
}

/** The CBV 2.0 pre-hash form of a time: UTC, millisecond precision, `Z` (`2023-01-18T11:04:03.142Z`). */
export function formatHashTimestamp (ms: number): string {
  return new Date(ms).toISOString()
}

function daysInMonth (year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** `eventTimeZoneOffset`: `±hh:mm` from -14:00 to +14:00 (EPCIS 2.0 §7.4.1). */
export function isTimeZoneOffset (value: unknown): value is string {
  return typeof value === 'string' && /^[+-](?:(?:0\d|1[0-3]):[0-5]\d|14:00)$/.test(value)
}
