import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { runSimulation, score } from '../../../simulators/supply-chain/evaluate.js'
import { generateScenario } from '../../../simulators/supply-chain/scenario.js'

t.test('the scenario is a pure function of its seed', async (t) => {
  const a = generateScenario({ seed: 42, items: 300 })
  const b = generateScenario({ seed: 42, items: 300 })
  const c = generateScenario({ seed: 43, items: 300 })
  t.same(a.events, b.events)
  t.same(a.truth, b.truth)
  t.not(JSON.stringify(a.events), JSON.stringify(c.events))
  t.same([...new Set(a.truth.map((x) => x.type))].sort(), ['clone', 'counterfeit', 'diversion'])
  t.ok(a.events.every((e, i) => i === 0 || (a.events[i - 1] as { t: number }).t <= e.t), 'events are in time order')
})

t.test('scoring counts true and false positives per subject', async (t) => {
  t.same(score(new Set(['a', 'b', 'c']), new Set(['a', 'b', 'x'])), { precision: 2 / 3, recall: 2 / 3, truePositives: 2, falsePositives: 1, falseNegatives: 1 })
  t.same(score(new Set(), new Set()), { precision: 1, recall: 1, truePositives: 0, falsePositives: 0, falseNegatives: 0 })
})

t.test('played against the platform, diversions, counterfeits and clones are found with precision and recall ≥ 0.99', async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-sim-test-'))
  t.teardown(() => fs.rmSync(out, { recursive: true, force: true }))
  const run = await runSimulation({ seed: 20261122, items: 600, outDir: out })
  for (const type of ['diversion', 'counterfeit', 'clone'] as const) {
    const s = run.detection[type]
    t.ok(s.truePositives > 5, `${type}: some anomalies injected (${s.truePositives})`)
    t.ok(s.precision >= 0.99 && s.recall >= 0.99, `${type}: precision ${s.precision}, recall ${s.recall}`)
  }
  t.same(run.alerts.filter((a) => a.type === 'custody'), [], 'honest hand-overs raise no custody alert')
  t.same(fs.readdirSync(out).sort(), ['alerts.json', 'detection.json', 'events.jsonl', 'ground-truth.json', 'world.json'])
  const truth = JSON.parse(fs.readFileSync(path.join(out, 'ground-truth.json'), 'utf8')) as { anomalies: Array<{ type: string, how: string, code: string }> }
  t.equal(truth.anomalies.length, run.truth.length)
  t.match(truth.anomalies[0], { type: String, how: String, code: String })
})
