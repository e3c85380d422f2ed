/**
 * A seeded pseudo-random generator (mulberry32) for simulators, tests and benchmarks, so a run can be
 * repeated exactly. Not for secrets: codes and credentials use node:crypto.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next (): number
  /** Integer in [min, max]. */
  int (min: number, max: number): number
  pick<T> (items: readonly T[]): T
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T> (items: readonly T[]): T[]
  /** Standard normal (Box–Muller). */
  normal (): number
  bytes (length: number): Buffer
}

export function createRandom (seed: number): Random {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    shuffle: (items) => shuffleWith(items, next),
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
    bytes: (length) => {
      const buffer = Buffer.allocUnsafe(length)
      for (let i = 0; i < length; i++) buffer[i] = Math.floor(next() * 256)
      return buffer
    }
  }
}

/** A shuffled copy (Fisher–Yates), drawing from `next` (uniform in [0, 1)). */
export function shuffleWith<T> (items: readonly T[], next: () => number): T[] {
  const out = items.slice()
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    const swap = out[i] as T
    out[i] = out[j] as T
    out[j] = swap
  }
  return out
}
