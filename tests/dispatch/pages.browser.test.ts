import type { Browser, Page } from 'playwright-core'
import t from 'tap'
import type { Test } from 'tap'
import { CHROMIUM, launchBrowser } from '../helpers/browser.js'
import { startTestPlatform } from '../helpers/platform.js'
import type { TestPlatform } from '../helpers/platform.js'
import { addEngineer, near, openOrder } from './fixtures.js'

/** A fresh platform and Debian's Chromium, both closed when the test ends. */
async function startWithBrowser (t: Test, env: Record<string, string> = {}): Promise<{ test: TestPlatform, browser: Browser }> {
  const test = await startTestPlatform('embedded', { env })
  const browser = await launchBrowser()
  t.teardown(async () => {
    await browser?.close()
    await test.close()
  })
  if (browser === null) throw new Error(`Chromium is not installed at ${CHROMIUM} (.ci/run installs Debian's chromium)`)
  return { test, browser }
}

async function logIn (page: Page, httpUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${httpUrl}/`)
  await page.fill('#username', username)
  await page.fill('#password', password)
  await page.click('#login-form button[type=submit]')
  await page.waitForSelector('#home:not([hidden])')
}

t.test('a supervisor assigns from the console, the engineer accepts on the phone page, the customer sees it live', async (t) => {
  // Offers lapse after 5 minutes, as by default: the phone says by when to answer.
  const { test, browser } = await startWithBrowser(t, { DISPATCH_OFFER_TIMEOUT_MIN: '5' })
  const supervisor = await test.tokenFor('supervisor')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) })
  await addEngineer(test, supervisor, { name: 'Li Na', at: near(4, 0) })
  const order = await openOrder(test, supervisor, { problem: 'chiller alarm E-12', customer: { name: 'Acme Cold Chain', phone: '+86 138 0000 1234' } })

  const outside: string[] = []
  const watch = (page: Page): void => {
    page.on('request', (request) => { if (!request.url().startsWith(test.httpUrl)) outside.push(request.url()) })
  }

  // The customer's tracking page, open from the start: it must follow along live.
  const customer = await (await browser.newContext()).newPage()
  watch(customer)
  await customer.goto(`${test.httpUrl}/dispatch/track.html?t=${order.trackingToken}`)
  await customer.waitForSelector('text=Received — finding an engineer')

  const console = await (await browser.newContext()).newPage()
  watch(console)
  await logIn(console, test.httpUrl, 'test-supervisor', 'password-supervisor')
  await console.goto(`${test.httpUrl}/dispatch/console.html`)
  await console.click(`tr[data-order="${order.id}"]`)
  await console.waitForSelector('button[data-assign]')
  t.equal(await console.textContent('#detail-customer'), 'Acme Cold Chain · +86 138 0000 1234 · contract standard', 'the supervisor sees whom to call')
  t.same(await console.$$eval('button[data-assign]', (buttons) => buttons.map((b) => b.getAttribute('data-assign'))), [wang.id, (await test.request('GET', '/api/engineers?q=Li', { token: supervisor })).body.engineers[0].id])
  t.equal(await console.locator('svg.dispatch-map circle[data-engineer]').count(), 2, 'both engineers on the map')
  t.equal(await console.locator(`svg.dispatch-map [data-order="${order.id}"]`).count(), 1, 'the order on the map')
  await console.click(`button[data-assign="${wang.id}"]`)
  await console.waitForSelector(`tr[data-order="${order.id}"] td.status:text("assigned")`)
  t.match((await test.request('GET', `/api/work-orders/${order.id}`, { token: supervisor })).body, { status: 'assigned', engineerId: wang.id })
  await customer.waitForSelector('text=Your engineer: Wang')
  await console.waitForSelector('#detail-meta:has-text("Wang Wei, to answer by")')

  const phone = await (await browser.newContext({ viewport: { width: 390, height: 800 } })).newPage()
  watch(phone)
  await logIn(phone, test.httpUrl, wang.username, 'engineer-password')
  await phone.goto(`${test.httpUrl}/dispatch/engineer.html`)
  await phone.waitForSelector(`[data-order="${order.id}"] button[data-step="accept"]`)
  t.match(await phone.textContent(`[data-order="${order.id}"]`), /chiller alarm E-12/)
  t.equal(await phone.getAttribute(`[data-order="${order.id}"] a.call`, 'href'), 'tel:+8613800001234', 'the engineer can call the customer from the card')
  t.match(await phone.textContent(`[data-order="${order.id}"] .answer-by`), /^Answer by \d{1,2}:\d{2}/, 'the offer says by when to answer')
  await phone.click(`[data-order="${order.id}"] button[data-step="accept"]`)
  await phone.waitForSelector(`[data-order="${order.id}"] button[data-step="depart"]`)
  t.equal(await phone.locator(`[data-order="${order.id}"] .answer-by`).count(), 0, 'accepted: nothing to answer any more')
  await customer.waitForSelector('text=The engineer has accepted')
  await phone.click(`[data-order="${order.id}"] button[data-step="depart"]`)
  await customer.waitForSelector('text=The engineer is on the way')
  t.match(await customer.textContent('#eta'), /Expected in about \d+ min/)
  t.notMatch(await customer.textContent('main'), /Acme|Wang Wei|1234/, 'no customer data or full name on the public page')
  t.same(outside, [], 'nothing is loaded from outside the platform')
})

t.test('a customer requests service from the public page, without logging in, and lands on its tracking page', async (t) => {
  const { test, browser } = await startWithBrowser(t)
  const at = near(2, 1)
  const context = await browser.newContext({ geolocation: { latitude: at.lat, longitude: at.lng }, permissions: ['geolocation'] })
  const page = await context.newPage()
  const outside: string[] = []
  page.on('request', (request) => { if (!request.url().startsWith(test.httpUrl)) outside.push(request.url()) })

  await page.goto(`${test.httpUrl}/`)
  await page.click('text=Request service')
  await page.waitForSelector('#request-form')
  await page.fill('#name', 'Zhang San')
  await page.fill('#phone', '+86 138 0000 1234')
  await page.fill('#problem', 'the chiller shows E-12 and the room is warm')
  await page.selectOption('#priority', 'high')
  await page.click('#locate')
  await page.waitForSelector(`#where:text("Location: ${at.lat.toFixed(5)}")`)
  await page.click('#request-form button[type=submit]')
  await page.waitForURL(/\/dispatch\/track\.html\?t=[A-Za-z0-9_-]{22}$/)
  await page.waitForSelector('text=Received — finding an engineer')
  t.notMatch(await page.textContent('body'), 'E-12', 'the public page does not repeat what was typed (it may hold personal data)')

  const token = new URL(page.url()).searchParams.get('t')
  const supervisor = await test.tokenFor('supervisor')
  const orders = (await test.request('GET', '/api/work-orders?source=customer', { token: supervisor })).body.workOrders
  t.match(orders, [{ trackingToken: token, priority: 'high', customer: { name: 'Zhang San', phone: '+86 138 0000 1234' } }])
  t.same([orders[0].location.lat.toFixed(5), orders[0].location.lng.toFixed(5)], [at.lat.toFixed(5), at.lng.toFixed(5)])
  t.same(outside, [], 'nothing is loaded from outside the platform')
})

t.test('the request page names the field a refused request got wrong', async (t) => {
  const { test, browser } = await startWithBrowser(t)
  const page = await (await browser.newContext()).newPage()
  await page.goto(`${test.httpUrl}/dispatch/request.html?asset=NO-SUCH-MACHINE`)
  t.equal(await page.inputValue('#assetCode'), 'NO-SUCH-MACHINE', 'a QR code can carry the asset code')
  await page.fill('#name', 'Zhang San')
  await page.fill('#phone', '+86 138 0000 1234')
  await page.fill('#problem', 'warm')
  await page.click('#request-form button[type=submit]')
  await page.waitForSelector('#error:text("body.assetCode")')
  t.match(await page.textContent('#error'), /asset code NO-SUCH-MACHINE does not match a registered machine/)
  t.match(page.url(), /request\.html/, 'still on the form')
})
