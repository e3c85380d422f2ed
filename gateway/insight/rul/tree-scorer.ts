import type { TreeEnsembleParams } from './rul.types.js'

/**
 * A tree ensemble laid out for scoring: every tree is padded to a perfect binary tree of the ensemble's depth
 * (a leaf above that depth becomes a node that always goes left, down to a copy of its value), so children sit
 * at 2i + 1 and 2i + 2 and a tree is walked in exactly `depth` steps without child-pointer loads.
 */
export interface CompiledEnsemble {
  base: number
  trees: number
  depth: number
  feature: Int32Array
  threshold: Float64Array
  leaf: Float64Array
}

/** Deeper trees would make the padded layout too large; boosting uses shallow trees. */
export const MAX_TREE_DEPTH = 10

export function depthOf (tree: { feature: ArrayLike<number>, left: ArrayLike<number>, right: ArrayLike<number> }, node = 0): number {
  if ((tree.feature[node] as number) < 0) return 0
  return 1 + Math.max(depthOf(tree, tree.left[node] as number), depthOf(tree, tree.right[node] as number))
}

export function compileEnsemble (params: TreeEnsembleParams): CompiledEnsemble {
  const depth = params.trees.reduce((max, tree) => Math.max(max, depthOf(tree)), 0)
  if (depth > MAX_TREE_DEPTH) throw new RangeError(`trees deeper than ${MAX_TREE_DEPTH} are not supported (depth ${depth})`)
  const internal = (1 << depth) - 1
  const leaves = 1 << depth
  const out: CompiledEnsemble = {
    base: params.base,
    trees: params.trees.length,
    depth,
    feature: new Int32Array(params.trees.length * internal),
    threshold: new Float64Array(params.trees.length * internal).fill(Infinity),
    leaf: new Float64Array(params.trees.length * leaves)
  }
  params.trees.forEach((tree, t) => {
    const place = (node: number, slot: number, level: number): void => {
      if (level === depth) {
        out.leaf[t * leaves + slot - internal] = tree.value[node]
        return
      }
      if (tree.feature[node] < 0) {
        // feature 0 ≤ +Infinity: always left; the right subtree is never reached but filled the same.
        place(node, 2 * slot + 1, level + 1)
        place(node, 2 * slot + 2, level + 1)
        return
      }
      out.feature[t * internal + slot] = tree.feature[node]
      out.threshold[t * internal + slot] = tree.threshold[node]
      place(tree.left[node], 2 * slot + 1, level + 1)
      place(tree.right[node], 2 * slot + 2, level + 1)
    }
    place(0, 0, 0)
  })
  return out
}

export function predictEnsemble (ensemble: CompiledEnsemble, features: ArrayLike<number>): number {
  const { feature, threshold, leaf, depth, trees } = ensemble
  // Integer arithmetic (1 << depth, not 2 ** depth) keeps every index a small integer for the JIT.
  const internal = (1 << depth) - 1
  let sum = ensemble.base
  let offset = 0
  for (let t = 0; t < trees; t++) {
    let slot = 0
    for (let level = 0; level < depth; level++) {
      slot = (features[feature[offset + slot]] as number) > threshold[offset + slot] ? 2 * slot + 2 : 2 * slot + 1
    }
    // Tree t's leaves start at t × (internal + 1) = offset + t.
    sum += leaf[offset + t + slot - internal]
    offset += internal
  }
  return sum
}
