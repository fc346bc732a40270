/**
 * `npx tsx bench/profile.ts [scenario] [framework]`: runs one server under
 * `node --cpu-prof` pinned to core 0, drives it with wrk on core 1 for
 * BENCH_DURATION seconds (default 5), and prints the functions with the most
 * self time. The .cpuprofile lands in bench/.profiles/ (open it in Chrome
 * DevTools → Performance, or speedscope).
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { makeFixtures } from './lib/fixtures.ts'
import { wrk } from './lib/load.ts'
import { fetchOnce, runToEnd, startServer, waitReady, which } from './lib/proc.ts'
import { scenarios } from './lib/suite.ts'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}

const [scenarioId = 'plaintext', framework = 'phial'] = process.argv.slice(2)
const seconds = Number(process.env.BENCH_DURATION ?? 5)
const dir = resolve('bench/.profiles')
mkdirSync(dir, { recursive: true })
const wrkPath = which('wrk')
if (!wrkPath) {
  process.stdout.write('wrk is not installed: apt-get install -y wrk\n')
  process.exit(1)
}
for (const command of [['bin/build-package.mjs', 'build', '--noCheck'], ['node_modules/typescript/bin/tsc', '-p', 'bench/tsconfig.servers.json', '--noCheck']]) {
  const r = await runToEnd([process.execPath, ...command])
  if (r.code !== 0) throw new Error(r.stdout + r.stderr)
}
const fx = makeFixtures(resolve('bench/.fixtures'))
const sc = scenarios(fx).find((s) => s.id === scenarioId)
if (!sc) throw new Error(`no scenario ${scenarioId}`)
const port = 20999
const before = new Set(readdirSync(dir))
const server = startServer(
  ['taskset', '-c', '0', process.execPath, '--cpu-prof', `--cpu-prof-dir=${dir}`, join('bench/.build/servers', `${framework}.js`)],
  { PORT: String(port), BENCH_FIXTURES: fx.dir, BENCH_TEMPLATES: resolve('bench/templates'), NODE_ENV: 'production' },
)
await waitReady(server, port, '/plaintext')
const headers: Record<string, string> = sc.contentType ? { 'content-type': sc.contentType } : {}
if (sc.prepare === 'session-cookie') {
  const first = await fetchOnce(port, 'GET', sc.paths[0]!)
  headers.cookie = (first.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ')
} else if (sc.prepare === 'conditional') {
  const first = await fetchOnce(port, 'GET', sc.paths[0]!)
  if (first.headers.etag) headers['if-none-match'] = first.headers.etag
  else if (first.headers['last-modified']) headers['if-modified-since'] = first.headers['last-modified']
}
const load = wrk(wrkPath, '', resolve('bench/.tmp'))
mkdirSync(resolve('bench/.tmp'), { recursive: true })
const r = await load.run({ port, method: sc.method, paths: sc.paths, headers, bodyFile: sc.bodyFile, seconds, connections: 50 }, '1')
await server.stop()
process.stdout.write(`${framework} ${scenarioId}: ${r.rps.toFixed(0)} req/s under the profiler\n`)
const file = readdirSync(dir).filter((f) => !before.has(f)).sort((a, b) => statSync(join(dir, b)).mtimeMs - statSync(join(dir, a)).mtimeMs)[0]
if (!file) throw new Error('no profile written')
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[] }
const self = new Map<string, number>()
let total = 0
for (const n of profile.nodes) {
  const hits = n.hitCount ?? 0
  total += hits
  const url = n.callFrame.url.replace(/^.*\/(node_modules|bench\/\.build|dist)\//, '$1/')
  const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`
  self.set(key, (self.get(key) ?? 0) + hits)
}
const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 40))
for (const [key, hits] of top) process.stdout.write(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`)
process.stdout.write(`profile: ${join('bench/.profiles', file)}\n`)
