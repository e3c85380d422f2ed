/**
 * Load generator for bench/trace.bench.ts, run as its own process so it does not share the server's
 * event loop: `tsx bench/trace-load.ts <json options>`. Prints one JSON line with the result.
 * Options: { url, paths?: string (file with one path per line, picked at random per request), connections, durationS }
 */
import fs from 'node:fs'
import autocannon from 'autocannon'

const options = JSON.parse(process.argv[2] ?? '{}') as { url: string, paths?: string, connections: number, durationS: number }
const paths = options.paths === undefined ? null : fs.readFileSync(options.paths, 'utf8').split('\n').filter((p) => p !== '')
let state = 0x2545f491
const nextIndex = (n: number): number => {
  // xorshift32: deterministic and cheap, so the generator costs little next to the requests.
  state ^= state << 13; state ^= state >>> 17; state ^= state << 5
  return (state >>> 0) % n
}

const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.durationS,
  requests: [{
    method: 'GET',
    setupRequest: (request: any) => {
      if (paths !== null) request.path = paths[nextIndex(paths.length)]
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
  // The generator's own CPU (it shares the machine with the server): microseconds per request.
  cpu_us_per_req: Math.round((process.cpuUsage().user + process.cpuUsage().system) / Math.max(1, result.requests.total))
}) + '\n')
