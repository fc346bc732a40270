/**
 * The fallback load generator: runs autocannon with a {@link LoadSpec} given
 * as JSON on the command line and prints one `BENCH_RESULT` line. Started by
 * bench/lib/load.ts on the load core.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { LoadResult, LoadSpec } from './load.ts'

interface AutocannonResult {
  requests: { total: number }
  latency: { p50: number; p99: number }
  duration: number
  errors: number
  timeouts: number
  non2xx: number
  '2xx': number
  '3xx'?: number
}

type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon
const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec
const body = spec.bodyFile ? readFileSync(spec.bodyFile) : undefined
const result = await autocannon({
  url: `http://127.0.0.1:${spec.port}`,
  connections: spec.connections,
  duration: spec.seconds,
  timeout: 10,
  requests: spec.paths.map((path) => ({ method: spec.method, path, headers: spec.headers, body })),
})
const out: LoadResult = {
  requests: result.requests.total,
  seconds: result.duration,
  rps: result.requests.total / result.duration,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.timeouts,
  // autocannon counts 3xx as non-2xx; a 304 scenario is not an error
  non2xx: result.non2xx - (result['3xx'] ?? 0),
}
process.stdout.write(`BENCH_RESULT ${JSON.stringify(out)}\n`)
