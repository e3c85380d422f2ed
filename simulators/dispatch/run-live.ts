/**
 * `npm run sim:dispatch -- --url http://localhost:3000 --admin-password … [--engineers 20] [--order-every 20] [--speedup 10] [--minutes 30]`
 * Plays engineers and customers against a running platform (see live-driver.ts). Stop with Ctrl-C.
 */
import { parseArgs } from 'node:util'
import { createLiveDriver } from './live-driver.js'

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://localhost:3000' },
    'admin-password': { type: 'string' },
    engineers: { type: 'string', default: '20' },
    'order-every': { type: 'string', default: '20' },
    speedup: { type: 'string', default: '10' },
    minutes: { type: 'string', default: '0' },
    seed: { type: 'string', default: '7' }
  }
})
if (values['admin-password'] === undefined) {
  process.stderr.write('sim:dispatch: --admin-password is required (the password of the user admin)\n')
  process.exit(1)
}
const driver = createLiveDriver({
  baseUrl: values.url,
  adminPassword: values['admin-password'],
  engineers: Number(values.engineers),
  orderEverySeconds: Number(values['order-every']),
  speedup: Number(values.speedup),
  seed: Number(values.seed),
  log: (line) => process.stdout.write(`${line}\n`)
})
await driver.setup()
driver.start()
process.stdout.write(`running; open ${values.url}/dispatch/console.html\n`)
const finish = async (): Promise<void> => {
  const stats = await driver.stop()
  process.stdout.write(`${JSON.stringify({ ...stats, errors: stats.errors.slice(0, 10) })}\n`)
  process.exit(0)
}
process.on('SIGINT', () => { void finish() })
if (Number(values.minutes) > 0) setTimeout(() => { void finish() }, Number(values.minutes) * 60_000)
