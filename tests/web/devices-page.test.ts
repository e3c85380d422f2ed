import t from 'tap'
import { launchBrowser } from '../helpers/browser.js'
import { connectDevice } from '../helpers/mqtt.js'
import { ADMIN_PASSWORD, startTestPlatform } from '../helpers/platform.js'

t.test('an admin logs in, registers a device, and sees it come online', async (t) => {
  const browser = await launchBrowser()
  if (browser === null) {
    t.fail('Chromium is not installed at /usr/bin/chromium (.ci/run installs it)')
    return
  }
  t.teardown(() => browser.close())
  const test = await startTestPlatform('embedded')
  t.teardown(() => test.close())
  const page = await browser.newPage()

  await page.goto(`${test.httpUrl}/`)
  await page.fill('#username', 'admin')
  await page.fill('#password', 'wrong-password')
  await page.click('button[type=submit]')
  await page.waitForSelector('#login-error:has-text("wrong")')
  await page.fill('#password', ADMIN_PASSWORD)
  await page.click('button[type=submit]')
  await page.waitForSelector('#home:not([hidden])')
  await page.click('a[href="/devices.html"]')

  await page.fill('#assetCode', 'PAGE-1')
  await page.fill('#model', 'G100')
  await page.fill('#customer', 'Acme')
  await page.click('#register button[type=submit]')
  await page.waitForSelector('#credentials:not([hidden])', { timeout: 10_000 })
  const credentials = await page.textContent('#credentials-text')
  const username = /MQTT username: (\S+)/.exec(credentials ?? '')?.[1] as string
  const password = /MQTT password: (\S+)/.exec(credentials ?? '')?.[1] as string
  t.match(username, /^[0-9a-f-]{36}$/)
  await page.waitForSelector('tr:has-text("PAGE-1") .pill.offline')

  await page.fill('#assetCode', 'PAGE-1')
  await page.fill('#model', 'G100')
  await page.click('#register button[type=submit]')
  await page.waitForSelector('#register-error:has-text("already registered")')

  const device = await connectDevice(test.mqttUrl, { username, password })
  t.teardown(() => device.endAsync())
  await page.waitForSelector('tr:has-text("PAGE-1") .pill.online', { timeout: 10_000 })
  t.pass('the page shows the device online without a reload')
})
