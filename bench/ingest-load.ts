/**
 * Load generator for bench:ingest, run as its own process: raw MQTT 3.1.1 over TCP (every PUBLISH built
 * before the clock starts, PUBACKs read as 4-byte frames), so generating load costs far less than
 * handling it. Each PUBLISH goes in its own write, as a device sends them. Each device keeps `window` QoS 1 PUBLISHes in flight. Reads its
 * job from stdin; prints one JSON line.
 */
import net from 'node:net'
import { createInterface } from 'node:readline'
import mqttPacket from 'mqtt-packet'

interface Job {
  port: number
  devices: Array<{ username: string, password: string, id: string }>
  messages: number
  window: number
  base: number
}

// stdin: the job as one JSON line, then "go" when the parent is ready to measure.
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]()
const job = JSON.parse((await lines.next()).value as string) as Job

function payload (ts: number, n: number): string {
  return `{"ts":${ts},"values":{"temp":${60 + (n % 40)},"rpm":${1500 + n},"pressure":${2 + (n % 7) / 10},"vibration":${(n % 13) / 100}}}`
}

async function connect (device: Job['devices'][number]): Promise<net.Socket> {
  const socket = net.connect(job.port, '127.0.0.1')
  socket.setNoDelay(true)
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject) })
  socket.write(mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: `load-${device.id}`.slice(0, 64), keepalive: 60, username: device.username, password: Buffer.from(device.password) }))
  await new Promise<void>((resolve, reject) => {
    socket.once('data', (data: Buffer) => data[0] === 0x20 && data[3] === 0 ? resolve() : reject(new Error(`CONNACK refused: ${data.toString('hex')}`)))
  })
  return socket
}

/** A device's PUBLISH packets, all of them, one after the other in one buffer, and where each ends. */
function buildPublishes (device: Job['devices'][number]): { packets: Buffer, ends: Uint32Array } {
  const topic = `devices/${device.id}/telemetry`
  const parts: Buffer[] = []
  const ends = new Uint32Array(job.messages)
  let at = 0
  for (let n = 0; n < job.messages; n++) {
    const packet = mqttPacket.generate({ cmd: 'publish', topic, payload: payload(job.base + n, n), qos: 1, messageId: (n % 65535) + 1, retain: false, dup: false })
    parts.push(packet)
    at += packet.length
    ends[n] = at
  }
  return { packets: Buffer.concat(parts), ends }
}

async function drive (socket: net.Socket, publishes: { packets: Buffer, ends: Uint32Array }): Promise<void> {
  const { packets, ends } = publishes
  let sent = 0
  let acked = 0
  let pending: Buffer = Buffer.alloc(0)
  /** Send PUBLISHes up to number `upTo` (exclusive), each in its own write as a device would. */
  const sendUpTo = (upTo: number): void => {
    for (; sent < upTo; sent++) socket.write(packets.subarray(sent === 0 ? 0 : ends[sent - 1], ends[sent]))
  }
  await new Promise<void>((resolve, reject) => {
    socket.on('data', (data: Buffer) => {
      pending = pending.length === 0 ? data : Buffer.concat([pending, data])
      let offset = 0
      let released = 0
      while (pending.length - offset >= 4) {
        if (pending[offset] !== 0x40) { reject(new Error(`unexpected packet 0x${pending[offset]?.toString(16)}`)); return }
        offset += 4
        acked++
        released++
      }
      pending = pending.subarray(offset)
      sendUpTo(Math.min(job.messages, sent + released))
      if (acked === job.messages) resolve()
    })
    socket.once('close', () => { if (acked < job.messages) reject(new Error(`connection closed after ${acked} acks`)) })
    sendUpTo(Math.min(job.window, job.messages))
  })
}

const sockets = await Promise.all(job.devices.map(connect))
const publishes = job.devices.map(buildPublishes)
process.stdout.write('connected\n')
await lines.next()
const started = process.hrtime.bigint()
await Promise.all(sockets.map((socket, i) => drive(socket, publishes[i] as { packets: Buffer, ends: Uint32Array })))
const seconds = Number(process.hrtime.bigint() - started) / 1e9
for (const socket of sockets) socket.end()
process.stdout.write(JSON.stringify({ seconds, messages: job.devices.length * job.messages }) + '\n')
