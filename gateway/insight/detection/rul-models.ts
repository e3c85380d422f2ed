import fs from 'node:fs'
import path from 'node:path'
import { compileRulModel, createRulEstimator, parseRulArtifact } from '../rul/index.js'
import type { RulArtifact, RulEstimatorState } from '../rul/index.js'
import type { RulModel, RulModelCatalog } from './rul-port.js'
import { createRulModelCatalog } from './rul-port.js'

/** The artefacts shipped with the platform: gateway/insight/models/<name>.rul.json. */
export const RUL_MODELS_DIR = new URL('../models/', import.meta.url)

const HOUR_SECONDS = 3600

/**
 * Adapt a trained artefact to detection's port. Device telemetry is fed in hourly steps, so only
 * artefacts trained on hours can drive devices; cycle-based ones (C-MAPSS) are refused here.
 */
export function rulModelFromArtifact (name: string, json: unknown): RulModel {
  const artifact: RulArtifact = parseRulArtifact(json)
  if (artifact.stepUnit !== 'hours') throw new RangeError(`RUL artefact ${name} is trained on ${artifact.stepUnit}; devices need an hourly model`)
  const compiled = compileRulModel(artifact)
  return {
    name,
    sensors: compiled.inputs,
    stepSeconds: HOUR_SECONDS,
    createUnit () {
      const estimator = createRulEstimator(compiled)
      return {
        update: (values, at) => estimator.update(values, at),
        snapshot: () => estimator.snapshot(),
        restore: (state) => estimator.restore(state as RulEstimatorState)
      }
    }
  }
}

/** Load every `*.rul.json` in a folder (read once at start; a broken artefact stops the start). */
export function loadRulModels (dir: string | URL = RUL_MODELS_DIR): RulModelCatalog {
  const folder = dir instanceof URL ? dir : new URL(`file://${path.resolve(dir)}/`)
  const models: RulModel[] = []
  if (fs.existsSync(folder)) {
    for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.rul.json')).sort()) {
      const name = file.slice(0, -'.rul.json'.length)
      models.push(rulModelFromArtifact(name, JSON.parse(fs.readFileSync(new URL(file, folder), 'utf8'))))
    }
  }
  return createRulModelCatalog(models)
}
