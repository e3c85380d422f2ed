import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { trainRulModel } from '../../gateway/insight/rul/index.js'
import type { RunToFailureHistory } from '../../gateway/insight/rul/index.js'
import type { RulModel } from '../../gateway/insight/detection/rul-port.js'
import { createRulModelCatalog } from '../../gateway/insight/detection/rul-port.js'
import { planFleet } from './fleet-plan.js'
import { createInProcessDetection } from './in-process-detection.js'
import type { SimModelSpec } from './model-spec.js'
import { SIM_MODELS } from './models/index.js'
import { runFleetInProcess } from './run-in-process.js'

/**
 * `npm run train:rul:fleet`: train the remaining-useful-life model of each simulated device model from
 * simulated run-to-failure histories and write it to gateway/insight/models/<artifact>.rul.json.
 *
 * The histories are made by the very code that feeds the estimator online: the fleet simulator drives
 * the detection pipeline in-process, and the pipeline's hourly RUL feed is recorded instead of scored —
 * so training rows and live rows are the same means of the same readings. The seed differs from the
 * evaluation's (`eval:alerts` uses 7 by default), so the model is never scored on fleets it saw.
 */
const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'all' },
    units: { type: 'string', default: '160' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1001' },
    cap: { type: 'string', default: '240' },
    interval: { type: 'string', default: '120' },
    out: { type: 'string', default: 'gateway/insight/models' }
  }
})

const START = Date.parse('2025-06-02T00:00:00Z')

/** A RUL "model" that records each device's hourly rows instead of estimating. */
function createRecordingRulModel (name: string, sensors: readonly string[], rows: Map<string, number[][]>): RulModel {
  return {
    name,
    sensors,
    stepSeconds: 3600,
    createUnit (deviceId) {
      const list: number[][] = []
      rows.set(deviceId, list)
      return {
        update (values) {
          list.push(sensors.map((sensor) => values[sensor] ?? Number.NaN))
          return { healthIndex: 1, rul: { value: Number.POSITIVE_INFINITY, unit: 'hours', lower: 0, upper: Number.POSITIVE_INFINITY } }
        },
        snapshot: () => null,
        restore: () => {}
      }
    }
  }
}

export function simulateHistories (spec: SimModelSpec, options: { units: number, days: number, seed: number, intervalSeconds: number }): RunToFailureHistory[] {
  const plan = planFleet({
    devices: options.units, days: options.days, seed: options.seed, start: START, models: [spec],
    failingShare: 1, minFailureDay: options.days - 5, idPrefix: `train-${spec.id}`
  })
  const sensors = spec.sensors.map((sensor) => sensor.metric)
  const rows = new Map<string, number[][]>()
  let now = plan.start
  const detection = createInProcessDetection({
    plan, models: [spec], now: () => now,
    rul: createRulModelCatalog([createRecordingRulModel(spec.rulArtifact, sensors, rows)]),
    keepRule: () => false
  })
  runFleetInProcess({ plan, models: [spec], intervalSeconds: options.intervalSeconds, targets: [detection.target], setNow: (t) => { now = t } })
  return plan.devices.map((device) => ({ unitId: device.assetCode, sensors, rows: rows.get(device.deviceId) ?? [] }))
    .filter((history) => history.rows.length > 48)
}

function main (): void {
  const selected = args.model === 'all' ? SIM_MODELS : SIM_MODELS.filter((spec) => spec.id === args.model)
  if (selected.length === 0) throw new Error(`--model must be all or one of ${SIM_MODELS.map((spec) => spec.id).join(', ')}`)
  fs.mkdirSync(args.out as string, { recursive: true })
  for (const spec of selected) {
    const started = performance.now()
    const histories = simulateHistories(spec, { units: Number(args.units), days: Number(args.days), seed: Number(args.seed), intervalSeconds: Number(args.interval) })
    const simulated = performance.now()
    const artifact = trainRulModel(histories, {
      cap: Number(args.cap),
      stepUnit: 'hours',
      seed: Number(args.seed),
      conditionSensors: spec.conditionSensors,
      sensors: spec.sensors.map((sensor) => sensor.metric).filter((metric) => !spec.conditionSensors.includes(metric)),
      regimes: 6,
      windows: [6, 24],
      useAge: false
    })
    const file = path.join(args.out as string, `${spec.rulArtifact}.rul.json`)
    fs.writeFileSync(file, `${JSON.stringify(artifact)}\n`)
    console.log(JSON.stringify({
      model: spec.id, artifact: file, units: histories.length, rows: artifact.trainedOn.rows,
      simulateSeconds: Math.round((simulated - started) / 100) / 10, trainSeconds: artifact.trainedOn.seconds, metrics: artifact.metrics
    }))
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main()
