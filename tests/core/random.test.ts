import t from 'tap'
import { createRandom } from '../../core/random.js'

t.test('the same seed gives the same numbers; another seed other numbers', async (t) => {
  const a = createRandom(42)
  const b = createRandom(42)
  const c = createRandom(43)
  const first = Array.from({ length: 5 }, () => a.next())
  t.same(Array.from({ length: 5 }, () => b.next()), first)
  t.not(c.next(), first[0])
  for (const x of first) t.ok(x >= 0 && x < 1, `${x} in [0, 1)`)
})

t.test('int stays within its bounds and reaches both', async (t) => {
  const random = createRandom(7)
  const seen = new Set<number>()
  for (let i = 0; i < 1000; i++) seen.add(random.int(3, 6))
  t.same([...seen].sort(), [3, 4, 5, 6], 'only 3 to 6, each of them')
})

t.test('shuffle: a permutation of a copy, repeatable by seed', async (t) => {
  const items = Array.from({ length: 100 }, (_, i) => i)
  const shuffled = createRandom(1).shuffle(items)
  t.same(items, Array.from({ length: 100 }, (_, i) => i), 'the input is left as it was')
  t.same([...shuffled].sort((x, y) => x - y), items, 'every item once')
  t.not(shuffled.join(','), items.join(','), 'the order changed')
  t.same(createRandom(1).shuffle(items), shuffled, 'same seed, same order')
  t.not(createRandom(2).shuffle(items).join(','), shuffled.join(','), 'another seed, another order')
  t.same(createRandom(1).shuffle([]), [])
  t.same(createRandom(1).shuffle(['only']), ['only'])
})
