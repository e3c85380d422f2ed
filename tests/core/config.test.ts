import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { configVariables, loadConfig } from '../../core/config.js'
import { AfterlineError } from '../../core/errors.js'

t.test('defaults give a working configuration', async (t) => {
  const config = loadConfig({})
  t.equal(config.http.port, 3000)
  t.equal(config.mqtt.port, 1883)
  t.equal(config.database.url, null)
  t.equal(config.dataDir, path.resolve('./data'))
  t.equal(config.spool.dir, path.resolve('./data/spool'))
  t.equal(config.spool.fsync, true)
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.http), 'frozen')
})

t.test('values are coerced from strings', async (t) => {
  const config = loadConfig({ HTTP_PORT: '8080', SPOOL_FSYNC: 'false', DATABASE_URL: 'postgres://u@h/db', SPOOL_MAX_MB: '2' })
  t.equal(config.http.port, 8080)
  t.equal(config.spool.fsync, false)
  t.equal(config.database.url, 'postgres://u@h/db')
  t.equal(config.spool.maxBytes, 2 * 1024 * 1024)
})

t.test('every problem is reported at once, each naming its variable', async (t) => {
  try {
    loadConfig({ HTTP_PORT: 'seventy', MQTT_PORT: '70000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', ADMIN_PASSWORD: 'short' })
    t.fail('should throw')
  } catch (error) {
    t.ok(error instanceof AfterlineError)
    t.equal((error as AfterlineError).code, 'CORE_CONFIG_INVALID')
    const message = (error as Error).message
    for (const name of ['HTTP_PORT', 'MQTT_PORT', 'DATABASE_URL', 'LOG_LEVEL', 'ADMIN_PASSWORD']) t.match(message, name)
  }
})

t.test('empty variables count as unset', async (t) => {
  t.equal(loadConfig({ DATABASE_URL: '', HTTP_PORT: ' ' }).http.port, 3000)
})

t.test('the README configuration table matches core/config.ts', async (t) => {
  const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const table = readme.slice(readme.indexOf('<!-- config-table'), readme.indexOf('<!-- /config-table -->'))
  const rows = [...table.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((m) => [m[1] as string, (m[2] as string).trim()])
  const expected = Object.entries(configVariables).map(([name, v]) => [name, v.default === null ? '—' : `\`${String(v.default)}\``])
  t.same(rows, expected)
})
