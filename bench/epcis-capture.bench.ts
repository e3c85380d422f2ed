/**
 * EPCIS capture throughput: EPCISDocuments of `--batch` events POSTed to /epcis/capture over real HTTP
 * (validation, CBV event hash, one transaction per document with the identifier index), then the same
 * documents again (every event a duplicate), against a baseline of validation + hashing alone (no
 * I/O) in the same run. The database is the embedded one with its data on disk, or the PostgreSQL
 * server given by --server-url.
 *
 *   npx tsx bench/epcis-capture.bench.ts [--events 20000] [--batch 500] [--concurrency 4] [--server-url postgres://…]
 *
 * `runEpcisCaptureBench(options)` is exported for bench/trace.bench.ts. The last line printed is JSON.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { pathToFileURL } from 'node:url'
import { createUserService } from '../core/auth/users.service.js'
import type { Database } from '../core/db/database.js'
import { openEmbeddedDatabase } from '../core/db/embedded-driver.js'
import { migrate } from '../core/db/migrate.js'
import { openServerDatabase } from '../core/db/server-driver.js'
import { createEventBus } from '../core/event-bus.js'
import { createSilentLogger } from '../core/logger.js'
import { validateDocument } from '../traceability/epcis/document-validation.js'
import { computeEventHash, createEpcisRoutes, createEpcisService } from '../traceability/epcis/index.js'
import { createHttpApp } from '../web/app.js'
import { allMigrations } from '../web/platform.js'

export interface EpcisCaptureBenchOptions {
  events?: number
  batch?: number
  concurrency?: number
  /** PostgreSQL server to use instead of the embedded database (a private schema, dropped afterwards). */
  serverUrl?: string | null
}

export interface EpcisCaptureBenchResult {
  epcis_capture_events_per_s: number
  epcis_recapture_events_per_s: number
  baseline_validate_hash_events_per_s: number
  events: number
  batch: number
  concurrency: number
  driver: 'embedded' | 'server'
}

