import { parseArgs } from 'node:util'
import { loadRulModels } from '../gateway/insight/detection/rul-models.js'
import { groundTruthOf, planFleet } from '../simulators/fleet/fleet-plan.js'
import { createInProcessDetection } from '../simulators/fleet/in-process-detection.js'
import { SIM_MODELS } from '../simulators/fleet/models/index.js'
import { createRandom } from '../simulators/fleet/random.js'
import { runFleetInProcess } from '../simulators/fleet/run-in-process.js'
import { randomAlerts, scoreAlerts } from '../simulators/fleet/score-alerts.js'
import type { AlertScore } from '../simulators/fleet/score-alerts.js'
import fs from 'node:fs'

/**
 * `npm run eval:alerts`: alert quality against the simulator's ground truth. One simulated fleet
 * (default 500 devices × 30 days, readings every 2 minutes, seed 7 — the RUL models were trained on
 * seed 1001) drives, in the same run and on the same readings:
 *   - the full pipeline: the device models' rules (threshold, rate of change, missing data, anomaly,
 *     remaining useful life) and the devices' fault codes;
 *   - the threshold-only baseline: the same models' threshold rules and the devices' own fault codes,
 *     nothing else (what a plain IoT platform raises);
 *   - the random baseline: as many alerts as the full pipeline raised, at random devices and times.
 * Scoring (simulators/fleet/score-alerts.ts): a hit is an alert 2 h to 7 days before its device's failure.
 * The last line is the full pipeline's JSON.
 */
const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '500' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '7' },
    interval: { type: 'string', default: '120' },
    'ground-truth': { type: 'string' },
    quiet: { type: 'boolean', default: false }
  }
})

const devices = Number(args.devices)
const days = Number(args.days)
const seed = Number(args.seed)
const log = (line: string): void => { if (!args.quiet) process.stderr.write(`${line}\n`) }

const plan = planFleet({ devices, days, seed, start: Date.parse('2026-03-02T00:00:00Z'), models: SIM_MODELS })
if (args['ground-truth'] !== undefined) fs.writeFileSync(args['ground-truth'], `${JSON.stringify(groundTruthOf(plan), null, 2)}\n`)
const rul = loadRulModels()
let now = plan.start
const full = createInProcessDetection({ plan, models: SIM_MODELS, rul, now: () => now })
const thresholdOnly = createInProcessDetection({ plan, models: SIM_MODELS, rul: null, now: () => now, keepRule: (rule) => rule.kind === 'threshold' })

const started = performance.now()
const run = runFleetInProcess({
  plan, models: SIM_MODELS, intervalSeconds: Number(args.interval), targets: [full.target, thresholdOnly.target],
  setNow: (t) => { now = t },
  onProgress: (fraction) => log(`  simulated ${Math.round(fraction * days)} of ${days} days`)
})
const seconds = (performance.now() - started) / 1000

const fullScore = scoreAlerts(plan, full.raised)
const thresholdScore = scoreAlerts(plan, thresholdOnly.raised)
const randomScore = scoreAlerts(plan, randomAlerts(plan, full.raised.length - fullScore.post_failure, createRandom(seed + 1)))

const headline = (score: AlertScore) => ({
  precision: score.precision,
  recall: score.recall,
  median_lead_hours: score.median_lead_hours,
  false_alarms_per_device_day: score.false_alarms_per_device_day
})

console.log(`fleet: ${devices} devices (${SIM_MODELS.map((m) => m.id).join(', ')}), ${days} days, seed ${seed}, ${plan.devices.filter((d) => d.failure !== null).length} failures, ` +
  `${run.readings} readings in ${run.messages} messages, ${run.events} device events; simulated in ${seconds.toFixed(1)} s (${Math.round(run.readings * 2 / seconds)} readings/s through two pipelines)`)
console.log('hit = alert 2 h to 7 days before the failure; precision = hits / all alerts raised before the failure (every kind); alerts at or after the failure are reported apart')
for (const [name, score] of [['random baseline', randomScore], ['threshold-only baseline', thresholdScore], ['full pipeline', fullScore]] as const) {
  console.log(`${name.padEnd(24)} ${JSON.stringify(headline(score))}`)
  const strict = score.alerts === 0 ? 0 : Math.round(score.hits / score.alerts * 1000) / 1000
  console.log(`${''.padEnd(24)} alerts ${score.alerts}: ${score.hits} hits, ${score.false_alarms} false, ${score.post_failure} after the failure ` +
    `(counting those as false too, precision would be ${strict}); caught ${score.caught}/${score.failures} failures; by kind ${JSON.stringify(score.by_kind)}`)
}
console.log(JSON.stringify(headline(fullScore)))
