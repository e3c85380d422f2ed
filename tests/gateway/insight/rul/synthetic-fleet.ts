import { createRandom, type RunToFailureHistory } from '../../../../gateway/insight/rul/index.js'

/**
 * Seeded run-to-failure histories with a known degradation law: each unit is healthy until an onset, then wear
 * w grows quadratically from 0 to 1 at failure. temp and vibration rise with wear, pressure falls; current is
 * pure noise and `firmware` is constant (neither should be chosen as a health sensor).
 */
export function generateDegradationFleet (units: number, seed: number, dropout = 0): RunToFailureHistory[] {
  const random = createRandom(seed)
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  return Array.from({ length: units }, (_, u) => {
    const life = 120 + Math.floor(random() * 120)
    const degradation = 60 + Math.floor(random() * 40)
    const onset = life - degradation
    const offset = gaussian()
    const rows = Array.from({ length: life }, (_, t) => {
      const wear = t < onset ? 0 : ((t - onset + 1) / degradation) ** 2
      const row = [
        70 + offset + 12 * wear + gaussian() * 0.8,
        2 + 3 * wear + gaussian() * 0.3,
        5 - 1.5 * wear + gaussian() * 0.15,
        10 + gaussian(),
        3
      ]
      return row.map((value, i) => i < 4 && random() < dropout ? NaN : value)
    })
    return { unitId: `unit-${u + 1}`, sensors: ['temp', 'vibration', 'pressure', 'current', 'firmware'], rows }
  })
}
