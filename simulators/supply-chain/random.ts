/** A seeded PRNG (mulberry32): the same seed gives the same simulation, run after run. */
export interface Random {
  /** Uniform in [0, 1). */
  next (): number
  int (min: number, maxInclusive: number): number
  pick<T> (items: readonly T[]): T
  chance (probability: number): boolean
  /** Uniform in [min, max). */
  between (min: number, max: number): number
}

export function createRandom (seed: number): Random {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
    between: (min, max) => min + next() * (max - min)
  }
}
