import type { TreeEnsembleParams } from './rul.types.js'
import type { Random } from './random.js'

/**
 * Gradient-boosted regression trees, squared loss, histogram splits (≤ 64 quantile bins per feature), grown
 * level by level to a fixed depth with the parent-minus-sibling histogram trick, L2-regularised leaves, row and
 * feature subsampling per tree. Small enough to read, fast enough to train on tens of thousands of rows in seconds.
 */
export interface BoostingOptions {
  trees: number
  depth: number
  learningRate: number
  minLeaf: number
  subsample: number
  colsample: number
  lambda: number
  bins: number
  random: Random
}

type Tree = TreeEnsembleParams['trees'][number]

/** `x` is row-major with `f` columns; `rows` are the training rows. */
export function fitTreeEnsemble (x: Float64Array, f: number, y: Float64Array, rows: ArrayLike<number>, options: BoostingOptions): TreeEnsembleParams {
  const n = rows.length
  if (n === 0) throw new RangeError('boosting needs at least one row')
  const bins = Math.min(256, Math.max(2, options.bins))
  const target = new Float64Array(n)
  for (let r = 0; r < n; r++) target[r] = y[rows[r] as number]
  const edges: Float64Array[] = []
  const codes = new Uint8Array(f * n)
  const column = new Float64Array(n)
  for (let j = 0; j < f; j++) {
    for (let r = 0; r < n; r++) column[r] = x[(rows[r] as number) * f + j]
    const featureEdges = findEdges(column, bins)
    edges.push(featureEdges)
    for (let r = 0; r < n; r++) codes[j * n + r] = binOf(featureEdges, column[r])
  }

  let base = 0
  for (let r = 0; r < n; r++) base += target[r]
  base /= n
  const prediction = new Float64Array(n).fill(base)
  const gradient = new Float64Array(n)
  const index = new Uint32Array(n)
  const scratch = new Uint32Array(n)
  const trees: Tree[] = []
  const featureCount = Math.max(1, Math.round(options.colsample * f))

  for (let t = 0; t < options.trees; t++) {
    let m = 0
    for (let r = 0; r < n; r++) {
      gradient[r] = target[r] - prediction[r]
      if (options.subsample >= 1 || options.random() < options.subsample) index[m++] = r
    }
    if (m < 2 * options.minLeaf) continue
    const features = pickFeatures(f, featureCount, options.random)
    const grown = growTree({ codes, n, edges, gradient, index, scratch, m, features, bins, options })
    for (let r = 0; r < n; r++) {
      let node = 0
      while (grown.feature[node] >= 0) node = codes[grown.feature[node] * n + r] <= grown.bin[node] ? grown.left[node] : grown.right[node]
      prediction[r] += grown.value[node]
    }
    trees.push({ feature: grown.feature, threshold: grown.threshold, left: grown.left, right: grown.right, value: grown.value })
  }
  return { base, trees }
}

interface GrowInput {
  codes: Uint8Array
  n: number
  edges: Float64Array[]
  gradient: Float64Array
  index: Uint32Array
  scratch: Uint32Array
  m: number
  features: number[]
  bins: number
  options: BoostingOptions
}

interface Work { start: number, end: number, sum: number, hist: Float64Array, depth: number, node: number }

