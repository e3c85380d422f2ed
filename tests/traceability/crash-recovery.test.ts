import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { createScanRepository } from '../../traceability/scans/scan.repository.js'
import { httpJson, spawnPlatform, stopAndOpenDatabase } from '../helpers/child-platform.js'
import { createServerDatabase, serverUrl, testDrivers } from '../helpers/database.js'
import { GTIN, LINKS, ORGS, WENZHOU } from './fixtures.js'

const ITEMS = 30
// Below the clone thresholds (20 verifications, 3 consumers): every verification passes, so all of
// them are narrow rows and the items' states are only ever rebuilt from those rows.
const PER_ITEM = 12
const CONSUMERS_PER_ITEM = 3
const CONCURRENCY = 16
const KILL_AFTER_ANSWERS = 150
const ADMIN_PASSWORD = 'trace-crash-admin'

interface Verification { genuine: boolean, result: string, verifications: number, firstVerifiedAt: string | null }

const verifyUrl = (base: string, code: string, consumerId: string): string =>
  `${base}/api/verify?code=${encodeURIComponent(code)}&lat=${WENZHOU.lat}&lng=${WENZHOU.lng}&consumerId=${consumerId}`

if (serverUrl === null) t.comment('traceability crash recovery on the server driver skipped: TEST_DATABASE_URL is not set')

