import t from 'tap'
import { compileEnsemble, predictEnsemble } from '../../../../gateway/insight/rul/tree-scorer.js'
import { createRandom, type RulArtifact } from '../../../../gateway/insight/rul/index.js'

type Tree = RulArtifact['params']['ensemble']['trees'][number]

/** A random tree with leaves at uneven depths, in the trainer's node order (children after parents). */
function growRandomTree (random: () => number, features: number, maxDepth: number): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] }
  const grow = (depth: number): number => {
    const node = tree.feature.length
    tree.feature.push(-1); tree.threshold.push(0); tree.left.push(-1); tree.right.push(-1); tree.value.push(random() * 10 - 5)
    if (depth < maxDepth && random() < 0.7) {
      tree.feature[node] = Math.floor(random() * features)
      tree.threshold[node] = random() * 2 - 1
      tree.left[node] = grow(depth + 1)
      tree.right[node] = grow(depth + 1)
    }
    return node
  }
  grow(0)
  return tree
}

function walk (tree: Tree, x: number[]): number {
  let node = 0
  while (tree.feature[node]! >= 0) node = x[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!
  return tree.value[node]!
}

t.test('the padded layout scores exactly like walking the trees', async (t) => {
  const random = createRandom(17)
  const trees = Array.from({ length: 50 }, () => growRandomTree(random, 6, 5))
  const ensemble = compileEnsemble({ base: 3.5, trees })
  t.ok(ensemble.depth >= 4, `trees reach depth ${ensemble.depth}`)
  let differing = 0
  for (let i = 0; i < 2000; i++) {
    const x = Array.from({ length: 6 }, () => random() * 2.4 - 1.2)
    // Values exactly on a threshold go left, as in training.
    if (i % 10 === 0) x[trees[0]!.feature[0]! < 0 ? 0 : trees[0]!.feature[0]!] = trees[0]!.threshold[0]!
    const expected = trees.reduce((sum, tree) => sum + walk(tree, x), 3.5)
    if (Math.abs(predictEnsemble(ensemble, x) - expected) > 1e-9) differing++
  }
  t.equal(differing, 0)
  t.equal(predictEnsemble(compileEnsemble({ base: 2, trees: [{ feature: [-1], threshold: [0], left: [-1], right: [-1], value: [1.5] }] }), [0]), 3.5, 'a single-leaf tree')
})
