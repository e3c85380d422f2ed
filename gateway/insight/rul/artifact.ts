import type { RulArtifact } from './rul.types.js'
import { createFeatureLayout } from './feature-state.js'
import { depthOf, MAX_TREE_DEPTH } from './tree-scorer.js'

/**
 * Checks a parsed JSON artefact before it is used: a model that loads must score without out-of-range reads.
 * Throws a RangeError naming the first bad field (`artifact.params.fused.weights`).
 */
export function parseRulArtifact (json: unknown): RulArtifact {
  const a = objectAt(json, 'artifact')
  if (a.format !== 'afterline.rul') fail('artifact.format', 'must be "afterline.rul"')
  if (a.version !== 1) fail('artifact.version', `is ${String(a.version)}; this build reads version 1`)
  if (a.family !== 'gbdt') fail('artifact.family', `"${String(a.family)}" is not a known model family`)
  const sensors = stringsAt(a.sensors, 'artifact.sensors')
  if (sensors.length === 0) fail('artifact.sensors', 'must name at least one sensor')
  if (!(typeof a.cap === 'number' && a.cap > 0)) fail('artifact.cap', 'must be a positive number')
  if (a.stepUnit !== 'cycles' && a.stepUnit !== 'hours') fail('artifact.stepUnit', "must be 'cycles' or 'hours'")
  const features = objectAt(a.features, 'artifact.features')
  const windows = numbersAt(features.windows, 'artifact.features.windows')
  if (typeof features.useAge !== 'boolean') fail('artifact.features.useAge', 'must be a boolean')
  const params = objectAt(a.params, 'artifact.params')
  const normaliser = objectAt(params.normaliser, 'artifact.params.normaliser')
  const conditions = stringsAt(normaliser.conditionSensors, 'artifact.params.normaliser.conditionSensors')
  let layout
  try {
    layout = createFeatureLayout(sensors.length, conditions.length, windows, features.useAge as boolean)
  } catch (error) {
    fail('artifact.features.windows', (error as Error).message)
  }
  const names = stringsAt(features.names, 'artifact.features.names')
  if (names.length !== layout.count + 1) fail('artifact.features.names', `has ${names.length} names for ${layout.count + 1} features`)
  vectorAt(normaliser.conditionMean, conditions.length, 'artifact.params.normaliser.conditionMean')
  vectorAt(normaliser.conditionStd, conditions.length, 'artifact.params.normaliser.conditionStd')
  const centroids = arrayAt(normaliser.centroids, 'artifact.params.normaliser.centroids')
  if (centroids.length === 0) fail('artifact.params.normaliser.centroids', 'must hold at least one regime')
  centroids.forEach((c, k) => vectorAt(c, conditions.length, `artifact.params.normaliser.centroids[${k}]`))
  for (const key of ['mean', 'std'] as const) {
    const perRegime = arrayAt(normaliser[key], `artifact.params.normaliser.${key}`)
    if (perRegime.length !== centroids.length) fail(`artifact.params.normaliser.${key}`, `must hold one row per regime (${centroids.length})`)
    perRegime.forEach((row, k) => {
      const values = vectorAt(row, sensors.length, `artifact.params.normaliser.${key}[${k}]`)
      if (key === 'std' && values.some((v) => v <= 0)) fail(`artifact.params.normaliser.std[${k}]`, 'must be positive')
    })
  }
  const fused = objectAt(params.fused, 'artifact.params.fused')
  finiteAt(fused.intercept, 'artifact.params.fused.intercept')
  vectorAt(fused.weights, layout.count, 'artifact.params.fused.weights')
  checkEnsemble(params.ensemble, layout.count + 1)
  const band = objectAt(params.band, 'artifact.params.band')
  const edges = numbersAt(band.edges, 'artifact.params.band.edges')
  vectorAt(band.lower, edges.length + 1, 'artifact.params.band.lower')
  vectorAt(band.upper, edges.length + 1, 'artifact.params.band.upper')
  vectorAt(band.quantiles, 2, 'artifact.params.band.quantiles')
  objectAt(a.trainedOn, 'artifact.trainedOn')
  objectAt(a.metrics, 'artifact.metrics')
  return json as RulArtifact
}

function checkEnsemble (value: unknown, featureCount: number): void {
  const ensemble = objectAt(value, 'artifact.params.ensemble')
  finiteAt(ensemble.base, 'artifact.params.ensemble.base')
  arrayAt(ensemble.trees, 'artifact.params.ensemble.trees').forEach((item, t) => {
    const path = `artifact.params.ensemble.trees[${t}]`
    const tree = objectAt(item, path)
    const feature = numbersAt(tree.feature, `${path}.feature`)
    const size = feature.length
    if (size === 0) fail(`${path}.feature`, 'a tree needs at least one node')
    const threshold = vectorAt(tree.threshold, size, `${path}.threshold`)
    const left = vectorAt(tree.left, size, `${path}.left`)
    const right = vectorAt(tree.right, size, `${path}.right`)
    vectorAt(tree.value, size, `${path}.value`)
    for (let i = 0; i < size; i++) {
      if (feature[i] < 0) continue
      if (!Number.isInteger(feature[i]) || feature[i] >= featureCount) fail(`${path}.feature[${i}]`, `must be a feature index below ${featureCount}`)
      // Children after their parent: traversal always ends at a leaf.
      for (const [child, name] of [[left[i], 'left'], [right[i], 'right']] as const) {
        if (!Number.isInteger(child) || child <= i || child >= size) fail(`${path}.${name}[${i}]`, `must be a node index in ${i + 1}..${size - 1}`)
      }
      finiteAt(threshold[i], `${path}.threshold[${i}]`)
    }
    if (depthOf({ feature, left, right }) > MAX_TREE_DEPTH) fail(path, `is deeper than ${MAX_TREE_DEPTH} levels`)
  })
}

function fail (field: string, problem: string): never {
  throw new RangeError(`${field} ${problem}`)
}

function objectAt (value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be an object')
  return value as Record<string, unknown>
}

function arrayAt (value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) fail(field, 'must be an array')
  return value
}

function stringsAt (value: unknown, field: string): string[] {
  const items = arrayAt(value, field)
  if (items.some((item) => typeof item !== 'string')) fail(field, 'must be an array of strings')
  return items as string[]
}

function numbersAt (value: unknown, field: string): number[] {
  const items = arrayAt(value, field)
  if (items.some((item) => typeof item !== 'number' || !Number.isFinite(item))) fail(field, 'must be an array of finite numbers')
  return items as number[]
}

function vectorAt (value: unknown, length: number, field: string): number[] {
  const items = numbersAt(value, field)
  if (items.length !== length) fail(field, `must hold ${length} numbers, has ${items.length}`)
  return items
}

function finiteAt (value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'must be a finite number')
}
