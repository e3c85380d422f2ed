/**
 * Load generator for bench/trace.bench.ts, run as its own process so it does not share the server's
 * event loop: `tsx bench/trace-load.ts <json options>`. Prints one JSON line with the result.
 * Options: { url, paths?: string (file with one path per line), start?: number, connections, durationS }.
 * Paths are taken in turn from `start` (wrapping round), so every path is requested as often as the
 * others, also over several runs that continue where the last one stopped (`next` in the result).
 */
import fs from 'node:fs'
import autocannon from 'autocannon'

const options = JSON.parse(process.argv[2] ?? '{}') as { url: string, paths?: string, start?: number, connections: number, durationS: number }
const paths = options.paths === undefined ? null : fs.readFileSync(options.paths, 'utf8').split('\n').filter((p) => p !== '')
let next = options.start ?? 0

const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.durationS,
  requests: [{
    method: 'GET',
    setupRequest: (request: any) => {
      if (paths !== null) request.path = paths[next++ % paths.length]
      return request
    }
  }]
})
process.stdout.write(JSON.stringify({
  requests: result.requests.total,
  seconds: result.duration,
  req_per_s: result.requests.total / result.duration,
  p50_ms: result.latency.p50,
  p99_ms: result.latency.p99,
  max_ms: result.latency.max,
  non2xx: result.non2xx,
  errors: result.errors,
  timeouts: result.timeouts,
  next,
  // The generator's own CPU (it shares the machine with the server): microseconds per request.
  cpu_us_per_req: Math.round((process.cpuUsage().user + process.cpuUsage().system) / Math.max(1, result.requests.total))
}) + '\n')
