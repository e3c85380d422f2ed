import type { LinearParams } from './rul.types.js'

/**
 * Ridge regression on standardised columns (normal equations, Cholesky), returned on the raw scale.
 * `x` is row-major n × f; `rows` picks the training rows (all when omitted).
 */
export function fitRidge (x: Float64Array, f: number, y: Float64Array, lambda: number, rows?: ArrayLike<number>): LinearParams {
  const pick = rows ?? Uint32Array.from({ length: y.length }, (_, i) => i)
  const n = pick.length
  if (n === 0) throw new RangeError('ridge regression needs at least one row')
  const mean = new Float64Array(f)
  const scale = new Float64Array(f)
  let yMean = 0
  for (let r = 0; r < n; r++) {
    const i = pick[r] as number
    yMean += y[i]
    for (let j = 0; j < f; j++) mean[j] += x[i * f + j]
  }
  yMean /= n
  for (let j = 0; j < f; j++) mean[j] /= n
  for (let r = 0; r < n; r++) {
    const i = pick[r] as number
    for (let j = 0; j < f; j++) scale[j] += (x[i * f + j] - mean[j]) ** 2
  }
  for (let j = 0; j < f; j++) scale[j] = Math.sqrt(scale[j] / n) || 1

  const gram = new Float64Array(f * f)
  const rhs = new Float64Array(f)
  const z = new Float64Array(f)
  for (let r = 0; r < n; r++) {
    const i = pick[r] as number
    for (let j = 0; j < f; j++) z[j] = (x[i * f + j] - mean[j]) / scale[j]
    const target = y[i] - yMean
    for (let a = 0; a < f; a++) {
      const za = z[a]
      rhs[a] += za * target
      for (let b = 0; b <= a; b++) gram[a * f + b] += za * z[b]
    }
  }
  for (let a = 0; a < f; a++) {
    gram[a * f + a] += lambda * n
    for (let b = 0; b < a; b++) gram[b * f + a] = gram[a * f + b]
  }
  const solution = solveCholesky(gram, rhs, f)
  const weights = new Array<number>(f)
  let intercept = yMean
  for (let j = 0; j < f; j++) {
    weights[j] = solution[j] / scale[j]
    intercept -= weights[j] * mean[j]
  }
  return { intercept, weights }
}

export function predictLinear (params: { intercept: number, weights: ArrayLike<number> }, features: ArrayLike<number>, offset = 0): number {
  let sum = params.intercept
  for (let j = 0; j < params.weights.length; j++) sum += (params.weights[j] as number) * (features[offset + j] as number)
  return sum
}

/** Solves A w = b for a symmetric positive-definite A (the ridge term guarantees it). */
function solveCholesky (a: Float64Array, b: Float64Array, f: number): Float64Array {
  const l = new Float64Array(f * f)
  for (let i = 0; i < f; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * f + j]
      for (let k = 0; k < j; k++) sum -= l[i * f + k] * l[j * f + k]
      l[i * f + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j * f + j]
    }
  }
  const forward = new Float64Array(f)
  for (let i = 0; i < f; i++) {
    let sum = b[i]
    for (let k = 0; k < i; k++) sum -= l[i * f + k] * forward[k]
    forward[i] = sum / l[i * f + i]
  }
  const w = new Float64Array(f)
  for (let i = f - 1; i >= 0; i--) {
    let sum = forward[i]
    for (let k = i + 1; k < f; k++) sum -= l[k * f + i] * w[k]
    w[i] = sum / l[i * f + i]
  }
  return w
}
