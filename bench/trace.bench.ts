/**
 * `npm run bench:trace`: traceability on the embedded driver with its data on disk.
 *
 *   1. issue 1,000,000 codes through POST /api/code-batches (stored with COPY), then export them as CSV
 *      through GET …/codes.csv (streamed, counted) → issue_codes_per_s, issue_and_export_s;
 *   2. consumer verification over HTTP with autocannon (every verification checked and recorded before it
 *      is answered), against a trivial fastify route in the same run → verify_req_per_s, verify_p99_ms,
 *      bare_route_req_per_s;
 *   3. EPCIS capture of shipping events over HTTP (each event also goes through the scan checks)
 *      → epcis_capture_events_per_s;
 *   4. the seeded supply-chain simulation, scored against its ground truth → detection.
 *
 * Flags: --codes N (default 1000000), --duration S (autocannon seconds, default 10), --connections N
 * (default 32), --rounds N (bare route and verification alternate N times, medians reported; default 5),
 * --skip-issue, --skip-detection. The last line printed is the JSON summary.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fastify } from 'fastify'
import type { Principal } from '../core/auth/roles.js'
import { loadConfig } from '../core/config.js'
import { createRandom } from '../core/random.js'
import { createLogger } from '../core/logger.js'
import { startPlatform } from '../web/platform.js'
import type { Platform } from '../web/platform.js'
import { runDetectionEvaluation } from '../simulators/supply-chain/evaluate.js'

const args = process.argv.slice(2)
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const CODES = flag('codes', 1_000_000)
const DURATION_S = flag('duration', 10)
const CONNECTIONS = flag('connections', 32)
const ROUNDS = flag('rounds', 5)
const POOL = 50_000
const CASE_SIZE = 500
const log = (message: string): void => { process.stderr.write(`bench:trace ${message}\n`) }

interface LoadResult { req_per_s: number, p99_ms: number, p50_ms: number, non2xx: number, errors: number, requests: number, next: number }

async function load (url: string, connections: number, durationS: number, paths?: { file: string, start: number }): Promise<LoadResult> {
  const options = JSON.stringify({ url, connections, durationS, ...(paths === undefined ? {} : { paths: paths.file, start: paths.start }) })
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./trace-load.ts', import.meta.url).pathname, options], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (code !== 0) throw new Error(`load generator exited with ${String(code)}`)
  return JSON.parse(out.trim().split('\n').at(-1) as string) as LoadResult
}

const brandPrincipal: Principal = { userId: 'bench', username: 'bench', role: 'brand', orgId: null }
const GTIN = '09506000134352'
const ORGS = [
  { id: 'factory', kind: 'factory', name: 'Factory', city: 'Ningbo', location: { lat: 29.87, lng: 121.55 } },
  { id: 'distributor', kind: 'distributor', name: 'Distributor', city: 'Hangzhou', location: { lat: 30.27, lng: 120.15 } },
  { id: 'dealer', kind: 'dealer', name: 'Dealer', city: 'Hangzhou', location: { lat: 30.25, lng: 120.2 }, territory: { type: 'Polygon', coordinates: [[[118.5, 27.0], [122.9, 27.0], [122.9, 31.0], [118.5, 31.0], [118.5, 27.0]]] } },
  { id: 'store', kind: 'store', name: 'Store', city: 'Wenzhou', location: { lat: 28.0, lng: 120.67 } }
] as const

async function seed (platform: Platform): Promise<void> {
  const t = platform.traceability
  await t.catalog.createProduct({ gtin: GTIN, name: 'Oil filter', partNumber: 'OF-1' })
  for (const org of ORGS) await t.catalog.createOrganisation(org)
  for (const [supplierId, customerId] of [['factory', 'distributor'], ['distributor', 'dealer'], ['dealer', 'store']] as const) await t.catalog.putLink({ supplierId, customerId })
}

async function issueAndExport (platform: Platform, baseUrl: string, token: string): Promise<{ issueSeconds: number, exportSeconds: number, exported: number, duplicates: number }> {
  let started = performance.now()
  const response = await fetch(`${baseUrl}/api/code-batches`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ gtin: GTIN, quantity: CODES, lot: 'BENCH-1' }) })
  if (response.status !== 201) throw new Error(`issue: ${response.status} ${await response.text()}`)
  const batch = await response.json() as { id: number }
  const issueSeconds = (performance.now() - started) / 1000
  started = performance.now()
  const csv = await fetch(`${baseUrl}/api/code-batches/${batch.id}/codes.csv`, { headers: { authorization: `Bearer ${token}` } })
  let lines = 0
  const decoder = new TextDecoder()
  for await (const chunk of csv.body as unknown as AsyncIterable<Uint8Array>) {
    const text = decoder.decode(chunk, { stream: true })
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++
  }
  const exportSeconds = (performance.now() - started) / 1000
  const { rows } = await platform.db.query<{ duplicates: number }>('SELECT count(*) - count(DISTINCT serial) AS duplicates FROM trace_codes')
  return { issueSeconds, exportSeconds, exported: lines - 1, duplicates: rows[0]?.duplicates ?? -1 }
}

/** A pool of items on the store's shelf (packed in cases, every hand-over scanned) for consumers to verify. */
async function stockPool (platform: Platform): Promise<string[]> {
  const t = platform.traceability
  const batch = await t.codes.issue({ gtin: GTIN, lot: 'POOL-1', quantity: POOL, createdBy: null })
  const codes: string[] = []
  for await (const page of t.codes.iterateCodes(batch)) codes.push(...page.map((c) => c.uri))
  const at = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString()
  const admin: Principal = { ...brandPrincipal, role: 'admin' }
  for (let i = 0; i < codes.length; i += CASE_SIZE) {
    const box = await t.containers.create({ kind: 'case', orgId: 'factory' }, brandPrincipal)
    await t.containers.pack(box.sscc, codes.slice(i, i + CASE_SIZE), brandPrincipal)
    const hops: Array<[string, string | null, number]> = [['factory', 'distributor', 96], ['distributor', null, 90], ['distributor', 'dealer', 72], ['dealer', null, 60], ['dealer', 'store', 48], ['store', null, 40]]
    for (const [orgId, toOrgId, hours] of hops) {
      const outcome = await t.scans.scan({ code: box.sscc, action: toOrgId === null ? 'receive' : 'ship', orgId, toOrgId, at: at(hours) }, admin)
      if (outcome.result !== 'ok') throw new Error(`stocking case ${box.sscc}: ${JSON.stringify(outcome.checks)}`)
    }
  }
  return codes
}

