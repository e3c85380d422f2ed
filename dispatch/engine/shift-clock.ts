import type { ShiftWindow } from './types.js'

/** Day of week (0 = Sunday) and minute of day on a local wall clock. */
export interface LocalTime {
  day: number
  minute: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 }

/** Whether `timezone` is an IANA zone this runtime knows. */
export function isValidTimezone (timezone: string): boolean {
  try {
    formatterFor(timezone)
    return true
  } catch {
    return false
  }
}

function formatterFor (timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: timezone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    formatters.set(timezone, formatter)
  }
  return formatter
}

export function toLocalTime (epochMs: number, timezone: string): LocalTime {
  let day = 0
  let hour = 0
  let minute = 0
  for (const part of formatterFor(timezone).formatToParts(epochMs)) {
    if (part.type === 'weekday') day = WEEKDAYS[part.value] ?? 0
    else if (part.type === 'hour') hour = Number(part.value)
    else if (part.type === 'minute') minute = Number(part.value)
  }
  return { day, minute: hour * 60 + minute }
}

/**
 * Local time per zone at one instant, computed once per zone: a candidate search asks for the same
 * few zones thousands of times.
 */
export function createShiftClock (epochMs: number): (timezone: string) => LocalTime {
  const cache = new Map<string, LocalTime>()
  return (timezone) => {
    let local = cache.get(timezone)
    if (local === undefined) cache.set(timezone, local = toLocalTime(epochMs, timezone))
    return local
  }
}

export function parseClockMinutes (hhmm: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm)
  if (match === null) throw new RangeError(`${hhmm} is not HH:MM`)
  return Number(match[1]) * 60 + Number(match[2])
}

/** Inside one of the windows? No windows = no schedule recorded = always on shift. */
const parsed = new WeakMap<ShiftWindow, { start: number, end: number }>()

function minutesOf (shift: ShiftWindow): { start: number, end: number } {
  let window = parsed.get(shift)
  if (window === undefined) parsed.set(shift, window = { start: parseClockMinutes(shift.start), end: parseClockMinutes(shift.end) })
  return window
}

export function isWithinShifts (shifts: readonly ShiftWindow[], local: LocalTime): boolean {
  if (shifts.length === 0) return true
  for (const shift of shifts) {
    const { start, end } = minutesOf(shift)
    if (start < end) {
      if (shift.days.includes(local.day) && local.minute >= start && local.minute < end) return true
    } else {
      // Runs past midnight: the evening of a listed day, or the early morning after it.
      if (shift.days.includes(local.day) && local.minute >= start) return true
      if (shift.days.includes((local.day + 6) % 7) && local.minute < end) return true
    }
  }
  return false
}
