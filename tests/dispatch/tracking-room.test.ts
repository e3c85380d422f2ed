import { io } from 'socket.io-client'
import type { Socket } from 'socket.io-client'
import t from 'tap'
import { createDispatchAudiences } from '../../dispatch/audiences.js'
import { toTrackingEvent } from '../../dispatch/tracking/tracking-event.js'
import type { WorkOrderEvent } from '../../dispatch/index.js'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import type { TestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, near, openOrder } from './fixtures.js'

const AT = new Date('2026-11-23T03:00:00.000Z')
const FULL_EVENT = {
  workOrderId: 'order-1', number: 7, trackingToken: 'TOKEN', status: 'completed', priority: 'high', source: 'alert',
  engineerId: 'engineer-1', engineerUserId: 'user-1', stationId: 'station-1', at: AT,
  deviceId: 'device-1', completedAt: AT, notes: 'customer was rude', partsUsed: ['https://id.example/01/09506000134352/21/X'],
  rejectedEngineerId: 'engineer-0', rejectedEngineerUserId: 'user-0', from: 'on_site', previousEngineerUserId: 'user-0', auto: true
}

/** The public step each event shows for FULL_EVENT (a status change shows its status). */
const STEP: Record<string, string> = {
  'workorder.created': 'created', 'workorder.assigned': 'assigned', 'workorder.accepted': 'accepted', 'workorder.rejected': 'reassigning',
  'workorder.status_changed': 'completed', 'workorder.completed': 'completed'
}

t.test('every work order event reaches the public tracking room only as the public projection', async (t) => {
  const audiences = createDispatchAudiences(() => 'org-1', (name, payload) => toTrackingEvent(name, payload, () => 'Wang'))
  const names = Object.keys(audiences).filter((name) => name.startsWith('workorder.'))
  t.same(names.sort(), ['workorder.accepted', 'workorder.assigned', 'workorder.completed', 'workorder.created', 'workorder.rejected', 'workorder.routed', 'workorder.status_changed'])
  for (const name of names) {
    const targets = audiences[name as keyof typeof audiences]!(FULL_EVENT)
    t.same(targets.filter((target) => typeof target === 'string' && target.startsWith('track:')), [], `${name}: no raw copy to a public room`)
    const projected = targets.filter((target) => typeof target !== 'string')
    if (name === 'workorder.routed') {
      // Handing an order to a station changes nothing the customer sees: no public copy at all.
      t.same(projected, [], `${name}: nothing for the tracking room`)
      t.same(audiences['workorder.routed']!({ ...FULL_EVENT, previousStationId: 'station-0' }), ['role:admin', 'role:supervisor', 'role:agent', 'org:org-1'],
        `${name}: the desk and the stations' organisation`)
      continue
    }
    t.same(projected.map((target) => target.room), ['track:TOKEN'])
    t.same(projected[0]!.payload(FULL_EVENT), { number: 7, status: 'completed', event: STEP[name], at: AT, engineer: { firstName: 'Wang' } }, name)
    t.ok(targets.includes('role:supervisor') && targets.includes('user:user-1') && targets.includes('org:org-1'), `${name}: staff rooms unchanged`)
  }
  const byStation = createDispatchAudiences((stationId) => stationId === null ? null : `org-of-${stationId}`, () => null,
    (engineerId) => engineerId === 'engineer-1' ? 'station-9' : null)
  t.same(byStation['workorder.assigned']!({ ...FULL_EVENT, stationId: null }).filter((target) => typeof target === 'string' && target.startsWith('org:')), ['org:org-of-station-9'],
    'an order not routed to a station reaches the staff of the station whose engineer holds it')
  t.same(byStation['sla.at_risk']!({ ...FULL_EVENT, stationId: null }).filter((target) => typeof target === 'string' && target.startsWith('org:')), ['org:org-of-station-9'])
  t.same(toTrackingEvent('workorder.status_changed', { ...FULL_EVENT, status: 'new', engineerId: null } as WorkOrderEvent, () => 'Wang'),
    { number: 7, status: 'new', event: 'reassigning', at: AT, engineer: null }, 'unassigned: no engineer')
})

