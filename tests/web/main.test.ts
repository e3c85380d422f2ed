import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import t from 'tap'
import { httpJson, spawnPlatform } from '../helpers/child-platform.js'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../web/main.ts', import.meta.url))

async function runMain (env: Record<string, string>): Promise<{ code: number | null, stdout: string, stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { env: { PATH: process.env.PATH ?? '', HTTP_HOST: '127.0.0.1', MQTT_HOST: '127.0.0.1', LOG_LEVEL: 'silent', ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { code, stdout, stderr }
}

const tempDir = (t: { teardown (fn: () => void): void }): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'afterline-main-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

t.test('first start prints a generated admin password once; it works, and is not printed again', async (t) => {
  const dataDir = tempDir(t)
  const first = await spawnPlatform({ DATA_DIR: dataDir })
  const password = /Created user "admin" with password: (\S+)/.exec(first.output())?.[1]
  t.match(password, /^[A-Za-z0-9_-]{24}$/)
  const health = await httpJson(`${first.httpUrl}/healthz`)
  t.same(health.body, { status: 'ok', database: { driver: 'embedded', timescaledb: true } })
  const login = await httpJson(`${first.httpUrl}/api/auth/login`, { method: 'POST', body: { username: 'admin', password } })
  t.equal(login.status, 200)
  first.process.kill('SIGTERM')
  t.equal(await first.exited, 0, 'SIGTERM stops it cleanly')

  const second = await spawnPlatform({ DATA_DIR: dataDir })
  t.notMatch(second.output(), /Created user/)
  const again = await httpJson(`${second.httpUrl}/api/auth/login`, { method: 'POST', body: { username: 'admin', password } })
  t.equal(again.status, 200, 'the same password after a restart')
  second.process.kill('SIGTERM')
  await second.exited
})

t.test('a port in use: one line naming the variable to change', async (t) => {
  const blocker = net.createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.teardown(() => blocker.close())
  const port = (blocker.address() as net.AddressInfo).port
  const mqtt = await runMain({ DATA_DIR: tempDir(t), MQTT_PORT: String(port), HTTP_PORT: '0' })
  t.equal(mqtt.code, 1)
  t.equal(mqtt.stderr.trim(), `afterline: MQTT_PORT ${port} is already in use; set MQTT_PORT to a free port`)
  const http = await runMain({ DATA_DIR: tempDir(t), MQTT_PORT: '0', HTTP_PORT: String(port) })
  t.equal(http.code, 1)
  t.equal(http.stderr.trim(), `afterline: HTTP_PORT ${port} is already in use; set HTTP_PORT to a free port`)
})

t.test('an invalid configuration is reported whole, before anything starts', async (t) => {
  const result = await runMain({ DATA_DIR: tempDir(t), HTTP_PORT: 'x', MQTT_PORT: '99999', DATABASE_URL: 'mysql://nope' })
  t.equal(result.code, 1)
  t.match(result.stderr, /configuration is invalid/)
  for (const name of ['HTTP_PORT', 'MQTT_PORT', 'DATABASE_URL']) t.match(result.stderr, name)
})

t.test('an unreachable DATABASE_URL says so', async (t) => {
  const result = await runMain({ DATA_DIR: tempDir(t), HTTP_PORT: '0', MQTT_PORT: '0', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })
  t.equal(result.code, 1)
  t.match(result.stderr, /^afterline: cannot reach the database at DATABASE_URL/)
})
