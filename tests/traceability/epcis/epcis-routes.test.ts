import t from 'tap'
import type { Role } from '../../../core/auth/roles.js'
import { createUserService } from '../../../core/auth/users.service.js'
import { createSilentLogger } from '../../../core/logger.js'
import { createEpcisRoutes } from '../../../traceability/epcis/index.js'
import { createHttpApp } from '../../../web/app.js'
import { forEachDriver } from '../../helpers/database.js'
import { TEST_PASSWORD_COST } from '../../helpers/platform.js'
import type { DriverName } from '../../../core/db/database.js'
import { loadFixture, startEpcis } from './epcis-helpers.js'

const NOW = Date.parse('2026-03-10T00:00:00Z')

/** The EPCIS routes in the platform's HTTP app, with users of each role to call them. */
async function startEpcisHttp (driver: DriverName) {
  const epcis = await startEpcis(driver, NOW)
  const users = await createUserService({ db: epcis.database.db, secret: 'epcis-route-tests', tokenTtlSeconds: 3600, now: () => epcis.clock.now, passwordCost: TEST_PASSWORD_COST })
  const app = await createHttpApp({
    logger: createSilentLogger(),
    routes: createEpcisRoutes(epcis.service, { now: () => epcis.clock.now }),
    authenticate: async (token) => await users.authenticate(token)
  })
  const tokens = new Map<string, string>()
  const tokenFor = async (role: Role, orgId: string | null = null): Promise<string> => {
    const username = `${role}-${orgId ?? 'none'}`
    const known = tokens.get(username)
    if (known !== undefined) return known
    await users.create({ username, password: `password-${username}`, role, orgId })
    const { token } = await users.login(username, `password-${username}`)
    tokens.set(username, token)
    return token
  }
  const call = async (method: 'GET' | 'POST', url: string, options: { token?: string, body?: unknown, contentType?: string, accept?: string } = {}) => {
    const response = await app.inject({
      method,
      url,
      headers: {
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
        ...(options.body === undefined ? {} : { 'content-type': options.contentType ?? 'application/ld+json' }),
        ...(options.accept === undefined ? {} : { accept: options.accept })
      },
      ...(options.body === undefined ? {} : { payload: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) })
    })
    return { status: response.statusCode, headers: response.headers, body: response.body === '' ? null : JSON.parse(response.body) }
  }
  return {
    epcis,
    call,
    tokenFor,
    async close () {
      await app.close()
      await epcis.close()
    }
  }
}

forEachDriver(t, 'POST /epcis/capture answers 201 with counts and a capture job; again, nothing changes', async (t, driver) => {
  const http = await startEpcisHttp(driver)
  t.teardown(() => http.close())
  const partner = await http.tokenFor('org_staff', 'dealer-1')
  const first = await http.call('POST', '/epcis/capture', { token: partner, body: loadFixture('sensor-data.jsonld') })
  t.equal(first.status, 201)
  t.same(first.body, {
    captureID: first.body.captureID,
    captured: 2,
    duplicates: 0,
    eventIDs: ['urn:uuid:9a0b1c2d-3e4f-4a5b-8c6d-000000000051', 'urn:uuid:9a0b1c2d-3e4f-4a5b-8c6d-000000000052']
  })
  t.equal(first.headers.location, `/epcis/capture/${first.body.captureID as string}`)
  t.same([first.headers['gs1-epcis-version'], first.headers['gs1-cbv-version']], ['2.0.0', '2.0.0'])

  const again = await http.call('POST', '/epcis/capture', { token: partner, body: loadFixture('sensor-data.jsonld'), contentType: 'application/json' })
  t.same([again.status, again.body.captured, again.body.duplicates], [201, 0, 2])

  const job = await http.call('GET', first.headers.location as string, { token: partner })
  t.same(job.body, {
    captureID: first.body.captureID,
    createdAt: '2026-03-10T00:00:00.000Z',
    finishedAt: '2026-03-10T00:00:00.000Z',
    running: false,
    success: true,
    captureErrorBehaviour: 'rollback',
    errors: [],
    eventCount: 2,
    captured: 2,
    duplicates: 0,
    eventIDs: first.body.eventIDs
  })
  const otherDealer = await http.tokenFor('org_staff', 'dealer-2')
  t.equal((await http.call('GET', first.headers.location as string, { token: otherDealer })).status, 404)
})

