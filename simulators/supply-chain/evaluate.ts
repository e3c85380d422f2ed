import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../../core/config.js'
import { openEmbeddedDatabase } from '../../core/db/embedded-driver.js'
import { createSilentLogger } from '../../core/logger.js'
import { alertSubjectOf, formatItemUri } from '../../traceability/index.js'
import { startPlatform } from '../../web/platform.js'
import { replayScenario } from './replay.js'
import type { ReplayResult } from './replay.js'
import { generateScenario } from './scenario.js'
import type { AnomalyType, Ref, Scenario } from './scenario.js'

export interface Score {
  precision: number
  recall: number
  truePositives: number
  falsePositives: number
  falseNegatives: number
}

export interface Detection extends Pick<Score, 'precision' | 'recall'> {
  diversion: Score
  counterfeit: Score
  clone: Score
}

const TYPES: readonly AnomalyType[] = ['diversion', 'counterfeit', 'clone']
const START = new Date('2026-09-01T00:00:00Z')
const RESOLVER = 'localhost:3000'

/** Precision and recall of `found` against `expected` (sets of alert subjects). */
export function score (expected: ReadonlySet<string>, found: ReadonlySet<string>): Score {
  let truePositives = 0
  for (const key of found) if (expected.has(key)) truePositives++
  const falsePositives = found.size - truePositives
  const falseNegatives = expected.size - truePositives
  return {
    precision: found.size === 0 ? 1 : truePositives / found.size,
    recall: expected.size === 0 ? 1 : truePositives / expected.size,
    truePositives, falsePositives, falseNegatives
  }
}

export interface SimulationRun {
  scenario: Scenario
  replay: ReplayResult
  detection: Detection
  alerts: Array<{ type: string, code: string, status: string }>
  truth: Array<{ type: AnomalyType, how: string, code: string }>
}

/**
 * Generate the seeded scenario, play it against a fresh platform (embedded, in memory), and score the
 * alerts it raised against the ground truth. An alert counts when it is open or confirmed; one
 * superseded (a consumer-only diversion explained by a clone of the same code) does not.
 */
export async function runSimulation (options: { seed: number, items?: number, outDir?: string }): Promise<SimulationRun> {
  const scenario = generateScenario({ seed: options.seed, ...(options.items === undefined ? {} : { items: options.items }) })
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-sim-'))
  const db = await openEmbeddedDatabase({ dataDir: null })
  let clock = START.getTime()
  const platform = await startPlatform(loadConfig({
    HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', DATA_DIR: dataDir,
    ADMIN_PASSWORD: 'simulation-password', LOG_LEVEL: 'silent', TRACE_RESOLVER: RESOLVER
  }), { db, logger: createSilentLogger(), now: () => clock })
  try {
    const replay = await replayScenario(scenario, {
      traceability: platform.traceability, setClock: (ms) => { clock = ms }, start: START, resolver: RESOLVER,
      registerMachine: async (name) => (await platform.gateway.devices.create({ assetCode: name, model: 'sim-machine' })).device.id
    })
    const codeOf = (ref: Ref): string => {
      if ('fake' in ref) return ref.fake
      if ('case' in ref) throw new Error('cases are never anomalies')
      const code = replay.codes[ref.item] as string
      if (!('forgedLot' in ref)) return code
      return formatItemUri(RESOLVER, /\/01\/(\d{14})/.exec(code)?.[1] as string, ref.forgedLot, code.split('/21/')[1] as string)
    }
    const truth = scenario.truth.map((a) => ({ type: a.type, how: a.how, code: codeOf(a.ref) }))
    const alerts = (await platform.traceability.alerts.keys()).map((a) => ({ type: a.type, code: a.code, status: a.status }))
    const counted = alerts.filter((a) => a.status === 'open' || a.status === 'confirmed')
    const perType = Object.fromEntries(TYPES.map((type) => [type, score(
      new Set(truth.filter((a) => a.type === type).map((a) => alertSubjectOf(a.code))),
      new Set(counted.filter((a) => a.type === type).map((a) => a.code))
    )])) as Record<AnomalyType, Score>
    const total = score(
      new Set(truth.map((a) => `${a.type}|${alertSubjectOf(a.code)}`)),
      new Set(counted.filter((a) => (TYPES as readonly string[]).includes(a.type)).map((a) => `${a.type}|${a.code}`))
    )
    const detection: Detection = { precision: total.precision, recall: total.recall, ...perType }
    if (options.outDir !== undefined) writeOutputs(options.outDir, scenario, truth, alerts, detection, replay)
    return { scenario, replay, detection, alerts, truth }
  } finally {
    await platform.stop()
    await db.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

/** The detection part of bench:trace: one seeded run, scores rounded for the summary line. */
export async function runDetectionEvaluation (options: { seed: number, items?: number }): Promise<Record<string, unknown>> {
  const { detection } = await runSimulation(options)
  const r = (x: number) => Math.round(x * 10000) / 10000
  const brief = (s: Score) => ({ precision: r(s.precision), recall: r(s.recall), tp: s.truePositives, fp: s.falsePositives, fn: s.falseNegatives })
  return { precision: r(detection.precision), recall: r(detection.recall), diversion: brief(detection.diversion), counterfeit: brief(detection.counterfeit), clone: brief(detection.clone), seed: options.seed }
}

function writeOutputs (dir: string, scenario: Scenario, truth: SimulationRun['truth'], alerts: SimulationRun['alerts'], detection: Detection, replay: ReplayResult): void {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'ground-truth.json'), JSON.stringify({ seed: scenario.seed, start: START, anomalies: truth }, null, 2))
  fs.writeFileSync(path.join(dir, 'world.json'), JSON.stringify(scenario.world, null, 2))
  fs.writeFileSync(path.join(dir, 'events.jsonl'), scenario.events.map((e) => JSON.stringify(e)).join('\n') + '\n')
  fs.writeFileSync(path.join(dir, 'alerts.json'), JSON.stringify(alerts, null, 2))
  fs.writeFileSync(path.join(dir, 'detection.json'), JSON.stringify({ detection, scans: replay.scans, rejected: replay.rejected, warnings: replay.warnings }, null, 2))
}
