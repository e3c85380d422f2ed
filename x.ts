import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path'
import { createIngestService } from './gateway/ingest/ingest.service.js'
import { createGatewayMetrics } from './gateway/metrics.js'
import { createMetricsRegistry } from './core/metrics.js'
import { createEventBus } from './core/event-bus.js'
import { createSilentLogger } from './core/logger.js'
import { openEmbeddedDatabase } from './core/db/embedded-driver.js'
import { migrate } from './core/db/migrate.js'
import { allMigrations } from './web/platform.js'
const db = await openEmbeddedDatabase({ dataDir: null }); await migrate(db, allMigrations)
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x'))
const logger = createSilentLogger()
const ingest = await createIngestService({ db, bus: createEventBus(logger), logger, metrics: createGatewayMetrics(createMetricsRegistry({ processMetrics: false })), spool: { dir, maxBytes: 1 << 30, fsync: false }, batchPoints: 20000, maxLagMs: 60000, limits: { maxPayloadBytes: 262144, maxFutureMicros: 86400e6 }, deadLetterMaxBytes: 4096 })
const devs = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
const base = Date.now() - 3600000
const payloads = Array.from({ length: 100000 }, (_, n) => Buffer.from(`{"ts":${base + n},"values":{"temp":${60 + (n % 40)},"rpm":${1500 + n},"pressure":${2 + (n % 7) / 10},"vibration":${(n % 13) / 100}}}`))
const c0 = process.cpuUsage(); const t0 = performance.now()
let next = 0
await new Promise<void>((resolve) => {
  let done = 0
  const one = (): void => { if (next >= payloads.length) return; const i = next++; ingest.acceptMessage(devs[i % 1000]!, 'devices/x/telemetry', 'telemetry', payloads[i]!, () => { if (++done === payloads.length) resolve(); else one() }) }
  for (let k = 0; k < 4000; k++) one()
})
const cpu = process.cpuUsage(c0); const ms = performance.now() - t0
console.log('accept: msgs/s', Math.round(100000 / ms * 1000), 'user us/msg', (cpu.user / 100000).toFixed(1), 'sys', (cpu.system / 100000).toFixed(1))
process.exit(0)