function connect (test: TestPlatform, options: { query?: Record<string, string>, auth?: Record<string, string> }): Promise<Socket> {
  const socket = io(test.httpUrl, { transports: ['websocket'], reconnection: false, ...options })
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket))
    socket.once('connect_error', reject)
  })
}

/** The tracking room is joined after an asynchronous look-up: repeat the order's creation notice until it arrives. */
async function untilJoined (test: TestPlatform, socket: Socket, order: any): Promise<void> {
  const notice = test.platform.dispatch.workOrders.toEvent(await test.platform.dispatch.workOrders.get(order.id))
  let joined = false
  socket.once('workorder.created', () => { joined = true })
  for (let tries = 0; !joined; tries++) {
    if (tries === 200) throw new Error('never joined the tracking room')
    test.platform.bus.publish('workorder.created', notice)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

async function until (condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; !condition(); tries++) {
    if (tries === 400) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

forEachDriver(t, 'a public tracking client over socket.io receives what GET /api/track shows, and no ids, part codes or notes', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now })
  const sockets: Socket[] = []
  t.teardown(async () => {
    for (const socket of sockets) socket.disconnect()
    await test.close()
  })
  const supervisor = await test.tokenFor('supervisor')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) })
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(2, 0) })
  const order = await openOrder(test, supervisor, { customer: { name: 'Acme Cold Chain', phone: '+86 21 5555 0101' } })

  const customer = await connect(test, { query: { track: order.trackingToken } })
  const desk = await connect(test, { auth: { token: supervisor } })
  sockets.push(customer, desk)
  await untilJoined(test, customer, order)
  const seen: Array<[string, any]> = []
  const deskSeen: Array<[string, any]> = []
  customer.onAny((name: string, payload: unknown) => { seen.push([name, payload]) })
  desk.onAny((name: string, payload: unknown) => { if (name.startsWith('workorder.')) deskSeen.push([name, payload]) })

  const step = async (name: string, token: string, body: unknown = {}): Promise<void> => {
    clock.advanceMinutes(1)
    const response = await test.request('POST', `/api/work-orders/${order.id}/${name}`, { token, body })
    if (response.status !== 200) throw new Error(`${name}: ${response.text}`)
  }
  await step('assign', supervisor, { engineerId: wang.id })
  await step('accept', wang.token)
  await step('reject', wang.token, { reason: 'van broke down' })
  await step('assign', supervisor, { engineerId: li.id })
  for (const name of ['accept', 'depart', 'arrive']) await step(name, li.token)
  const code = 'https://id.afterline.example/01/09506000134352/21/Xk3vQ9mW2rT7pL1a'
  await step('complete', li.token, { notes: 'replaced start capacitor', partsUsed: [code] })
  await until(() => seen.length === 8 && deskSeen.length === 8, 'eight events on each socket')

  const view = (await test.request('GET', `/api/track/${order.trackingToken}`)).body
  t.same(seen.map(([, payload]) => ({ at: payload.at, event: payload.event, status: payload.status })), view.timeline.slice(1),
    'each live message is the timeline entry the tracking view shows')
  const engineerOf = ['Wang', 'Wang', null, 'Li', 'Li', 'Li', 'Li', 'Li']
  t.same(seen.map(([name, payload]) => [name, payload]), seen.map(([name, payload], i) => [name, {
    number: order.number, status: payload.status, event: payload.event, at: payload.at,
    engineer: engineerOf[i] === null ? null : { firstName: engineerOf[i] }
  }]), 'number, status, step, time and first name, nothing more')
  t.same(seen.map(([name]) => name), ['workorder.assigned', 'workorder.accepted', 'workorder.rejected', 'workorder.assigned', 'workorder.accepted',
    'workorder.status_changed', 'workorder.status_changed', 'workorder.completed'])
  const text = JSON.stringify(seen)
  for (const secret of [wang.id, wang.userId, li.id, li.userId, order.id, code, 'capacitor', 'Wang Wei', 'Acme', '5555']) {
    t.notOk(text.includes(secret), `the public room never carries ${secret}`)
  }
  t.match(deskSeen[2], ['workorder.rejected', { rejectedEngineerId: wang.id, workOrderId: order.id }], 'the desk still gets the full event')
  t.match(deskSeen[7], ['workorder.completed', { partsUsed: [code], notes: 'replaced start capacitor', engineerId: li.id }])
})
