import fs from 'node:fs'
import t from 'tap'
import { chromium } from 'playwright-core'
import { startTestPlatform } from '../../helpers/platform.js'
import { publish, setUpPump } from './pump-fixture.js'

const CHROMIUM = '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

t.test('insight pages: a live alerts board, the device 360° page with its chart, the public fault-code lookup', async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    t.fail(`Chromium is not installed at ${CHROMIUM} (.ci/run installs it)`)
    return
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS })
  t.teardown(() => browser.close())
  const test = await startTestPlatform('embedded')
  t.teardown(() => test.close())
  const deviceId = await setUpPump(test)
  const now = Date.now()
  for (let minute = 30; minute >= 0; minute--) await publish(test, deviceId, now - minute * 60_000, { temp: minute > 20 ? 70 + minute / 10 : 97, flow: 30 })
  await test.platform.bus.idle()

  const page = await browser.newPage()
  const foreign: string[] = []
  page.on('request', (request) => { if (!request.url().startsWith(test.httpUrl) && !request.url().startsWith('ws://127.0.0.1')) foreign.push(request.url()) })
  const pageErrors: string[] = []
  page.on('pageerror', (error) => pageErrors.push(error.message))

  // The public lookup needs no login.
  await page.goto(`${test.httpUrl}/insight/fault-codes.html`)
  await page.fill('#q', 'seal')
  await page.click('#search button[type=submit]')
  await page.waitForSelector('article[data-code="E21"]:has-text("Replace the seal kit")')
  t.match(await page.textContent('article[data-code="E21"]'), /1 × Seal kit \(SEAL-7\)/)

  // A supervisor's alerts board: the open threshold alert is there; a new fault code appears without a reload.
  const token = await test.tokenFor('supervisor')
  await page.goto(`${test.httpUrl}/`)
  await page.evaluate((value) => (globalThis as unknown as { localStorage: { setItem: (k: string, v: string) => void } }).localStorage.setItem('afterline.token', value), token)
  await page.goto(`${test.httpUrl}/insight/alerts.html`)
  await page.waitForSelector('#live-state:has-text("live")')
  await page.waitForSelector('tr:has-text("temp > 95 for 300 s") .pill.raised')
  await test.platform.gateway.ingest.accept(deviceId, `devices/${deviceId}/events`, 'events', Buffer.from(JSON.stringify({ code: 'E21', message: 'seal pressure low' })))
  await page.waitForSelector('tr.fresh:has-text("E21 Seal leak")', { timeout: 10_000 })
  t.pass('the new alert arrived live')
  await page.click('tr:has-text("E21 Seal leak") button:has-text("Acknowledge")')
  await page.waitForSelector('tr:has-text("E21 Seal leak") .pill.acknowledged')
  t.match(await page.textContent('tr:has-text("E21 Seal leak") td.status'), /by test-supervisor/)

  // The device 360° page: facts, alerts, and an SVG chart of the readings drawn by the page itself.
  await page.click(`tr:has-text("E21 Seal leak") a[href="/insight/device.html?id=${deviceId}"]`)
  await page.waitForSelector('#title:has-text("PUMP-0001")')
  await page.waitForSelector('#alert-rows tr:has-text("Seal leak")')
  const path = await page.getAttribute('svg#chart path.line', 'd')
  t.ok(path !== null && path.split('L').length >= 30, 'the chart draws every minute of the last half hour')
  t.ok(await page.$('svg#chart rect.normal'), 'with the normal range shaded')
  t.match(await page.textContent('#facts'), /Pump P-1 \(P-1\)/)
  t.same(foreign, [], 'nothing is loaded from outside the platform')
  t.same(pageErrors, [], 'no script errors')
})
