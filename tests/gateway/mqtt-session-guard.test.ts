import net from 'node:net'
import mqttPacket from 'mqtt-packet'
import t from 'tap'
import { forEachDriver } from '../helpers/database.js'
import { connectDevice, connectRefusal, eventually, registerDevice } from '../helpers/mqtt.js'
import { startTestPlatform } from '../helpers/platform.js'

forEachDriver(t, 'a client identifier belongs to one device: no other device resumes its session or takes over its connection', async (t, driver) => {
  const test = await startTestPlatform(driver)
  t.teardown(() => test.close())
  const a = await registerDevice(test, 'CID-A')
  const b = await registerDevice(test, 'CID-B')
  const supervisor = await test.tokenFor('supervisor')

  // B keeps a persistent session, goes offline, and a command is queued for it.
  const first = await connectDevice(test.mqttUrl, { username: b.id, password: b.password, clientId: 'pump-7', clean: false })
  await first.subscribeAsync(`devices/${b.id}/commands`, { qos: 1 })
  await first.endAsync()
  const queued = await test.request('POST', `/api/devices/${b.id}/commands`, { token: supervisor, body: { name: 'reboot', params: {} } })
  t.equal(queued.status, 202)

  const stolen = await connectRefusal(test.mqttUrl, { username: a.id, password: a.password, clientId: 'pump-7', clean: false })
  t.equal(stolen.code, 2, 'another device resuming the session: CONNACK 2, identifier rejected')
  t.equal((await connectRefusal(test.mqttUrl, { username: a.id, password: a.password, clientId: 'pump-7', clean: true })).code, 2, 'nor may it wipe the session with a clean start')

  const back = await connectDevice(test.mqttUrl, { username: b.id, password: b.password, clientId: 'pump-7', clean: false })
  const command = await new Promise<{ topic: string, payload: string }>((resolve) => back.once('message', (topic, payload) => resolve({ topic, payload: payload.toString() })))
  t.equal(command.topic, `devices/${b.id}/commands`)
  t.match(JSON.parse(command.payload), { id: queued.body.id, name: 'reboot' }, 'the owner gets its queued command')

  // While B is connected, A using the identifier would disconnect it (takeover): refused, B stays.
  t.equal((await connectRefusal(test.mqttUrl, { username: a.id, password: a.password, clientId: 'pump-7' })).code, 2)
  await new Promise((resolve) => setTimeout(resolve, 100))
  t.equal(back.connected, true, 'the owner is not kicked off')
  await back.endAsync()

  // A clean-session identifier is free again once its connection is gone.
  const once = await connectDevice(test.mqttUrl, { username: a.id, password: a.password, clientId: 'bench-1', clean: true })
  await once.endAsync()
  await eventually(() => !test.platform.gateway.broker.isConnected(a.id), 5000, 'A disconnected')
  const other = await connectDevice(test.mqttUrl, { username: b.id, password: b.password, clientId: 'bench-1', clean: true })
  await other.endAsync()
  t.pass('a released clean-session identifier can be used by another device')

  // Hardware replaced: the old device is disabled, and the new one may take over its identifier —
  // without the old device's queued commands.
  const admin = await test.tokenFor('admin')
  const waiting = await test.request('POST', `/api/devices/${b.id}/commands`, { token: supervisor, body: { name: 'calibrate', params: {} } })
  t.equal(waiting.status, 202)
  t.equal((await test.request('POST', `/api/devices/${b.id}/disable`, { token: admin })).status, 200)
  const successor = await connectDevice(test.mqttUrl, { username: a.id, password: a.password, clientId: 'pump-7', clean: false })
  const leaked: string[] = []
  successor.on('message', (topic) => leaked.push(topic))
  await new Promise((resolve) => setTimeout(resolve, 300))
  t.same(leaked, [], 'the successor gets none of the disabled device\'s commands')
  await successor.endAsync()
})

forEachDriver(t, 'a packet announcing more than MQTT_MAX_PACKET_BYTES closes the connection before it is read', async (t, driver) => {
  const test = await startTestPlatform(driver, { env: { MQTT_MAX_PACKET_BYTES: '65536' } })
  t.teardown(() => test.close())
  const device = await registerDevice(test, 'BIG-1')
  const port = Number(new URL(test.mqttUrl).port)

  const connect = mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'big', keepalive: 30, username: device.id, password: Buffer.from(device.password) })
  const socket = net.connect(port, '127.0.0.1')
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  socket.on('error', () => {})
  let received = Buffer.alloc(0)
  socket.on('data', (chunk: Buffer) => { received = Buffer.concat([received, chunk]) })
  socket.write(connect)
  await eventually(() => received.length >= 4, 5000, 'CONNACK')
  t.equal(received[3], 0, 'connected')
  // PUBLISH QoS 0, remaining length 150,000,000 (varint), then only a few bytes of it.
  socket.write(Buffer.from([0x30, 0x80, 0xbc, 0xc2, 0x47, 0x00, 0x05, 0x61, 0x2f, 0x62, 0x2f, 0x63]))
  await closed
  t.pass('the connection is closed without waiting for 150 MB')

  // A packet within the bound is still served.
  const client = await connectDevice(test.mqttUrl, { username: device.id, password: device.password })
  await client.publishAsync(`devices/${device.id}/telemetry`, JSON.stringify({ temp: 20, pad: 0 }), { qos: 1 })
  await client.endAsync()
  const metrics = await test.platform.app.inject({ method: 'GET', url: '/metrics' })
  t.match(metrics.body, /afterline_mqtt_connections_refused_total\{reason="packet_too_large"\} 1/)
})
