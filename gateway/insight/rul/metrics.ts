/**
 * Error measures of the PHM08 data challenge (Saxena et al., "Damage Propagation Modeling for Aircraft Engine
 * Run-to-Failure Simulation", 2008). d = predicted − true remaining life; a late prediction (d > 0) costs more
 * than an early one because it lets the machine fail: s = exp(d/10) − 1 when late, exp(−d/13) − 1 when early.
 */
export function scorePhm08 (predicted: number, truth: number): number {
  const d = predicted - truth
  return d > 0 ? Math.exp(d / 10) - 1 : Math.exp(-d / 13) - 1
}

/** Sum of PHM08 scores, the figure published for a test split. */
export function sumPhm08 (predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkSameLength(predicted, truth)
  let sum = 0
  for (let i = 0; i < predicted.length; i++) sum += scorePhm08(predicted[i] as number, truth[i] as number)
  return sum
}

export function rootMeanSquare (predicted: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkSameLength(predicted, truth)
  if (predicted.length === 0) return NaN
  let sum = 0
  for (let i = 0; i < predicted.length; i++) {
    const d = (predicted[i] as number) - (truth[i] as number)
    sum += d * d
  }
  return Math.sqrt(sum / predicted.length)
}

/** Share of truths inside [lower, upper]. */
export function coverageOf (lower: ArrayLike<number>, upper: ArrayLike<number>, truth: ArrayLike<number>): number {
  checkSameLength(lower, truth)
  checkSameLength(upper, truth)
  let inside = 0
  for (let i = 0; i < truth.length; i++) {
    const value = truth[i] as number
    if (value >= (lower[i] as number) && value <= (upper[i] as number)) inside++
  }
  return truth.length === 0 ? NaN : inside / truth.length
}

/** Quantile with linear interpolation between order statistics (type 7). */
export function quantileOf (values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return NaN
  const sorted = Float64Array.from(values).sort()
  const position = (sorted.length - 1) * q
  const below = Math.floor(position)
  const above = Math.min(below + 1, sorted.length - 1)
  return (sorted[below] as number) + ((sorted[above] as number) - (sorted[below] as number)) * (position - below)
}

function checkSameLength (a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`lengths differ: ${a.length} predictions, ${b.length} truths`)
}
