import net from 'node:net'
import mqttPacket from 'mqtt-packet'
import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { connectDevice, connectRefusal, eventually, registerDevice } from '../helpers/mqtt.js'
import { startTestPlatform } from '../helpers/platform.js'

const count = async (test: Awaited<ReturnType<typeof startTestPlatform>>, sql: string, params: unknown[]): Promise<number> =>
  (await test.platform.db.query<{ n: number }>(sql, params)).rows[0]!.n

forEachDriver(t, 'a device uses only its own topics and only with valid credentials', async (t, driver) => {
  const test = await startTestPlatform(driver)
  t.teardown(() => test.close())
  const a = await registerDevice(test, 'A-1')
  const b = await registerDevice(test, 'B-1')

  t.test('wrong credentials: CONNACK 4, bad username or password', async (t) => {
    for (const options of [
      { username: a.id, password: 'wrong' },
      { username: a.id, password: b.password },
      { username: '00000000-0000-4000-8000-000000000000', password: a.password },
      { username: 'not-a-token' },
      {}
    ]) {
      const refusal = await connectRefusal(test.mqttUrl, options)
      t.equal(refusal.code, 4, `${JSON.stringify(options).slice(0, 60)} → ${refusal.message}`)
    }
  })

  t.test('a Last Will on another device\'s topic: CONNACK 5, not authorized', async (t) => {
    const refusal = await connectRefusal(test.mqttUrl, { username: a.id, password: a.password, will: { topic: `devices/${b.id}/status`, payload: Buffer.from('offline'), qos: 0, retain: false } })
    t.equal(refusal.code, 5)
  })

  t.test('publishing on another device\'s topic closes the connection and stores nothing', async (t) => {
    const client = await connectDevice(test.mqttUrl, { username: a.id, password: a.password })
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    client.publish(`devices/${b.id}/telemetry`, JSON.stringify({ ts: Date.now(), values: { temp: 1 } }), { qos: 1 })
    await closed
    client.end(true)
    await test.platform.gateway.ingest.drained()
    t.equal(await count(test, 'SELECT count(*) AS n FROM telemetry WHERE device_id = $1', [b.id]), 0)
    t.equal(await count(test, 'SELECT count(*) AS n FROM dead_letters WHERE device_id = $1', [b.id]), 0)
  })

  t.test('other topics outside its own are refused too', async (t) => {
    for (const topic of ['devices/+/telemetry', 'devices/#', `devices/${a.id}/commands`, `devices/${a.id}/telemetry/extra`, 'v1/devices/me/attributes', '$SYS/x']) {
      const client = await connectDevice(test.mqttUrl, { username: a.id, password: a.password })
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
      client.publish(topic, '{"t":1}', { qos: 1 })
      await closed
      client.end(true)
      t.pass(`publish on ${topic} closed the connection`)
    }
  })

  t.test('subscriptions: own commands granted, anything else 0x80', async (t) => {
    const client = await connectDevice(test.mqttUrl, { username: a.id, password: a.password })
    t.teardown(() => client.endAsync())
    const granted = await client.subscribeAsync(`devices/${a.id}/commands`, { qos: 1 })
    t.same(granted.map((g) => g.qos), [1])
    for (const filter of [`devices/${b.id}/commands`, 'devices/+/commands', '#', `devices/${a.id}/telemetry`]) {
      const refused = await client.subscribeAsync(filter, { qos: 1 }).then((grants) => grants.map((g) => g.qos), (error: { packet?: { granted: number[] } }) => error.packet?.granted)
      t.same(refused, [128], `${filter} refused`)
    }
    t.equal(client.connected, true, 'a refused subscription does not disconnect')
  })

  t.test('commands reach only the addressed device', async (t) => {
    const clientA = await connectDevice(test.mqttUrl, { username: a.id, password: a.password })
    const clientB = await connectDevice(test.mqttUrl, { username: b.id, password: b.password })
    t.teardown(() => Promise.all([clientA.endAsync(), clientB.endAsync()]))
    await clientA.subscribeAsync(`devices/${a.id}/commands`, { qos: 1 })
    await clientB.subscribeAsync(`devices/${b.id}/commands`, { qos: 1 })
    const receivedB: string[] = []
    clientB.on('message', (_topic, payload) => receivedB.push(payload.toString()))
    const receivedA = new Promise<{ topic: string, payload: string }>((resolve) => clientA.once('message', (topic, payload) => resolve({ topic, payload: payload.toString() })))
    const response = await test.request('POST', `/api/devices/${a.id}/commands`, { token: await test.tokenFor('supervisor'), body: { name: 'reboot', params: { delayS: 5 } } })
    t.equal(response.status, 202)
    const message = await receivedA
    t.equal(message.topic, `devices/${a.id}/commands`)
    t.match(JSON.parse(message.payload), { id: response.body.id, name: 'reboot', params: { delayS: 5 } })
    await new Promise((resolve) => setTimeout(resolve, 100))
    t.same(receivedB, [])
  })

  t.test('ThingsBoard firmware: access token as username, v1/devices/me/telemetry', async (t) => {
    const client = await connectDevice(test.mqttUrl, { username: a.accessToken })
    await client.publishAsync('v1/devices/me/telemetry', JSON.stringify({ tb_metric: 42 }), { qos: 1 })
    await client.endAsync()
    await test.platform.gateway.ingest.drained()
    t.equal(await count(test, "SELECT count(*) AS n FROM telemetry WHERE device_id = $1 AND metric = 'tb_metric' AND value = 42", [a.id]), 1)
  })

  t.test('disabling a device closes its connection and refuses new ones; enabling lets it back', async (t) => {
    const admin = await test.tokenFor('admin')
    const client = await connectDevice(test.mqttUrl, { username: b.id, password: b.password })
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    t.equal((await test.request('POST', `/api/devices/${b.id}/disable`, { token: admin })).body.disabled, true)
    await closed
    client.end(true)
    t.equal((await connectRefusal(test.mqttUrl, { username: b.id, password: b.password })).code, 5)
    t.equal((await test.request('POST', `/api/devices/${b.id}/enable`, { token: admin })).body.disabled, false)
    const again = await connectDevice(test.mqttUrl, { username: b.id, password: b.password })
    await again.endAsync()
  })

  t.test('rotating credentials closes open sessions and retires the old secret', async (t) => {
    const admin = await test.tokenFor('admin')
    const client = await connectDevice(test.mqttUrl, { username: a.id, password: a.password })
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    const rotated = await test.request('POST', `/api/devices/${a.id}/credentials`, { token: admin })
    t.equal(rotated.status, 200)
    t.not(rotated.body.credentials.password, a.password)
    await closed
    client.end(true)
    t.equal((await connectRefusal(test.mqttUrl, { username: a.id, password: a.password })).code, 4)
    t.equal((await connectRefusal(test.mqttUrl, { username: a.accessToken })).code, 4)
    const fresh = await connectDevice(test.mqttUrl, { username: a.id, password: rotated.body.credentials.password })
    await fresh.endAsync()
  })
})

