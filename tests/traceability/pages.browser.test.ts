import fs from 'node:fs'
import { chromium } from 'playwright-core'
import type { Browser, Page } from 'playwright-core'
import t from 'tap'
import { startTestPlatform, TEST_ORG_ID } from '../helpers/platform.js'
import { GTIN, issueCodes, seedChannel, WENZHOU } from './fixtures.js'

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

async function logIn (page: Page, httpUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${httpUrl}/`)
  await page.fill('#username', username)
  await page.fill('#password', password)
  await page.click('#login-form button[type=submit]')
  await page.waitForSelector('#home:not([hidden])')
}

t.test('a consumer verifies, a store scans in and sells, brand staff audit an alert and issue codes', async (t) => {
  const test = await startTestPlatform('embedded')
  let browser: Browser | null = null
  t.teardown(async () => {
    await browser?.close()
    await test.close()
  })
  const brand = await seedChannel(test)
  await test.request('POST', '/api/organisations', { token: brand, body: { id: TEST_ORG_ID, kind: 'store', name: 'Hangzhou West store', city: 'Hangzhou', location: { lat: 30.26, lng: 120.1 } } })
  await test.request('PUT', '/api/channel-links', { token: brand, body: { supplierId: 'dealer-zj', customerId: TEST_ORG_ID } })
  const [sold, forStore] = await issueCodes(test, brand, 2) as [string, string]
  const admin = await test.tokenFor('admin')
  const hop = async (code: string, body: Record<string, unknown>) => {
    const answer = await test.request('POST', '/api/scans', { token: admin, body: { code, ...body } })
    if (answer.body.result !== 'ok') throw new Error(JSON.stringify(answer.body))
  }
  for (const code of [sold, forStore]) {
    await hop(code, { action: 'ship', orgId: 'factory-ningbo', toOrgId: 'dist-east', at: '2026-01-01T00:00:00Z' })
    await hop(code, { action: 'receive', orgId: 'dist-east', at: '2026-01-02T00:00:00Z' })
    await hop(code, { action: 'ship', orgId: 'dist-east', toOrgId: 'dealer-zj', at: '2026-01-03T00:00:00Z' })
    await hop(code, { action: 'receive', orgId: 'dealer-zj', at: '2026-01-04T00:00:00Z' })
  }
  await hop(sold, { action: 'ship', orgId: 'dealer-zj', toOrgId: 'store-wenzhou', at: '2026-01-05T00:00:00Z' })
  await hop(sold, { action: 'receive', orgId: 'store-wenzhou', at: '2026-01-06T00:00:00Z' })
  await hop(sold, { action: 'sell', orgId: 'store-wenzhou', at: '2026-01-07T00:00:00Z' })
  await hop(forStore, { action: 'ship', orgId: 'dealer-zj', toOrgId: TEST_ORG_ID, at: '2026-01-05T00:00:00Z' })
  await test.tokenFor('org_staff')
  await test.tokenFor('brand')

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  const outside: string[] = []
  const watch = (page: Page): Page => {
    page.on('request', (request) => { if (!request.url().startsWith(test.httpUrl) && !request.url().startsWith('blob:')) outside.push(request.url()) })
    return page
  }

  // A consumer in Wenzhou opens the Digital Link (the resolver sends browsers to the verification page).
  const phone = watch(await (await browser.newContext({ geolocation: { latitude: WENZHOU.lat, longitude: WENZHOU.lng }, permissions: ['geolocation'], viewport: { width: 390, height: 800 } })).newPage())
  await phone.goto(`${test.httpUrl}${new URL(sold).pathname}`)
  await phone.waitForSelector('#headline')
  t.equal(await phone.textContent('#headline'), '✓ Genuine')
  t.equal(await phone.textContent('#product'), `Oil filter ${GTIN.slice(-3)} (OF-${GTIN.slice(-4)})`)
  t.equal(await phone.textContent('#times'), '1')
  t.equal(await phone.locator('li[data-check="territory"].passed').count(), 1, 'checked inside the dealer\'s territory')
  const fake = sold.replace(/\/21\/.{4}/, '/21/ZZZZ')
  await phone.fill('#code', fake)
  await phone.click('#verify-form button[type=submit]')
  await phone.waitForSelector('#headline.bad')
  t.equal(await phone.textContent('#headline'), '✗ Not genuine')

  // The store's staff scan the delivery in, then sell it.
  const store = watch(await (await browser.newContext()).newPage())
  await logIn(store, test.httpUrl, 'test-org_staff', 'password-org_staff')
  await store.goto(`${test.httpUrl}/traceability/scan.html`)
  await store.waitForSelector('#scanner:not([hidden])')
  t.same(await store.$$eval('#action option', (options) => options.map((o) => o.getAttribute('value'))), ['receive', 'ship', 'sell', 'verify'])
  await store.fill('#code', forStore)
  await store.click('#scan-form button[type=submit]')
  await store.waitForSelector('#last [data-result]')
  t.equal(await store.getAttribute('#last [data-result]', 'data-result'), 'ok')
  t.equal(await store.locator('#last li[data-check="received_by_consignee"].passed').count(), 1)
  await store.selectOption('#action', 'sell')
  await store.fill('#code', forStore)
  await store.click('#scan-form button[type=submit]')
  await store.waitForSelector('#log tr:nth-child(2)')
  t.same(await store.$$eval('#log tr td:nth-child(2)', (cells) => cells.map((c) => c.textContent)), ['sell', 'receive'])

  // Brand staff: KPIs and the audit queue, confirm the counterfeit; then issue codes and download them.
  const office = watch(await (await browser.newContext({ acceptDownloads: true })).newPage())
  await logIn(office, test.httpUrl, 'test-brand', 'password-brand')
  await office.goto(`${test.httpUrl}/traceability/dashboard.html`)
  await office.waitForSelector('[data-kpi="Codes issued"]')
  t.equal(await office.textContent('[data-kpi="Codes issued"] b'), '2')
  await office.waitForSelector('tr[data-type="counterfeit"]')
  office.once('dialog', (dialog) => { void dialog.accept('fake label found at a market stall') })
  await office.click('tr[data-type="counterfeit"] button[data-resolve="confirm"]')
  await office.waitForSelector('tr[data-type="counterfeit"]', { state: 'detached' })
  const confirmed = await test.request('GET', '/api/trace-alerts?type=counterfeit', { token: brand })
  t.match(confirmed.body.alerts, [{ status: 'confirmed', resolutionNote: 'fake label found at a market stall', resolvedBy: 'test-brand' }])

  await office.goto(`${test.httpUrl}/traceability/codes.html`)
  await office.waitForSelector('#gtin option', { state: 'attached' })
  await office.fill('#quantity', '5')
  await office.fill('#lot', 'WEB-1')
  await office.click('#issue')
  await office.waitForSelector('tr[data-batch="2"]')
  const [csv] = await Promise.all([office.waitForEvent('download'), office.click('tr[data-batch="2"] button[data-download="csv"]')])
  const lines = fs.readFileSync(await csv.path(), 'utf8').trim().split('\r\n')
  t.equal(lines.length, 6)
  t.match(lines[1], new RegExp(`^https://localhost:3000/01/${GTIN}/10/WEB-1/21/[0-9A-Z]{20},${GTIN},WEB-1,[0-9A-Z]{20}$`))
  const [pdf] = await Promise.all([office.waitForEvent('download'), office.click('tr[data-batch="2"] button[data-download="pdf"]')])
  t.equal(fs.readFileSync(await pdf.path()).subarray(0, 5).toString(), '%PDF-')
  t.same(outside, [], 'nothing is loaded from outside the platform')
})