forEachDriver(t, 'an invalid document is answered 400 with RFC 7807 problem details naming event and field', async (t, driver) => {
  const http = await startEpcisHttp(driver)
  t.teardown(() => http.close())
  const brand = await http.tokenFor('brand')
  const document = loadFixture('object-events.jsonld')
  document.epcisBody.eventList[2].bizStep = 'boxing'
  const refused = await http.call('POST', '/epcis/capture', { token: brand, body: document })
  t.equal(refused.status, 400)
  t.match(refused.headers['content-type'], /^application\/problem\+json/)
  const detail = 'EPCIS document refused: event 2 (urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003): /epcisBody/eventList/2/bizStep ' +
    '"boxing" is not a CBV 2.0 bizStep value; use a standard term (accepting, arriving, assembling, collecting, commissioning, consigning, …) or a URI of your own vocabulary'
  t.same(refused.body, {
    type: 'epcisException:ValidationException',
    title: 'The EPCIS document is not valid',
    status: 400,
    detail,
    instance: '/epcis/capture',
    statusCode: 400,
    code: 'TRC_EPCIS_INVALID',
    error: 'Bad Request',
    message: detail,
    field: '/epcisBody/eventList/2/bizStep',
    eventIndex: 2,
    eventID: 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003',
    problems: [{
      pointer: '/epcisBody/eventList/2/bizStep',
      message: '"boxing" is not a CBV 2.0 bizStep value; use a standard term (accepting, arriving, assembling, collecting, commissioning, consigning, …) or a URI of your own vocabulary',
      eventIndex: 2,
      eventID: 'urn:uuid:6f1c2a4e-1b7d-4c3a-9f10-000000000003'
    }]
  })
  t.same((await http.epcis.service.query({})).events, [], 'all or nothing: no event of the document was stored')

  const notADocument = await http.call('POST', '/epcis/capture', { token: brand, body: [1, 2] })
  t.same([notADocument.status, notADocument.body.type, notADocument.body.field], [400, 'epcisException:ValidationException', ''])

  const huge = loadFixture('transaction-event.jsonld')
  huge.epcisBody.eventList = Array.from({ length: 10_001 }, () => huge.epcisBody.eventList[0])
  const tooLarge = await http.call('POST', '/epcis/capture', { token: brand, body: huge })
  t.same([tooLarge.status, tooLarge.body.type, tooLarge.headers['gs1-capture-limit']], [413, 'epcisException:CaptureLimitExceededException', '10000'])
})

forEachDriver(t, 'GET /epcis/events returns an EPCISQueryDocument, paged with a Link to the next page', async (t, driver) => {
  const http = await startEpcisHttp(driver)
  t.teardown(() => http.close())
  const brand = await http.tokenFor('brand')
  for (const name of ['object-events.jsonld', 'digital-link.jsonld', 'aggregation-events.jsonld']) {
    t.equal((await http.call('POST', '/epcis/capture', { token: brand, body: loadFixture(name) })).status, 201)
  }
  const url = '/epcis/events?MATCH_epc=urn:epc:id:sgtin:6901234.012345.A1001&perPage=2'
  const page1 = await http.call('GET', url, { token: brand })
  t.equal(page1.status, 200)
  t.match(page1.headers['content-type'], /^application\/json/)
  const firstEvent = { ...loadFixture('object-events.jsonld').epcisBody.eventList[0], recordTime: '2026-03-10T00:00:00.000Z' }
  firstEvent['@context'] = [{ afl: 'https://afterline.example/epcis/' }]
  t.same(page1.body, {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate: '2026-03-10T00:00:00.000Z',
    epcisBody: {
      queryResults: {
        queryName: 'SimpleEventQuery',
        resultsBody: { eventList: [firstEvent, page1.body.epcisBody.queryResults.resultsBody.eventList[1]] }
      }
    }
  })
  const link = /^<([^>]+)>; rel="next"$/.exec(page1.headers.link as string)?.[1] as string
  t.match(link, /^\/epcis\/events\?MATCH_epc=urn%3Aepc%3Aid%3Asgtin%3A6901234\.012345\.A1001&perPage=2&nextPageToken=/)
  const pages = [page1.body.epcisBody.queryResults.resultsBody.eventList.map((e: any) => e.eventID)]
  let next: string | undefined = link
  while (next !== undefined) {
    const page = await http.call('GET', next, { token: brand, accept: 'application/ld+json' })
    t.match(page.headers['content-type'], /^application\/ld\+json/)
    pages.push(page.body.epcisBody.queryResults.resultsBody.eventList.map((e: any) => e.eventID))
    next = /^<([^>]+)>; rel="next"$/.exec((page.headers.link as string | undefined) ?? '')?.[1]
  }
  t.same(pages.slice(1).map((ids: string[]) => ids.map((id) => id.slice(-2))), [['03', '61'], ['11']])

  const since = await http.call('GET', '/epcis/events?GE_eventTime=2026-03-05T00:00:00+08:00&EQ_bizStep=unpacking|retail_selling&eventType=AggregationEvent', { token: brand })
  t.same(since.body.epcisBody.queryResults.resultsBody.eventList.map((e: any) => e.eventID), ['urn:uuid:0c9d3a55-4b2e-4f7a-8e21-000000000012'])
  const badStep = await http.call('GET', '/epcis/events?EQ_bizStep=boxing', { token: brand })
  t.same([badStep.status, badStep.body.type, badStep.body.field], [400, 'epcisException:QueryParameterException', 'query.EQ_bizStep'])
  const unknownParameter = await http.call('GET', '/epcis/events?EQ_colour=red', { token: brand })
  t.same([unknownParameter.status, unknownParameter.body.code, unknownParameter.body.field], [400, 'WEB_VALIDATION', 'query.EQ_colour'])
})

