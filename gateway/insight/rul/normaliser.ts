import type { NormaliserParams, RunToFailureHistory } from './rul.types.js'
import type { Random } from './random.js'

/**
 * Operating-condition normalisation. Health sensors move with the operating condition (altitude, load, ambient
 * temperature) far more than with wear, so each reading is standardised against the mean and spread of its
 * regime. Regimes are k-means clusters of the standardised condition sensors; with one regime this is a plain
 * per-sensor standardisation.
 */
export interface NormaliserFitInput {
  histories: readonly RunToFailureHistory[]
  conditionSensors: string[]
  healthSensors: string[]
  regimes: number
  random: Random
}

export function fitNormaliser ({ histories, conditionSensors, healthSensors, regimes, random }: NormaliserFitInput): NormaliserParams {
  const conditionColumns = histories.map((history) => columnsOf(history.sensors, conditionSensors))
  const healthColumns = histories.map((history) => columnsOf(history.sensors, healthSensors))
  const conditionStats = conditionSensors.map((_, c) => meanAndStd(histories, (h, row) => valueAt(histories[h]!.rows[row]!, conditionColumns[h]![c]!)))
  const conditionMean = conditionStats.map((stat) => stat.mean)
  const conditionStd = conditionStats.map((stat) => stat.std)

  const points: number[][] = []
  for (let h = 0; h < histories.length; h++) {
    for (const row of histories[h]!.rows) points.push(standardiseCondition(row, conditionColumns[h]!, conditionMean, conditionStd))
  }
  const centroids = conditionSensors.length === 0 || regimes <= 1
    ? [new Array<number>(conditionSensors.length).fill(0)]
    : clusterKMeans(points, regimes, random)

  const sums = centroids.map(() => healthSensors.map(() => ({ n: 0, sum: 0, sumSq: 0 })))
  let p = 0
  for (let h = 0; h < histories.length; h++) {
    for (const row of histories[h]!.rows) {
      const regime = nearestCentroid(centroids, points[p++]!)
      for (let s = 0; s < healthSensors.length; s++) {
        const value = valueAt(row, healthColumns[h]![s]!)
        if (!Number.isFinite(value)) continue
        const acc = sums[regime]![s]!
        acc.n++; acc.sum += value; acc.sumSq += value * value
      }
    }
  }
  const global = healthSensors.map((_, s) => meanAndStd(histories, (h, row) => valueAt(histories[h]!.rows[row]!, healthColumns[h]![s]!)))
  const mean = sums.map((regime) => regime.map((acc, s) => acc.n >= 2 ? acc.sum / acc.n : global[s]!.mean))
  const std = sums.map((regime) => regime.map((acc, s) => {
    if (acc.n < 2) return global[s]!.std
    const variance = Math.max(0, acc.sumSq / acc.n - (acc.sum / acc.n) ** 2)
    return safeStd(Math.sqrt(variance))
  }))
  return { conditionSensors: conditionSensors.slice(), conditionMean, conditionStd, centroids, mean, std }
}

export function standardiseCondition (row: ArrayLike<number>, columns: ArrayLike<number>, mean: ArrayLike<number>, std: ArrayLike<number>): number[] {
  const out = new Array<number>(columns.length)
  for (let c = 0; c < columns.length; c++) {
    const value = valueAt(row, columns[c] as number)
    out[c] = Number.isFinite(value) ? (value - (mean[c] as number)) / (std[c] as number) : 0
  }
  return out
}

export function nearestCentroid (centroids: ArrayLike<ArrayLike<number>>, point: ArrayLike<number>): number {
  let best = 0
  let bestDistance = Infinity
  for (let k = 0; k < centroids.length; k++) {
    const centroid = centroids[k] as ArrayLike<number>
    let distance = 0
    for (let c = 0; c < point.length; c++) distance += ((point[c] as number) - (centroid[c] as number)) ** 2
    if (distance < bestDistance) { bestDistance = distance; best = k }
  }
  return best
}

/** Index of each wanted sensor in a history's column order, −1 when the history lacks it. */
export function columnsOf (sensors: readonly string[], wanted: readonly string[]): number[] {
  return wanted.map((name) => sensors.indexOf(name))
}

export function valueAt (row: ArrayLike<number>, column: number): number {
  return column < 0 ? NaN : (row[column] as number)
}

function meanAndStd (histories: readonly RunToFailureHistory[], read: (history: number, row: number) => number): { mean: number, std: number } {
  let n = 0; let sum = 0; let sumSq = 0
  for (let h = 0; h < histories.length; h++) {
    for (let r = 0; r < histories[h]!.rows.length; r++) {
      const value = read(h, r)
      if (!Number.isFinite(value)) continue
      n++; sum += value; sumSq += value * value
    }
  }
  if (n === 0) return { mean: 0, std: 1 }
  const mean = sum / n
  return { mean, std: safeStd(Math.sqrt(Math.max(0, sumSq / n - mean * mean))) }
}

/** A constant sensor keeps a unit spread so it standardises to 0 instead of dividing by zero. */
function safeStd (std: number): number {
  return std > 1e-12 ? std : 1
}

/** k-means++ seeding then Lloyd iterations; condition regimes are few and well separated. */
function clusterKMeans (points: number[][], k: number, random: Random): number[][] {
  const sample = points.length > 20000 ? Array.from({ length: 20000 }, () => points[Math.floor(random() * points.length)]!) : points
  const centroids: number[][] = [sample[Math.floor(random() * sample.length)]!.slice()]
  const distance = new Float64Array(sample.length)
  while (centroids.length < k) {
    let total = 0
    for (let i = 0; i < sample.length; i++) {
      const nearest = centroids[nearestCentroid(centroids, sample[i]!)]!
      let d = 0
      for (let c = 0; c < nearest.length; c++) d += (sample[i]![c]! - nearest[c]!) ** 2
      distance[i] = d; total += d
    }
    if (total === 0) break
    let target = random() * total
    let pick = 0
    while (pick < sample.length - 1 && (target -= distance[pick]!) > 0) pick++
    centroids.push(sample[pick]!.slice())
  }
  for (let iteration = 0; iteration < 30; iteration++) {
    const sums = centroids.map((centroid) => ({ n: 0, sum: new Array<number>(centroid.length).fill(0) }))
    for (const point of sample) {
      const acc = sums[nearestCentroid(centroids, point)]!
      acc.n++
      for (let c = 0; c < point.length; c++) acc.sum[c] = acc.sum[c]! + point[c]!
    }
    let moved = 0
    sums.forEach((acc, j) => {
      if (acc.n === 0) return
      const next = acc.sum.map((value) => value / acc.n)
      moved += next.reduce((d, value, c) => d + (value - centroids[j]![c]!) ** 2, 0)
      centroids[j] = next
    })
    if (moved < 1e-12) break
  }
  return centroids
}
