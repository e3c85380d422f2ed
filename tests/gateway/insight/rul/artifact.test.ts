import t from 'tap'
import { compileRulModel, parseRulArtifact, predictSeries, trainRulModel } from '../../../../gateway/insight/rul/index.js'
import { generateDegradationFleet } from './synthetic-fleet.js'

const artifact = trainRulModel(generateDegradationFleet(16, 31), { cap: 80, stepUnit: 'hours', seed: 5, trees: 60 })
const unit = generateDegradationFleet(1, 909, 0.1)[0]!

t.test('an artefact saved as JSON and loaded again gives identical predictions', async (t) => {
  const loaded = parseRulArtifact(JSON.parse(JSON.stringify(artifact)))
  t.not(loaded, artifact)
  t.same(predictSeries(loaded, unit), predictSeries(artifact, unit))
  t.equal(compileRulModel(loaded), compileRulModel(loaded), 'compiled once per artefact object')
})

/** A valid tree 12 levels deep: each split has a leaf on the left and the next split on the right. */
function chainTree (depth: number): Record<string, number[]> {
  const tree: Record<string, number[]> = { feature: [], threshold: [], left: [], right: [], value: [] }
  for (let level = 0; level < depth; level++) {
    const node = 2 * level
    tree.feature![node] = 0; tree.threshold![node] = level; tree.left![node] = node + 1; tree.right![node] = node + 2; tree.value![node] = 0
    tree.feature![node + 1] = -1; tree.threshold![node + 1] = 0; tree.left![node + 1] = -1; tree.right![node + 1] = -1; tree.value![node + 1] = level
  }
  const last = 2 * depth
  tree.feature![last] = -1; tree.threshold![last] = 0; tree.left![last] = -1; tree.right![last] = -1; tree.value![last] = depth
  return tree
}

t.test('a damaged artefact is refused, naming the field', async (t) => {
  const damage = (edit: (copy: any) => void): unknown => {
    const copy = JSON.parse(JSON.stringify(artifact))
    edit(copy)
    return copy
  }
  const cases: Array<[string, (copy: any) => void, RegExp]> = [
    ['not an object', (copy) => { copy.params = [] }, /^artifact\.params must be an object/],
    ['other format', (copy) => { copy.format = 'onnx' }, /^artifact\.format must be "afterline\.rul"/],
    ['future version', (copy) => { copy.version = 2 }, /^artifact\.version is 2; this build reads version 1/],
    ['unknown family', (copy) => { copy.family = 'lstm' }, /^artifact\.family "lstm" is not a known model family/],
    ['step unit', (copy) => { copy.stepUnit = 'days' }, /^artifact\.stepUnit/],
    ['weights short', (copy) => { copy.params.fused.weights.pop() }, /^artifact\.params\.fused\.weights must hold 16 numbers, has 15/],
    ['names short', (copy) => { copy.features.names.pop() }, /^artifact\.features\.names has 16 names for 17 features/],
    ['zero spread', (copy) => { copy.params.normaliser.std[0][1] = 0 }, /^artifact\.params\.normaliser\.std\[0\] must be positive/],
    ['feature out of range', (copy) => { copy.params.ensemble.trees[3].feature[0] = 17 }, /^artifact\.params\.ensemble\.trees\[3\]\.feature\[0\] must be a feature index below 17/],
    ['child loops back', (copy) => { copy.params.ensemble.trees[2].left[0] = 0 }, /^artifact\.params\.ensemble\.trees\[2\]\.left\[0\] must be a node index/],
    ['NaN threshold', (copy) => { copy.params.ensemble.trees[0].threshold[0] = null }, /^artifact\.params\.ensemble\.trees\[0\]\.threshold must be an array of finite numbers/],
    ['too deep', (copy) => { copy.params.ensemble.trees[1] = chainTree(12) }, /^artifact\.params\.ensemble\.trees\[1\] is deeper than 10 levels/],
    ['band sizes', (copy) => { copy.params.band.upper.push(1) }, /^artifact\.params\.band\.upper must hold 5 numbers/]
  ]
  for (const [name, edit, message] of cases) t.throws(() => parseRulArtifact(damage(edit)), { name: 'RangeError', message }, name)
  t.throws(() => parseRulArtifact(null), { message: /^artifact must be an object/ })
})
