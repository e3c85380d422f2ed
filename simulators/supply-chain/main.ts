/**
 * `npm run sim:supply-chain -- [--seed N] [--items N] [--out DIR]`: generate the seeded supply chain,
 * play it against a fresh embedded platform, write the world, the events, the ground truth, the alerts
 * and the detection scores to DIR (default ./data/supply-chain-sim), and print the scores as JSON.
 */
import { runSimulation } from './evaluate.js'

const args = process.argv.slice(2)
const value = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : undefined
}
const seed = Number(value('seed') ?? 20261122)
const items = value('items') === undefined ? undefined : Number(value('items'))
const outDir = value('out') ?? './data/supply-chain-sim'
const started = performance.now()
const run = await runSimulation({ seed, outDir, ...(items === undefined ? {} : { items }) })
process.stdout.write(`${JSON.stringify({
  seed,
  items: run.scenario.itemProducts.length,
  events: run.scenario.events.length,
  anomalies: run.truth.length,
  scans: run.replay.scans,
  seconds: Math.round((performance.now() - started) / 100) / 10,
  out: outDir,
  detection: run.detection
})}\n`)
