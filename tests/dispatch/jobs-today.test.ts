import t from 'tap'
import { createEngineerRepository } from '../../dispatch/engineers/engineer.repository.js'
import { forEachDriver } from '../helpers/database.js'
import { startTestPlatform } from '../helpers/platform.js'
import { addEngineer, createClock, near, openOrder } from './fixtures.js'

// The workload factor counts each engineer's jobs since their local midnight. The pool reloads that
// count from the timeline at start and every auto-dispatch retry, so the count read there must be the
// jobs the timeline records: orders assigned to them, less those they handed back.

forEachDriver(t, 'jobs today count assignments kept, not ones rejected or taken back, and start again at midnight', async (t, driver) => {
  const clock = createClock()
  const test = await startTestPlatform(driver, { now: clock.now })
  t.teardown(() => test.close())
  const supervisor = await test.tokenFor('supervisor')
  const agent = await test.tokenFor('agent')
  const wang = await addEngineer(test, supervisor, { name: 'Wang Wei', at: near(1, 0) })
  const li = await addEngineer(test, supervisor, { name: 'Li Na', at: near(2, 0) })
  const zhao = await addEngineer(test, supervisor, { name: 'Zhao Lei', at: near(3, 0) })
  const repository = createEngineerRepository(test.platform.db)
  const step = async (order: { id: string }, action: string, token: string, body: unknown = {}): Promise<void> => {
    const response = await test.request('POST', `/api/work-orders/${order.id}/${action}`, { token, body })
    t.equal(response.status, 200, `${action}: ${response.text}`)
  }

  // Wang does a job; Li is offered one and rejects it; Zhao's is taken back by the supervisor.
  const done = await openOrder(test, agent, {})
  await step(done, 'assign', supervisor, { engineerId: wang.id })
  for (const action of ['accept', 'depart', 'arrive']) { clock.advanceMinutes(10); await step(done, action, wang.token) }
  clock.advanceMinutes(30)
  await step(done, 'complete', wang.token, { notes: 'replaced the start capacitor' })
  const refused = await openOrder(test, agent, {})
  await step(refused, 'assign', supervisor, { engineerId: li.id })
  await step(refused, 'reject', li.token, { reason: 'not my area' })
  const handedBack = await openOrder(test, agent, {})
  await step(handedBack, 'assign', supervisor, { engineerId: zhao.id })
  await step(handedBack, 'unassign', supervisor, { reason: 'customer rescheduled' })

  t.same(Object.fromEntries(await repository.countJobsToday(new Date(clock.now()))), { [wang.id]: 1 })
  const loaded = new Map((await repository.loadAll(new Date(clock.now()))).map(({ engineer, jobsToday }) => [engineer.id, jobsToday]))
  t.same([loaded.get(wang.id), loaded.get(li.id), loaded.get(zhao.id)], [1, 0, 0], 'as the pool loads them at start')

  // What a supervisor sees: Wang's one job is in his score's reasons beside the others' none.
  const next = await openOrder(test, agent, {})
  const candidates = await test.request('GET', `/api/work-orders/${next.id}/candidates`, { token: supervisor })
  const workload = Object.fromEntries(candidates.body.candidates.map((c: any) => [c.engineerId, c.reasons.find((r: any) => r.factor === 'workload')?.detail]))
  t.same(workload, { [wang.id]: '1 job today', [li.id]: '0 jobs today', [zhao.id]: '0 jobs today' })

  // Shanghai's next day: no job yet.
  clock.advanceMinutes(24 * 60)
  t.same(Object.fromEntries(await repository.countJobsToday(new Date(clock.now()))), {})
})