forEachDriver(t, 'GET /epcis/events/{eventID} takes the eventID percent-encoded, a CBV hash ID too', async (t, driver) => {
  const http = await startEpcisHttp(driver)
  t.teardown(() => http.close())
  const dealer = await http.tokenFor('org_staff', 'dealer-1')
  const captured = await http.call('POST', '/epcis/capture', { token: dealer, body: loadFixture('without-event-ids.jsonld') })
  const hashId = captured.body.eventIDs[1] as string
  const byHash = await http.call('GET', `/epcis/events/${encodeURIComponent(hashId)}`, { token: dealer })
  t.equal(byHash.status, 200)
  t.same(byHash.body, {
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    ...loadFixture('without-event-ids.jsonld').epcisBody.eventList[1],
    eventID: hashId,
    recordTime: '2026-03-10T00:00:00.000Z'
  })
  const missing = await http.call('GET', `/epcis/events/${encodeURIComponent('urn:uuid:00000000-0000-4000-8000-000000000000')}`, { token: dealer })
  t.same([missing.status, missing.body.type, missing.body.code], [404, 'epcisException:NoSuchResourceException', 'TRC_EPCIS_EVENT_NOT_FOUND'])
  const otherDealer = await http.tokenFor('org_staff', 'dealer-2')
  t.equal((await http.call('GET', `/epcis/events/${encodeURIComponent(hashId)}`, { token: otherDealer })).status, 404, 'another organisation\'s event is not visible')
  t.equal((await http.call('GET', `/epcis/events/${encodeURIComponent(hashId)}`, { token: await http.tokenFor('brand') })).status, 200)
})

forEachDriver(t, 'capture is for org_staff, brand and admin; queries for brand, org_staff and admin', async (t, driver) => {
  const http = await startEpcisHttp(driver)
  t.teardown(() => http.close())
  const document = loadFixture('transaction-event.jsonld')
  const statuses: Record<string, number[]> = {}
  for (const role of ['engineer', 'supervisor', 'agent', 'brand', 'org_staff', 'admin'] as const) {
    const token = await http.tokenFor(role, role === 'org_staff' ? 'dealer-1' : null)
    statuses[role] = [
      (await http.call('POST', '/epcis/capture', { token, body: document })).status,
      (await http.call('GET', '/epcis/events', { token })).status
    ]
  }
  statuses.anonymous = [(await http.call('POST', '/epcis/capture', { body: document })).status, (await http.call('GET', '/epcis/events')).status]
  t.same(statuses, {
    engineer: [403, 403],
    supervisor: [403, 403],
    agent: [403, 403],
    brand: [201, 200],
    org_staff: [201, 200],
    admin: [201, 200],
    anonymous: [401, 401]
  })
})

forEachDriver(t, 'a capture body that is not JSON is answered 400 with RFC 7807 problem details, like other EPCIS refusals', async (t, driver) => {
  const http = await startEpcisHttp(driver)
  t.teardown(() => http.close())
  const brand = await http.tokenFor('brand')
  for (const contentType of ['application/ld+json', 'application/json']) {
    const malformed = await http.call('POST', '/epcis/capture', { token: brand, body: '{"type": "EPCISDocument", "epcisBody": ', contentType })
    t.equal(malformed.status, 400)
    t.match(malformed.headers['content-type'], /^application\/problem\+json/, contentType)
    t.match(malformed.body, {
      type: 'about:blank', title: 'Bad Request', status: 400, detail: /^request body is not valid JSON: /, instance: '/epcis/capture',
      statusCode: 400, code: 'WEB_BODY_INVALID', error: 'Bad Request', message: /^request body is not valid JSON: /, field: 'body'
    })
  }
  const empty = await http.call('POST', '/epcis/capture', { token: brand, body: '' })
  t.same([empty.status, empty.headers['content-type'], empty.body.code, empty.body.detail], [400, 'application/problem+json; charset=utf-8', 'WEB_BODY_INVALID', 'request body is not valid JSON: body is empty'])
  t.same((await http.epcis.service.query({})).events, [], 'nothing was stored')
})