forEachDriver(t, 'presence: online on connect, offline with the reason on disconnect', async (t, driver) => {
  const test = await startTestPlatform(driver)
  t.teardown(() => test.close())
  const device = await registerDevice(test, 'P-1')
  const token = await test.tokenFor('agent')
  const state = async (): Promise<{ status: string, lastDisconnectReason: string | null, lastSeenAt: string | null }> =>
    (await test.request('GET', `/api/devices/${device.id}`, { token })).body

  const client = await connectDevice(test.mqttUrl, { username: device.id, password: device.password })
  await eventually(async () => (await state()).status === 'online', 5000, 'online')
  await client.endAsync()
  const offline = await eventually(async () => { const s = await state(); return s.status === 'offline' ? s : undefined }, 5000, 'offline')
  t.equal(offline.lastDisconnectReason, 'disconnected')

  const lost = await connectDevice(test.mqttUrl, { username: device.id, password: device.password, will: { topic: `devices/${device.id}/status`, payload: Buffer.from('offline'), qos: 1, retain: false } })
  await eventually(async () => (await state()).status === 'online', 5000, 'online again')
  ;(lost as unknown as { stream: { destroy (): void } }).stream.destroy()
  lost.end(true)
  const dropped = await eventually(async () => { const s = await state(); return s.status === 'offline' ? s : undefined }, 5000, 'offline after a lost connection')
  t.equal(dropped.lastDisconnectReason, 'connection_lost')

  // A device that goes silent: CONNECT with a 1 s keep-alive on a raw socket, then nothing. The broker
  // must drop it after 1.5 × keep-alive (MQTT 3.1.1 §3.1.2.10).
  const socket = net.connect(test.platform.mqtt.port, '127.0.0.1')
  t.teardown(() => { socket.destroy() })
  socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'silent', keepalive: 1, username: device.id, password: Buffer.from(device.password) }))
  await eventually(async () => (await state()).status === 'online', 5000, 'online for keep-alive test')
  const expired = await eventually(async () => { const s = await state(); return s.status === 'offline' ? s : undefined }, 8000, 'offline after keep-alive expiry')
  t.equal(expired.lastDisconnectReason, 'keepalive_timeout')
})
