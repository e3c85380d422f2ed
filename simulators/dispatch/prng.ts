/**
 * Seeded randomness for simulations: the same seed gives the same day, so policies are compared on
 * identical demand and tests are reproducible.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next (): number
  between (min: number, max: number): number
  integer (min: number, maxInclusive: number): number
  normal (mean?: number, sd?: number): number
  /** Log-normal with the given arithmetic mean and shape σ. */
  logNormal (mean: number, sigma: number): number
  exponential (mean: number): number
  pick<T> (items: readonly T[]): T
  /** Index chosen with probability proportional to its weight. */
  weighted (weights: readonly number[]): number
  /** `count` distinct items. */
  sample<T> (items: readonly T[], count: number): T[]
}

/** mulberry32: small, fast, good enough for simulation (not for secrets). */
export function createRandom (seed: number): Random {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const random: Random = {
    next,
    between: (min, max) => min + (max - min) * next(),
    integer: (min, max) => min + Math.floor(next() * (max - min + 1)),
    normal (mean = 0, sd = 1) {
      const u = 1 - next()
      const v = next()
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    logNormal (mean, sigma) {
      return mean * Math.exp(random.normal(-(sigma ** 2) / 2, sigma))
    },
    exponential: (mean) => -mean * Math.log(1 - next()),
    pick: (items) => items[Math.floor(next() * items.length)] as never,
    weighted (weights) {
      const total = weights.reduce((a, b) => a + b, 0)
      let x = next() * total
      for (let i = 0; i < weights.length; i++) {
        x -= weights[i] as number
        if (x < 0) return i
      }
      return weights.length - 1
    },
    sample (items, count) {
      const copy = [...items]
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        ;[copy[i], copy[j]] = [copy[j] as never, copy[i] as never]
      }
      return copy.slice(0, count)
    }
  }
  return random
}

/** A uniform number in [0, 1) fixed by (seed, key): the same decision whatever the order of events. */
export function hashUniform (seed: number, key: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b) >>> 0
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35) >>> 0
  h ^= h >>> 16
  return (h >>> 0) / 4294967296
}
