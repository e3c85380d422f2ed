/**
 * Seeded randomness for the simulator (sfc32, seeded through splitmix32): the same seed gives the
 * same fleet, the same faults and the same readings on every machine.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next (): number
  uniform (min: number, max: number): number
  /** Standard normal (Box–Muller, caching the second value). */
  gaussian (): number
  /** Exponentially distributed waiting time with the given mean. */
  exponential (mean: number): number
  chance (p: number): boolean
  pick<T> (items: readonly T[]): T
  /** An independent stream derived from this one (e.g. one per device). */
  fork (label: number): Random
}

function splitmix32 (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

export function createRandom (seed: number): Random {
  const init = splitmix32(seed)
  let a = init()
  let b = init()
  let c = init()
  let d = init()
  const nextUint = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = ((c << 21) | (c >>> 11)) >>> 0
    c = (c + t) >>> 0
    return t
  }
  for (let i = 0; i < 12; i++) nextUint()
  let spare = Number.NaN

  const random: Random = {
    next: () => nextUint() / 4294967296,
    uniform: (min, max) => min + (max - min) * random.next(),
    gaussian () {
      if (!Number.isNaN(spare)) {
        const value = spare
        spare = Number.NaN
        return value
      }
      let u = random.next()
      while (u <= Number.MIN_VALUE) u = random.next()
      const v = random.next()
      const radius = Math.sqrt(-2 * Math.log(u))
      spare = radius * Math.sin(2 * Math.PI * v)
      return radius * Math.cos(2 * Math.PI * v)
    },
    exponential: (mean) => -mean * Math.log(1 - random.next()),
    chance: (p) => random.next() < p,
    pick: (items) => items[Math.floor(random.next() * items.length)] as (typeof items)[number],
    fork: (label) => createRandom((nextUint() ^ Math.imul(label + 1, 0x27d4eb2d)) >>> 0)
  }
  return random
}
