import t from 'tap'
import { coverageOf, rootMeanSquare, scorePhm08, sumPhm08 } from '../../../../gateway/insight/rul/index.js'

t.test('PHM08 score: d = predicted − true, late predictions cost exp(d/10) − 1, early ones exp(−d/13) − 1', async (t) => {
  t.equal(scorePhm08(100, 100), 0, 'exact prediction costs nothing')
  t.equal(scorePhm08(110, 100), Math.E - 1, '10 cycles late: d = +10 → e − 1')
  t.equal(scorePhm08(87, 100), Math.E - 1, '13 cycles early: d = −13 → e − 1')
  t.equal(scorePhm08(120, 100), Math.exp(2) - 1, '20 cycles late')
  t.equal(scorePhm08(80, 100), Math.exp(20 / 13) - 1, '20 cycles early')
  t.ok(scorePhm08(120, 100) > scorePhm08(80, 100), 'late costs more than early by the same amount')
  t.ok(scorePhm08(101, 100) > 0 && scorePhm08(99, 100) > 0, 'every error costs something')
  t.equal(sumPhm08([110, 87, 100], [100, 100, 100]), 2 * (Math.E - 1))
})

t.test('root mean square error and band coverage', async (t) => {
  t.equal(rootMeanSquare([3, 0], [0, 4]), Math.sqrt((9 + 16) / 2))
  t.equal(coverageOf([0, 5, 10], [10, 6, 20], [5, 7, 10]), 2 / 3, 'bounds are inclusive')
  t.throws(() => rootMeanSquare([1], [1, 2]), RangeError)
})