async function captureEpcis (baseUrl: string, token: string, codes: readonly string[]): Promise<{ events: number, seconds: number }> {
  const perDocument = 100
  const at = new Date(Date.now() - 3_600_000).toISOString()
  const documents: unknown[] = []
  for (let i = 0; i + perDocument <= codes.length; i += perDocument) {
    documents.push({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument', schemaVersion: '2.0', creationDate: at,
      epcisBody: {
        eventList: codes.slice(i, i + perDocument).map((code) => ({
          type: 'ObjectEvent', eventTime: at, eventTimeZoneOffset: '+08:00', action: 'OBSERVE', epcList: [code],
          bizStep: 'shipping', disposition: 'in_transit', readPoint: { id: 'urn:afterline:org:factory' }, bizLocation: { id: 'urn:afterline:org:factory' },
          sourceList: [{ type: 'owning_party', source: 'urn:afterline:org:factory' }],
          destinationList: [{ type: 'owning_party', destination: 'urn:afterline:org:distributor' }]
        }))
      }
    })
  }
  const started = performance.now()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < documents.length) {
      const document = documents[next++]
      const response = await fetch(`${baseUrl}/epcis/capture`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/ld+json' }, body: JSON.stringify(document) })
      if (response.status !== 201 && response.status !== 202) throw new Error(`capture: ${response.status} ${await response.text()}`)
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()])
  return { events: documents.length * perDocument, seconds: (performance.now() - started) / 1000 }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-bench-trace-'))