for (const driver of testDrivers()) {
  t.test(`SIGKILL during consumers' verifications, restart: every answered verification is counted, nothing twice [${driver}]`, async (t) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-trace-crash-'))
    t.teardown(() => fs.rmSync(dataDir, { recursive: true, force: true }))
    const env: Record<string, string> = { DATA_DIR: dataDir, ADMIN_PASSWORD }
    if (driver === 'server') env.DATABASE_URL = await createServerDatabase(t, 'afterline_trace_kill')

    const first = await spawnPlatform(env)
    t.teardown(() => { first.process.kill('SIGKILL') })
    const { body: { token } } = await httpJson(`${first.httpUrl}/api/auth/login`, { method: 'POST', body: { username: 'admin', password: ADMIN_PASSWORD } })
    const api = async (method: string, url: string, body?: unknown) => {
      const answer = await httpJson(`${first.httpUrl}${url}`, { method, token, ...(body === undefined ? {} : { body }) })
      if (answer.status >= 300) throw new Error(`${method} ${url}: ${answer.status} ${JSON.stringify(answer.body)}`)
      return answer.body
    }
    await api('POST', '/api/products', { gtin: GTIN, name: 'Oil filter', partNumber: 'OF-1', unit: 'piece' })
    for (const org of ORGS) await api('POST', '/api/organisations', org)
    for (const [supplierId, customerId] of LINKS) await api('PUT', '/api/channel-links', { supplierId, customerId })
    const batch = await api('POST', '/api/code-batches', { gtin: GTIN, quantity: ITEMS, lot: 'CRASH-1' })
    const csv = await (await fetch(`${first.httpUrl}/api/code-batches/${batch.id as number}/codes.csv`, { headers: { authorization: `Bearer ${token}` } })).text()
    const codes = csv.trim().split('\r\n').slice(1).map((line) => line.split(',')[0] as string)
    t.equal(codes.length, ITEMS)
    // Hand-overs days apart, as the goods travel (the travel-speed check judges them).
    const hops: Array<[string, string | null, number]> = [['factory-ningbo', 'dist-east', 200], ['dist-east', null, 180], ['dist-east', 'dealer-zj', 150], ['dealer-zj', null, 130], ['dealer-zj', 'store-wenzhou', 100], ['store-wenzhou', null, 90]]
    for (const code of codes) {
      for (const [orgId, toOrgId, hoursAgo] of hops) {
        const at = new Date(Date.now() - hoursAgo * 3_600_000).toISOString()
        const answer = await api('POST', '/api/scans', toOrgId === null ? { code, action: 'receive', orgId, at } : { code, action: 'ship', orgId, toOrgId, at })
        if (answer.result !== 'ok') throw new Error(`moving ${code}: ${JSON.stringify(answer.checks)}`)
      }
    }

    // Consumers verify the items, many at once, round robin; the process is killed mid-stream.
    const requests = Array.from({ length: ITEMS * PER_ITEM }, (_, i) => ({ item: i % ITEMS, consumer: `consumer-${i % ITEMS}-${Math.floor(i / ITEMS) % CONSUMERS_PER_ITEM}` }))
    const sent = new Array<number>(ITEMS).fill(0)
    const answered = new Array<number>(ITEMS).fill(0)
    const firstVerifiedAt = new Array<string | null>(ITEMS).fill(null)
    let next = 0
    let answers = 0
    let wrong = 0
    const consumer = async (): Promise<void> => {
      while (next < requests.length) {
        const { item, consumer: consumerId } = requests[next++] as { item: number, consumer: string }
        sent[item] = (sent[item] as number) + 1
        let body: Verification
        try {
          const response = await fetch(verifyUrl(first.httpUrl, codes[item] as string, consumerId))
          if (response.status !== 200) {
            if (wrong++ === 0) t.comment(`verification answered ${response.status}: ${await response.text()}`)
            continue
          }
          body = await response.json() as Verification
        } catch {
          return // the process is gone
        }
        if (body.result !== 'ok' || !body.genuine) wrong++
        answered[item] = (answered[item] as number) + 1
        firstVerifiedAt[item] ??= body.firstVerifiedAt
        if (++answers === KILL_AFTER_ANSWERS) first.process.kill('SIGKILL')
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, consumer))
    // Killed once enough answers came (a run that never got there is killed now, and fails below).
    first.process.kill('SIGKILL')
    t.equal(await first.exited, 'SIGKILL')
    t.equal(wrong, 0, 'every verification before the kill passed')
    const answeredBeforeKill = answered.reduce((a, b) => a + b, 0)
    t.ok(answeredBeforeKill >= KILL_AFTER_ANSWERS && answeredBeforeKill < requests.length, `killed mid-run after ${answeredBeforeKill} answers`)

    // After the restart (no item cache), each item's next verification counts every earlier one that
    // was answered, and none that was never sent.
    const second = await spawnPlatform(env)
    t.teardown(() => { second.process.kill('SIGKILL') })
    const counted: number[] = []
    let outOfRange = 0
    let firstChanged = 0
    for (let item = 0; item < ITEMS; item++) {
      const response = await fetch(verifyUrl(second.httpUrl, codes[item] as string, `consumer-${item}-0`))
      const body = await response.json() as Verification
      if (body.result !== 'ok') wrong++
      counted.push(body.verifications)
      if (body.verifications < (answered[item] as number) + 1 || body.verifications > (sent[item] as number) + 1) outOfRange++
      if (firstVerifiedAt[item] !== null && body.firstVerifiedAt !== firstVerifiedAt[item]) firstChanged++
    }
    t.equal(wrong, 0, 'verifications after the restart pass')
    t.equal(outOfRange, 0, 'each item counts its answered verifications, and at most the ones sent')
    t.equal(firstChanged, 0, 'first verified at is kept')
    // What is stored agrees: one row per counted verification, and the item read back has that count.
    const db = await stopAndOpenDatabase(t, second, driver, env)
    const serials = codes.map((code) => code.split('/21/')[1] as string)
    const { rows } = await db.query<{ serial: string, n: number }>(
      "SELECT serial, count(*) AS n FROM trace_scan_log WHERE source = 'verify' AND serial = ANY($1::text[]) GROUP BY serial", [serials])
    const stored = new Map(rows.map((r) => [r.serial, r.n]))
    t.same(serials.map((s) => stored.get(s) ?? 0), counted, 'rows recorded per item = the count each item answered')
    const loaded = await createScanRepository().loadItems(db, serials, false)
    t.same(serials.map((s) => loaded.get(s)?.state?.consumerVerifications ?? 0), counted, 'the item state read back has the same counts')
  })
}
