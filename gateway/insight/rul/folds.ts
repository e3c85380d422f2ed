import { createRandom, shuffleWith } from './random.js'

/**
 * Group k-fold over units: every unit's rows go to exactly one fold, so a model is never validated on an engine
 * (or device) it has seen. Units are shuffled with the seed, then dealt longest-first to the fold with the fewest
 * rows so folds hold similar amounts of data.
 */
export function splitUnitsIntoFolds (units: ReadonlyArray<{ unitId: string, rows: { length: number } }>, folds: number, seed = 1): string[][] {
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be an integer ≥ 2, got ${folds}`)
  const ids = new Set(units.map((unit) => unit.unitId))
  if (ids.size !== units.length) throw new RangeError('unitId must be unique across histories')
  if (units.length < folds) throw new RangeError(`${folds} folds need at least ${folds} units, got ${units.length}`)
  const order = shuffleWith(units, createRandom(seed)).sort((a, b) => b.rows.length - a.rows.length)
  const out: string[][] = Array.from({ length: folds }, () => [])
  const load = new Array<number>(folds).fill(0)
  for (const unit of order) {
    let target = 0
    for (let k = 1; k < folds; k++) {
      if ((out[k] as string[]).length < (out[target] as string[]).length ||
        ((out[k] as string[]).length === (out[target] as string[]).length && (load[k] as number) < (load[target] as number))) target = k
    }
    ;(out[target] as string[]).push(unit.unitId)
    load[target] = (load[target] as number) + unit.rows.length
  }
  return out
}
