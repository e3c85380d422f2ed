/**
 * Remaining-useful-life (RUL) model: trained offline from run-to-failure histories, stored as a versioned JSON
 * artefact, scored online by the same feature code. Pure: no I/O (the C-MAPSS file reader is `cmapss-reader.ts`).
 *
 *   const artifact = trainRulModel(histories, { cap: 125, stepUnit: 'cycles', seed: 1 })
 *     // histories: [{ unitId, sensors: ['temp', 'vibration', …], rows: [[…], …] }], one row per step, last row = failure
 *   fs.writeFileSync(file, JSON.stringify(artifact))               // format 'afterline.rul', version 1
 *   const model = compileRulModel(parseRulArtifact(JSON.parse(text)))  // validate once at start, share across units
 *   const estimator = createRulEstimator(model)                    // one per unit (device / engine)
 *   estimator.update({ temp: 81.2, vibration: 3.1 }, Date.now())   // at: epoch ms
 *     // → { healthIndex: 0..1 (1 = healthy), rul: { value, unit: 'cycles' | 'hours', lower, upper } }
 *   estimator.add({ temp: 81.2 }, at); estimator.current()         // hot path: add per reading (no scoring), score on demand
 *   const saved = estimator.snapshot()                             // JSON-serialisable; estimator.restore(saved) after a restart
 *
 * Missing or non-finite sensor values carry the last value seen. Hourly models average an hour's readings into one
 * step (`at` in epoch ms); cycle models take one update per cycle. `value` and `upper` equal to `cap` mean
 * "at least cap steps left"; the band holds the calibrated quantiles (default 10 %–90 %) of out-of-fold errors.
 */
export type {
  RunToFailureHistory,
  TrainRulOptions,
  StepUnit,
  RulArtifact,
  RulEstimate,
  RulEstimatorState
} from './rul.types.js'
export type { RulEstimator } from './estimator.js'
export type { CompiledRulModel } from './model.js'
export type { CrossValidationOptions, CrossValidationReport, LastStepFigures, ProtocolFigures, SeriesPrediction, UnitSeries } from './evaluation.js'
export { trainRulModel, DEFAULT_TRAIN_OPTIONS } from './trainer.js'
export { createRulEstimator } from './estimator.js'
export { parseRulArtifact } from './artifact.js'
export { compileRulModel } from './model.js'
export { crossValidateRul, predictSeries, scoreLastSteps } from './evaluation.js'
export { splitUnitsIntoFolds } from './folds.js'
export { scorePhm08, sumPhm08, rootMeanSquare, coverageOf } from './metrics.js'
export { createRandom } from './random.js'
