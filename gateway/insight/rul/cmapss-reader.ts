import { readFile } from 'node:fs/promises'
import type { RunToFailureHistory } from './rul.types.js'

/**
 * NASA C-MAPSS turbofan files (train_FD00x.txt, test_FD00x.txt, RUL_FD00x.txt). The only module of the RUL
 * model that touches the file system; the data sets are read from a path given by the user, never bundled.
 * Columns: unit, cycle, three operational settings, 21 sensors, separated by spaces.
 */
export const CMAPSS_CONDITION_SENSORS = ['op_setting_1', 'op_setting_2', 'op_setting_3']
export const CMAPSS_SENSORS = [...CMAPSS_CONDITION_SENSORS, ...Array.from({ length: 21 }, (_, i) => `sensor_${i + 1}`)]

/** One series per engine, rows in cycle order. Throws on a malformed line, naming it. */
export function parseCmapss (text: string): RunToFailureHistory[] {
  const units = new Map<string, { lastCycle: number, rows: number[][] }>()
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim()
    if (trimmed === '') return
    const fields = trimmed.split(/\s+/).map(Number)
    if (fields.length !== 2 + CMAPSS_SENSORS.length || fields.some((value) => !Number.isFinite(value))) {
      throw new RangeError(`line ${index + 1}: expected ${2 + CMAPSS_SENSORS.length} numbers (unit, cycle, 3 settings, 21 sensors)`)
    }
    const unitId = String(fields[0])
    const cycle = fields[1]
    const unit = units.get(unitId) ?? { lastCycle: 0, rows: [] }
    if (cycle !== unit.lastCycle + 1) throw new RangeError(`line ${index + 1}: unit ${unitId} cycle ${cycle} follows cycle ${unit.lastCycle}`)
    unit.lastCycle = cycle
    unit.rows.push(fields.slice(2))
    units.set(unitId, unit)
  })
  return [...units].map(([unitId, unit]) => ({ unitId, sensors: CMAPSS_SENSORS.slice(), rows: unit.rows }))
}

/** RUL_FD00x.txt: one true remaining life per line, in engine order. */
export function parseCmapssRul (text: string): number[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '').map((line, index) => {
    const value = Number(line)
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`line ${index + 1}: expected a non-negative whole number of cycles, got "${line}"`)
    return value
  })
}

export async function readCmapssFile (path: string): Promise<RunToFailureHistory[]> {
  return parseCmapss(await readFile(path, 'utf8'))
}

export async function readCmapssRulFile (path: string): Promise<number[]> {
  return parseCmapssRul(await readFile(path, 'utf8'))
}