const config = loadConfig({ HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', MQTT_HOST: '127.0.0.1', MQTT_PORT: '0', DATA_DIR: dataDir, ADMIN_PASSWORD: 'bench-password', LOG_LEVEL: 'warn', TRACE_BATCH_MAX: String(Math.max(CODES, POOL)) })
const platform = await startPlatform(config, { logger: createLogger('warn') })
const bare = fastify()
bare.get('/bare', async () => ({ ok: true }))
await bare.listen({ port: 0, host: '127.0.0.1' })
const summary: Record<string, unknown> = {}
try {
  const baseUrl = `http://127.0.0.1:${platform.http.port}`
  await seed(platform)
  await platform.users.create({ username: 'bench-brand', password: 'bench-password', role: 'brand' })
  const { token } = await platform.users.login('bench-brand', 'bench-password')

  if (!args.includes('--skip-issue')) {
    log(`issuing ${CODES} codes`)
    const issued = await issueAndExport(platform, baseUrl, token)
    log(`issued in ${issued.issueSeconds.toFixed(1)} s, exported ${issued.exported} lines in ${issued.exportSeconds.toFixed(1)} s, ${issued.duplicates} duplicate serials`)
    Object.assign(summary, {
      codes: CODES,
      issue_codes_per_s: Math.round(CODES / issued.issueSeconds),
      issue_s: round(issued.issueSeconds),
      export_s: round(issued.exportSeconds),
      issue_and_export_s: round(issued.issueSeconds + issued.exportSeconds),
      exported_lines: issued.exported,
      duplicate_serials: issued.duplicates
    })
  }

  log(`stocking ${POOL} items for verification`)
  const pool = await stockPool(platform)
  const pathsFile = path.join(dataDir, 'verify-paths.txt')
  // One consumer per item, each verifying near the store (inside the dealer's territory): honest traffic.
  // The load generator takes the items in turn, in a shuffled order, continuing from round to round:
  // each item is verified as often as the others, far below the clone threshold.
  const paths = pool.map((code, i) => `/api/verify?code=${encodeURIComponent(code)}&lat=${(28.0 + (i % 50) * 0.001).toFixed(3)}&lng=120.670&consumerId=bench-consumer-${i}`)
  fs.writeFileSync(pathsFile, createRandom(20261202).shuffle(paths).join('\n'))
  let nextPath = 0
  // Bare route and verification alternate, `rounds` times: the machine's speed drifts (shared hosts),
  // and each round's ratio compares two runs made next to each other. Medians are reported.
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/bare`
  // Answered verifications are durable in the journal: counted once copied into the table.
  const recordedVerifications = async (): Promise<number> => {
    await platform.traceability.scans.settled()
    return (await platform.db.query<{ n: number }>("SELECT count(*) AS n FROM trace_scan_log WHERE source = 'verify'")).rows[0]?.n ?? 0
  }
  const rounds: Array<{ bare: LoadResult, verify: LoadResult, ratio: number, cpuUs: number, recorded: number }> = []
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round}/${ROUNDS}: bare route`)
    const bareResult = await load(bareUrl, CONNECTIONS, DURATION_S)
    log(`bare: ${JSON.stringify(bareResult)}`)
    log(`round ${round}/${ROUNDS}: verification`)
    const before = await recordedVerifications()
    const cpuBefore = process.cpuUsage()
    const verifyResult = await load(`${baseUrl}/`, CONNECTIONS, DURATION_S, { file: pathsFile, start: nextPath })
    nextPath = verifyResult.next
    const cpu = process.cpuUsage(cpuBefore)
    const after = await recordedVerifications()
    log(`verify: ${JSON.stringify(verifyResult)}; ${after - before} verifications recorded`)
    rounds.push({ bare: bareResult, verify: verifyResult, ratio: verifyResult.req_per_s / bareResult.req_per_s, cpuUs: (cpu.user + cpu.system) / Math.max(1, verifyResult.requests), recorded: after - before })
  }
  Object.assign(summary, {
    verify_req_per_s: Math.round(median(rounds.map((r) => r.verify.req_per_s))),
    verify_p99_ms: median(rounds.map((r) => r.verify.p99_ms)),
    verify_p99_ms_worst_round: Math.max(...rounds.map((r) => r.verify.p99_ms)),
    verify_p50_ms: median(rounds.map((r) => r.verify.p50_ms)),
    verify_non2xx: rounds.reduce((n, r) => n + r.verify.non2xx + r.verify.errors, 0),
    // CPU of the server process (HTTP, checks and the database thread) per verification: steadier than
    // req/s when other work shares the machine.
    verify_cpu_us_per_req: Math.round(median(rounds.map((r) => r.cpuUs))),
    verify_requests: rounds.reduce((n, r) => n + r.verify.requests, 0),
    verifications_recorded: rounds.reduce((n, r) => n + r.recorded, 0),
    // Honest traffic: every verification should pass. Any other answer is recorded as a full scan row.
    verifications_not_ok: (await platform.db.query<{ n: number }>("SELECT count(*) AS n FROM trace_scans WHERE source = 'verify'")).rows[0]?.n ?? -1,
    bare_route_req_per_s: Math.round(median(rounds.map((r) => r.bare.req_per_s))),
    verify_to_bare_ratio: round(median(rounds.map((r) => r.ratio)), 3),
    verify_to_bare_ratio_rounds: rounds.map((r) => round(r.ratio, 3)),
    connections: CONNECTIONS,
    duration_s: DURATION_S,
    rounds: ROUNDS
  })

  log('EPCIS capture')
  const fresh = await platform.traceability.codes.issue({ gtin: GTIN, lot: 'EPCIS-1', quantity: 10_000, createdBy: null })
  const epcisCodes: string[] = []
  for await (const page of platform.traceability.codes.iterateCodes(fresh)) epcisCodes.push(...page.map((c) => c.uri))
  const captured = await captureEpcis(baseUrl, token, epcisCodes)
  summary.epcis_capture_events_per_s = Math.round(captured.events / captured.seconds)
  log(`captured ${captured.events} events in ${captured.seconds.toFixed(1)} s`)
} finally {
  await bare.close()
  await platform.stop()
}

if (!args.includes('--skip-detection')) {
  log('supply-chain simulation')
  summary.detection = await runDetectionEvaluation({ seed: 20261122 })
}
fs.rmSync(dataDir, { recursive: true, force: true })
summary.driver = 'embedded'
process.stdout.write(`${JSON.stringify(summary)}\n`)

function median (values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle] as number : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

function round (value: number, digits = 2): number {
  return Math.round(value * 10 ** digits) / 10 ** digits
}
