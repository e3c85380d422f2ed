/** Seeded pseudo-random numbers (mulberry32) so training and evaluation are reproducible. */
export type Random = () => number

export function createRandom (seed: number): Random {
  let a = (Math.floor(seed) >>> 0) || 0x9e3779b9
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Fisher–Yates shuffle of a copy (the platform's one, core/random.ts). */
export { shuffleWith } from '../../../core/random.js'
