/**
 * A cached view against the same view uncached (req/s): one page rendered
 * from a 200-row template, served by bench/caching-server.ts with the
 * in-process backend and with Redis, interleaved round by round; medians and
 * the speed-up are reported.
 *
 *   tsx --conditions=source bench/caching.ts [--seconds=10] [--rounds=3] [--connections=50] [--out=FILE]
 *
 * REDIS_URL (default redis://127.0.0.1:6379); the Redis rows are skipped when
 * it does not answer. Uses wrk when installed, else autocannon
 * (bench/node_modules: `npm run bench` installs it). Not a test: run it on a
 * quiet machine.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { spawnSync } from 'node:child_process'
import { autocannon, wrk, type LoadGenerator, type LoadResult } from './lib/load.ts'
import { startServer, waitReady, which } from './lib/proc.ts'

const arg = (name: string, fallback: number | string): string => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit ? hit.slice(name.length + 3) : String(fallback)
}
const SECONDS = Number(arg('seconds', 10))
const ROUNDS = Number(arg('rounds', 3))
const CONNECTIONS = Number(arg('connections', 50))
const OUT = arg('out', '')
const REDIS = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')

function redisUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: REDIS.hostname, port: Number(REDIS.port || 6379) })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(500, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')))
  })
}

function loadGenerator(): LoadGenerator {
  const path = which('wrk')
  if (path) {
    const v = spawnSync(path, ['-v'], { encoding: 'utf8' })
    return wrk(path, (v.stdout + v.stderr).match(/wrk (\S+)/)?.[1] ?? '?', '/tmp')
  }
  const version = (JSON.parse(readFileSync('bench/node_modules/autocannon/package.json', 'utf8')) as { version: string }).version
  return autocannon(version)
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const load = loadGenerator()
const backends = ['simple', ...((await redisUp()) ? ['redis'] : [])]
const variants = backends.flatMap((backend) => [
  { id: `${backend} uncached`, backend, path: '/uncached' },
  { id: `${backend} cached`, backend, path: '/cached' },
])
const samples = new Map<string, LoadResult[]>(variants.map((v) => [v.id, []]))
let port = 18_400

for (let round = 1; round <= ROUNDS; round++) {
  for (const v of variants) {
    const p = port++
    const server = startServer([process.execPath, '--conditions=source', '--import', 'tsx', 'bench/caching-server.ts'], { PORT: String(p), CACHE_TYPE: v.backend })
    try {
      await waitReady(server, p, '/plaintext')
      await load.run({ port: p, method: 'GET', paths: [v.path], headers: {}, seconds: 2, connections: CONNECTIONS }, null)
      const r = await load.run({ port: p, method: 'GET', paths: [v.path], headers: {}, seconds: SECONDS, connections: CONNECTIONS }, null)
      samples.get(v.id)!.push(r)
      console.log(`round ${round} ${v.id.padEnd(18)} ${r.rps.toFixed(0).padStart(8)} req/s  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors + r.non2xx}`)
    } finally {
      await server.stop()
    }
  }
}

const lines = ['| backend | uncached req/s | cached req/s | speed-up | p99 cached (ms) |', '| --- | --- | --- | --- | --- |']
for (const backend of backends) {
  const un = median(samples.get(`${backend} uncached`)!.map((r) => r.rps))
  const ca = median(samples.get(`${backend} cached`)!.map((r) => r.rps))
  const p99 = median(samples.get(`${backend} cached`)!.map((r) => r.p99))
  lines.push(`| ${backend} | ${un.toFixed(0)} | ${ca.toFixed(0)} | ${(ca / un).toFixed(2)}× | ${p99.toFixed(1)} |`)
}
const report = `## cached() vs uncached view\n\n${load.name} ${load.version}, ${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} rounds (medians), Node ${process.version}\n\n${lines.join('\n')}\n`
console.log(`\n${report}`)
if (OUT) writeFileSync(OUT, report)
