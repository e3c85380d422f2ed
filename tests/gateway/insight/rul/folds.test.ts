import t from 'tap'
import { crossValidateRul, splitUnitsIntoFolds } from '../../../../gateway/insight/rul/index.js'
import { generateDegradationFleet } from './synthetic-fleet.js'

const units = Array.from({ length: 100 }, (_, i) => ({ unitId: `engine-${i + 1}`, rows: { length: 128 + ((i * 37) % 235) } }))

t.test('group k-fold puts every unit in exactly one fold, folds of equal unit counts', async (t) => {
  const folds = splitUnitsIntoFolds(units, 5, 1)
  t.same(folds.map((fold) => fold.length), [20, 20, 20, 20, 20])
  const seen = folds.flat()
  t.equal(new Set(seen).size, seen.length, 'no unit in two folds')
  t.same([...seen].sort(), units.map((unit) => unit.unitId).sort(), 'every unit in a fold')
  const rows = folds.map((fold) => fold.reduce((sum, id) => sum + units.find((unit) => unit.unitId === id)!.rows.length, 0))
  t.ok(Math.max(...rows) - Math.min(...rows) < 400, `rows balanced across folds: ${rows.join('/')}`)
  t.same(splitUnitsIntoFolds(units, 5, 1), folds, 'same seed, same folds')
  t.not(JSON.stringify(splitUnitsIntoFolds(units, 5, 2)), JSON.stringify(folds), 'another seed, other folds')
})

t.test('group k-fold rejects impossible requests, naming the problem', async (t) => {
  t.throws(() => splitUnitsIntoFolds(units, 1), { name: 'RangeError', message: /folds must be an integer ≥ 2/ })
  t.throws(() => splitUnitsIntoFolds(units.slice(0, 3), 5), { message: /5 folds need at least 5 units/ })
  t.throws(() => splitUnitsIntoFolds([units[0]!, units[0]!], 2), { message: /unitId must be unique/ })
})

t.test('cross-validation never validates on a unit its model was trained on', async (t) => {
  const fleet = generateDegradationFleet(20, 11)
  const report = crossValidateRul(fleet, { cap: 80, stepUnit: 'hours', seed: 3, trees: 40, calibrationFolds: 0, folds: 4 })
  t.equal(report.folds.length, 4)
  for (const fold of report.folds) {
    t.same(fold.trainedOn.filter((id) => fold.validated.includes(id)), [], 'the fold model saw none of its validation units')
    t.equal(fold.trainedOn.length + fold.validated.length, 20, 'and was trained on all the others')
  }
  const validated = report.folds.flatMap((fold) => fold.validated)
  t.same([...validated].sort(), fleet.map((unit) => unit.unitId).sort(), 'every unit validated exactly once')
  t.equal(report.trainSeconds.length, 4)
})
