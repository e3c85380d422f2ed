import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path'
import { parseTelemetryPayload } from './gateway/ingest/parse-payload.js'
import { encodeRecord } from './gateway/ingest/spool-record.js'
import { openSpool } from './gateway/ingest/spool.js'
import { createGatewayMetrics } from './gateway/metrics.js'
import { createMetricsRegistry } from './core/metrics.js'
const N = 200000
const base = Date.now() - 3600000
const payloads = Array.from({ length: N }, (_, n) => Buffer.from(`{"ts":${base + n},"values":{"temp":${60 + (n % 40)},"rpm":${1500 + n},"pressure":${2 + (n % 7) / 10},"vibration":${(n % 13) / 100}}}`))
const limits = { maxPayloadBytes: 262144, maxFutureMicros: 86400e6 }
const time = async (label: string, fn: () => unknown | Promise<unknown>) => { const c = process.cpuUsage(); await fn(); const u = process.cpuUsage(c); console.log(label.padEnd(28), ((u.user + u.system) / N).toFixed(2), 'us/msg') }
const now = Date.now() * 1000
await time('JSON.parse', () => { for (const p of payloads) JSON.parse(p.toString()) })
await time('parseTelemetryPayload', () => { for (const p of payloads) parseTelemetryPayload(p, now, limits) })
await time('encodeRecord', () => { for (const p of payloads) encodeRecord({ kind: 1, deviceId: '00000000-0000-4000-8000-000000000001', receivedAt: now, topic: 'devices/00000000-0000-4000-8000-000000000001/telemetry', payload: p }) })
const m = createGatewayMetrics(createMetricsRegistry({ processMetrics: false }))
await time('3 counters (labels)', () => { for (let i = 0; i < N; i++) { m.accepted.inc({ kind: 'telemetry' }); m.readings.inc(4); m.spooled.inc() } })
await time('histogram observe', () => { for (let i = 0; i < N; i++) m.ackLatency.observe(0.001) })
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'y'))
const { spool } = await openSpool({ dir, maxBytes: 1 << 30, fsync: true })
const bodies = payloads.map((p) => encodeRecord({ kind: 1, deviceId: '00000000-0000-4000-8000-000000000001', receivedAt: now, topic: 'devices/00000000-0000-4000-8000-000000000001/telemetry', payload: p }))
await time('spool.append (4000 conc)', async () => { let next = 0; await Promise.all(Array.from({ length: 4000 }, async () => { while (next < N) await spool.append(bodies[next++]!) })) })
process.exit(0)