/** Partner-like documents: shipping ObjectEvents (half without eventID, identified by hash) and packing AggregationEvents. */
export function buildCaptureDocuments (events: number, batch: number): unknown[] {
  const documents: unknown[] = []
  for (let start = 0; start < events; start += batch) {
    const eventList: unknown[] = []
    for (let i = start; i < Math.min(events, start + batch); i++) {
      const serial = `S${String(i).padStart(9, '0')}`
      const time = new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString().replace('Z', '+00:00')
      const common = { eventTime: time, eventTimeZoneOffset: '+00:00', readPoint: { id: 'urn:epc:id:sgln:6901234.00001.0' } }
      if (i % 10 === 9) {
        eventList.push({
          type: 'AggregationEvent',
          eventID: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          ...common,
          parentID: `urn:epc:id:sscc:6901234.${String(i).padStart(10, '0')}`,
          childEPCs: [`urn:epc:id:sgtin:6901234.012345.${serial}`, `urn:epc:id:sgtin:6901234.012345.${serial}B`],
          action: 'ADD',
          bizStep: 'packing',
          disposition: 'container_closed'
        })
        continue
      }
      eventList.push({
        type: 'ObjectEvent',
        ...(i % 2 === 0 ? { eventID: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}` } : {}),
        ...common,
        epcList: [`https://id.gs1.org/01/06901234123456/21/${serial}`],
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        bizTransactionList: [{ type: 'desadv', bizTransaction: `urn:epcglobal:cbv:bt:6901234000016:ASN-${Math.floor(i / batch)}` }],
        sourceList: [{ type: 'owning_party', source: 'urn:epc:id:pgln:6901234.00000' }],
        destinationList: [{ type: 'owning_party', destination: 'urn:epc:id:pgln:6954321.00000' }]
      })
    }
    documents.push({
      '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
      type: 'EPCISDocument',
      schemaVersion: '2.0',
      creationDate: '2026-03-01T00:00:00Z',
      epcisBody: { eventList }
    })
  }
  return documents
}

async function postAll (baseUrl: string, token: string, bodies: string[], concurrency: number): Promise<{ seconds: number, captured: number, duplicates: number }> {
  let next = 0
  let captured = 0
  let duplicates = 0
  const started = process.hrtime.bigint()
  const worker = async (): Promise<void> => {
    while (next < bodies.length) {
      const body = bodies[next++] as string
      const response = await fetch(`${baseUrl}/epcis/capture`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/ld+json' },
        body
      })
      const result = await response.json() as { captured: number, duplicates: number }
      if (response.status !== 201) throw new Error(`capture answered ${response.status}: ${JSON.stringify(result)}`)
      captured += result.captured
      duplicates += result.duplicates
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, captured, duplicates }
}

export async function runEpcisCaptureBench (options: EpcisCaptureBenchOptions = {}): Promise<EpcisCaptureBenchResult> {
  const events = options.events ?? 20_000
  const batch = options.batch ?? 500
  const concurrency = options.concurrency ?? 4
  const documents = buildCaptureDocuments(events, batch)
  const bodies = documents.map((document) => JSON.stringify(document))

  // Baseline: what capture costs before any I/O — parse, validate, hash.
  const baselineStart = process.hrtime.bigint()
  for (const body of bodies) {
    const result = validateDocument(JSON.parse(body))
    if (!result.ok) throw new Error(`bench document invalid: ${JSON.stringify(result.problems[0])}`)
    for (const event of result.events) computeEventHash(event.event, event.prefixes)
  }
  const baselineSeconds = Number(process.hrtime.bigint() - baselineStart) / 1e9

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-epcis-bench-'))
  const schema = `epcis_bench_${process.pid}`
  const serverUrl = options.serverUrl ?? null
  const db: Database = serverUrl === null
    ? await openEmbeddedDatabase({ dataDir: path.join(dataDir, 'db') })
    : await openServerDatabase({ url: serverUrl, schema, poolSize: concurrency + 2 })
  const logger = createSilentLogger()
  const bus = createEventBus(logger)
  try {
    await migrate(db, allMigrations)
    const users = await createUserService({ db, secret: 'epcis-bench', tokenTtlSeconds: 3600 })
    await users.create({ username: 'partner', password: 'partner-password', role: 'org_staff', orgId: 'bench-partner' })
    const { token } = await users.login('partner', 'partner-password')
    const epcis = createEpcisService({ db, bus, logger, now: Date.now })
    const app = await createHttpApp({ logger, routes: createEpcisRoutes(epcis), authenticate: async (t) => await users.authenticate(t) })
    await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
      const first = await postAll(baseUrl, token, bodies, concurrency)
      if (first.captured !== events) throw new Error(`captured ${first.captured} of ${events} events`)
      const again = await postAll(baseUrl, token, bodies, concurrency)
      if (again.duplicates !== events || again.captured !== 0) throw new Error('re-capture stored events again')
      return {
        epcis_capture_events_per_s: Math.round(events / first.seconds),
        epcis_recapture_events_per_s: Math.round(events / again.seconds),
        baseline_validate_hash_events_per_s: Math.round(events / baselineSeconds),
        events,
        batch,
        concurrency,
        driver: serverUrl === null ? 'embedded' : 'server'
      }
    } finally {
      await app.close()
    }
  } finally {
    await bus.idle()
    if (serverUrl !== null) await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {})
    await db.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2)
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`)
    return i >= 0 ? args[i + 1] : undefined
  }
  const result = await runEpcisCaptureBench({
    events: Number(flag('events') ?? 20_000),
    batch: Number(flag('batch') ?? 500),
    concurrency: Number(flag('concurrency') ?? 4),
    serverUrl: flag('server-url') ?? null
  })
  process.stdout.write(`${JSON.stringify(result)}\n`)
}
