import { createRandom, shuffleWith } from './random.js'

/**
 * Group k-fold over units: every unit's rows go to exactly one fold, so a model is never validated on an engine
 * (or device) it has seen. Units are ranked by length and dealt in blocks of k, each block to the folds in a
 * seeded random order: folds get equal unit counts (±1), similar row counts, and the seed decides the split.
 */
export function splitUnitsIntoFolds (units: ReadonlyArray<{ unitId: string, rows: { length: number } }>, folds: number, seed = 1): string[][] {
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`folds must be an integer ≥ 2, got ${folds}`)
  const ids = new Set(units.map((unit) => unit.unitId))
  if (ids.size !== units.length) throw new RangeError('unitId must be unique across histories')
  if (units.length < folds) throw new RangeError(`${folds} folds need at least ${folds} units, got ${units.length}`)
  const random = createRandom(seed)
  const ranked = shuffleWith(units, random).sort((a, b) => b.rows.length - a.rows.length)
  const out: string[][] = Array.from({ length: folds }, () => [])
  const folder = Array.from({ length: folds }, (_, k) => k)
  for (let start = 0; start < ranked.length; start += folds) {
    const order = shuffleWith(folder, random)
    ranked.slice(start, start + folds).forEach((unit, i) => out[order[i]].push(unit.unitId))
  }
  return out
}
