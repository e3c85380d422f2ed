import t from 'tap'
import { createGroupCommit } from '../../../core/db/group-commit.js'

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

t.test('items submitted while a batch is written form the next batch, answered in order', async (t) => {
  const batches: number[][] = []
  let release: (() => void) | null = null
  const commit = createGroupCommit<number, string>({
    maxBatch: 100,
    async write (items) {
      batches.push([...items])
      if (batches.length === 1) await new Promise<void>((resolve) => { release = resolve })
      return items.map((n) => `done ${n}`)
    }
  })
  const first = commit.submit(1)
  await tick()
  const rest = [2, 3, 4].map((n) => commit.submit(n))
  t.equal(commit.pending, 4)
  ;(release as unknown as () => void)()
  t.same(await Promise.all([first, ...rest]), ['done 1', 'done 2', 'done 3', 'done 4'])
  t.same(batches, [[1], [2, 3, 4]])
  await commit.idle()
  t.equal(commit.pending, 0)
})

t.test('callers in the same tick share one batch, and maxBatch splits a long queue', async (t) => {
  const batches: number[][] = []
  const commit = createGroupCommit<number, number>({ maxBatch: 3, write: async (items) => { batches.push([...items]); return items.map((n) => n * 2) } })
  const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => commit.submit(n)))
  t.same(results, [2, 4, 6, 8, 10, 12, 14])
  t.same(batches, [[1, 2, 3], [4, 5, 6], [7]])
})

t.test('a failing batch is retried item by item when failures are isolated', async (t) => {
  const batches: number[][] = []
  const commit = createGroupCommit<number, number>({
    maxBatch: 10,
    isolateFailures: true,
    async write (items) {
      batches.push([...items])
      if (items.includes(3)) throw new Error('item 3 is bad')
      return [...items]
    }
  })
  const settled = await Promise.allSettled([1, 2, 3, 4].map((n) => commit.submit(n)))
  t.same(settled.map((s) => s.status === 'fulfilled' ? s.value : (s.reason as Error).message), [1, 2, 'item 3 is bad', 4])
  t.same(batches, [[1, 2, 3, 4], [1], [2], [3], [4]])
})

t.test('without isolation every caller of a failed batch gets the error, and later batches still run', async (t) => {
  let calls = 0
  const commit = createGroupCommit<number, number>({
    maxBatch: 10,
    async write (items) {
      calls++
      if (calls === 1) throw new Error('database unavailable')
      return [...items]
    }
  })
  const settled = await Promise.allSettled([1, 2].map((n) => commit.submit(n)))
  t.same(settled.map((s) => s.status), ['rejected', 'rejected'])
  t.equal(await commit.submit(5), 5)
})

t.test('a write returning the wrong number of results fails its callers', async (t) => {
  const commit = createGroupCommit<number, number>({ maxBatch: 10, write: async () => [] })
  await t.rejects(commit.submit(1), /returned 0 results for 1 items/)
})

t.test('maxBatch must be a positive integer', async (t) => {
  t.throws(() => createGroupCommit({ maxBatch: 0, write: async () => [] }), RangeError)
})