function growTree (input: GrowInput): Tree & { bin: number[] } {
  const { codes, n, edges, gradient, index, scratch, features, bins, options } = input
  const tree = { feature: [] as number[], threshold: [] as number[], left: [] as number[], right: [] as number[], value: [] as number[], bin: [] as number[] }
  const addNode = (): number => {
    tree.feature.push(-1); tree.threshold.push(0); tree.left.push(-1); tree.right.push(-1); tree.value.push(0); tree.bin.push(0)
    return tree.feature.length - 1
  }
  const histogram = (start: number, end: number): Float64Array => {
    const hist = new Float64Array(features.length * bins * 2)
    for (let q = 0; q < features.length; q++) {
      const offset = features[q] * n
      const slot = q * bins * 2
      for (let r = start; r < end; r++) {
        const i = index[r]
        const at = slot + codes[offset + i] * 2
        hist[at] += gradient[i]
        hist[at + 1] += 1
      }
    }
    return hist
  }
  const { lambda, minLeaf, learningRate } = options
  let rootSum = 0
  for (let r = 0; r < input.m; r++) rootSum += gradient[index[r]]
  const queue: Work[] = [{ start: 0, end: input.m, sum: rootSum, hist: histogram(0, input.m), depth: 0, node: addNode() }]
  while (queue.length > 0) {
    const work = queue.shift() as Work
    const count = work.end - work.start
    const split = work.depth < options.depth && count >= 2 * minLeaf ? findSplit(work, features, edges, bins, lambda, minLeaf) : null
    if (split === null) {
      tree.value[work.node] = learningRate * work.sum / (count + lambda)
      continue
    }
    const feature = features[split.slot]
    const offset = feature * n
    let lo = work.start
    let hi = 0
    for (let r = work.start; r < work.end; r++) {
      const i = index[r]
      if (codes[offset + i] <= split.bin) index[lo++] = i
      else scratch[hi++] = i
    }
    index.set(scratch.subarray(0, hi), lo)
    const leftCount = lo - work.start
    const smallerIsLeft = leftCount <= count - leftCount
    const smallHist = smallerIsLeft ? histogram(work.start, lo) : histogram(lo, work.end)
    const largeHist = work.hist
    for (let k = 0; k < largeHist.length; k++) largeHist[k] -= smallHist[k]
    const left = addNode()
    const right = addNode()
    tree.feature[work.node] = feature
    tree.bin[work.node] = split.bin
    tree.threshold[work.node] = edges[feature][split.bin]
    tree.left[work.node] = left
    tree.right[work.node] = right
    queue.push(
      { start: work.start, end: lo, sum: split.leftSum, hist: smallerIsLeft ? smallHist : largeHist, depth: work.depth + 1, node: left },
      { start: lo, end: work.end, sum: work.sum - split.leftSum, hist: smallerIsLeft ? largeHist : smallHist, depth: work.depth + 1, node: right }
    )
  }
  return tree
}

function findSplit (work: Work, features: number[], edges: Float64Array[], bins: number, lambda: number, minLeaf: number): { slot: number, bin: number, leftSum: number } | null {
  const total = work.end - work.start
  const parentScore = work.sum * work.sum / (total + lambda)
  let best: { slot: number, bin: number, leftSum: number } | null = null
  let bestGain = 1e-9
  for (let q = 0; q < features.length; q++) {
    const splits = edges[features[q]].length
    const slot = q * bins * 2
    let leftSum = 0
    let leftCount = 0
    for (let b = 0; b < splits; b++) {
      leftSum += work.hist[slot + b * 2]
      leftCount += work.hist[slot + b * 2 + 1]
      if (leftCount < minLeaf) continue
      const rightCount = total - leftCount
      if (rightCount < minLeaf) break
      const rightSum = work.sum - leftSum
      const gain = leftSum * leftSum / (leftCount + lambda) + rightSum * rightSum / (rightCount + lambda) - parentScore
      if (gain > bestGain) { bestGain = gain; best = { slot: q, bin: b, leftSum } }
    }
  }
  return best
}

/** Split candidates at quantiles of the values; a value goes left when `value <= edge`. */
function findEdges (values: Float64Array, bins: number): Float64Array {
  const sorted = Float64Array.from(values).sort()
  const out: number[] = []
  const max = sorted[sorted.length - 1]
  for (let k = 1; k < bins; k++) {
    const edge = sorted[Math.floor(k * sorted.length / bins)]
    if (edge < max && (out.length === 0 || edge > out[out.length - 1])) out.push(edge)
  }
  return Float64Array.from(out)
}

function binOf (edges: Float64Array, value: number): number {
  let lo = 0
  let hi = edges.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (value <= edges[mid]) hi = mid
    else lo = mid + 1
  }
  return lo
}

function pickFeatures (f: number, count: number, random: Random): number[] {
  const all = Array.from({ length: f }, (_, j) => j)
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (f - i))
    const swap = all[i]; all[i] = all[j]; all[j] = swap
  }
  return all.slice(0, count).sort((a, b) => a - b)
}
