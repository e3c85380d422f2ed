import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'

forEachDriver(t, 'GET /healthz reports the driver and TimescaleDB', async (t, driver) => {
  const test = await startTestPlatform(driver)
  t.teardown(() => test.close())
  const response = await test.request('GET', '/healthz')
  t.equal(response.status, 200)
  t.same(response.body, {
    status: 'ok',
    database: { driver, timescaledb: driver === 'embedded' ? true : test.platform.db.timescaledb }
  })
})
