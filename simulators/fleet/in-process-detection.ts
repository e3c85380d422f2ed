import { createAlertBook } from '../../gateway/insight/alerts/alert-book.js'
import type { Alert } from '../../gateway/insight/alerts/alert.js'
import { compileModel } from '../../gateway/insight/detection/compile-model.js'
import { createDetectionPipeline } from '../../gateway/insight/detection/pipeline.js'
import type { RulModelCatalog } from '../../gateway/insight/detection/rul-port.js'
import type { Rule } from '../../gateway/insight/device-models/device-model.js'
import { validateDeviceModel } from '../../gateway/insight/device-models/validate-device-model.js'
import type { FleetPlan } from './fleet-plan.js'
import { definitionOf } from './model-spec.js'
import type { SimModelSpec } from './model-spec.js'
import type { FleetTarget } from './run-in-process.js'
import type { ScoredAlert } from './score-alerts.js'

export interface InProcessDetectionOptions {
  plan: FleetPlan
  models: readonly SimModelSpec[]
  /** Installed RUL artefacts; null runs without remaining-useful-life estimates. */
  rul: RulModelCatalog | null
  /** Keep only some rules (the threshold-only baseline). */
  keepRule?: (rule: Rule) => boolean
  now: () => number
  onAlert?: (alert: Alert) => void
}

/**
 * The platform's detection pipeline and alert book, fed by the simulator without broker or database:
 * the same model definitions (validated as the API would), the same compiled rules, the same code path
 * as ingest's readings listener.
 */
export function createInProcessDetection (options: InProcessDetectionOptions) {
  const devices = new Map(options.plan.devices.map((device) => [device.deviceId, device]))
  const raised: ScoredAlert[] = []
  let sequence = 0
  const book = createAlertBook({
    newId: () => `alert-${++sequence}`,
    onChange: (alert, change) => {
      if (change !== 'raised') return
      raised.push({ deviceId: alert.deviceId, raisedAt: alert.raisedAt.getTime(), kind: alert.kind })
      options.onAlert?.(alert)
    }
  })
  const pipeline = createDetectionPipeline({
    now: options.now,
    directory: {
      modelOf: (deviceId) => devices.get(deviceId)?.model ?? null,
      locationOf: (deviceId) => devices.get(deviceId)?.location ?? null
    },
    sink: book.sink()
  })
  for (const spec of options.models) {
    const withRul = options.rul?.get(spec.rulArtifact) !== null && options.rul !== null
    const validated = validateDeviceModel(spec.id, definitionOf(spec, { withRul }), {
      sensorsOf: (name) => options.rul?.sensorsOf(name) ?? null,
      names: () => options.rul?.names() ?? []
    })
    if (!validated.ok) throw new Error(`simulated model ${spec.id}: ${validated.problem.field} ${validated.problem.message}`)
    const definition = { ...validated.value, rules: validated.value.rules.filter(options.keepRule ?? (() => true)) }
    pipeline.setModel(compileModel(definition, 1, withRul ? options.rul?.get(spec.rulArtifact) ?? null : null))
  }
  const target: FleetTarget = {
    onReadings: (deviceId, readings) => pipeline.onReadings(deviceId, readings),
    onEvent: (deviceId, event) => pipeline.onDeviceEvent({ deviceId, ts: event.ts * 1000, code: event.code, severity: event.severity, message: event.message, data: null }),
    onTick: (now) => pipeline.tick(now)
  }
  return { pipeline, book, target, raised }
}
