/**
 * phial/rest against Fastify with its JSON schemas (ajv + fast-json-stringify),
 * req/s: a validated JSON POST (201 with the created todo, filtered by its
 * response schema) and a marshalled GET (an internal field dropped by the
 * response schema). Peers are interleaved round by round; medians and the
 * Phial/Fastify ratio are reported. Target: ≥ 1.0× Fastify.
 *
 *   npx tsx --conditions=source bench/rest.ts [--check] [--seconds=10] [--rounds=3] [--connections=50] [--out=bench/REST-RESULTS.md]
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
import { fetchOnce, startServer, waitReady, which } from './lib/proc.ts'

const arg = (name: string, fallback: number | string): string => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit ? hit.slice(name.length + 3) : String(fallback)
}
const SECONDS = Number(arg('seconds', 10))
const ROUNDS = Number(arg('rounds', 3))
const CONNECTIONS = Number(arg('connections', 50))
const OUT = arg('out', 'bench/REST-RESULTS.md')
const CHECK = process.argv.includes('--check')
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
const peers = ['phial', 'fastify'] as const

if (CHECK) {
  // the same answers from both peers: 201 with the todo (no unknown field), a 4xx for a bad body, the GET without the internal field
  const answers = new Map<string, string>()
  let p = 18_590
  for (const peer of peers) {
    const server = startServer([process.execPath, '--conditions=source', '--import', 'tsx', 'bench/rest-server.ts'], { PORT: String(++p), PEER: peer })
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

const load = loadGenerator()
const samples = new Map<string, LoadResult[]>()
let port = 18_600

try {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const scenario of scenarios) {
      for (const peer of round % 2 === 1 ? peers : [...peers].reverse()) {
        const p = port++
        const server = startServer([process.execPath, '--conditions=source', '--import', 'tsx', 'bench/rest-server.ts'], { PORT: String(p), PEER: peer })
        try {
          await waitReady(server, p, '/plaintext')
          const spec = { port: p, method: scenario.method, paths: scenario.paths, headers: scenario.headers, bodyFile: 'bodyFile' in scenario ? scenario.bodyFile : undefined, connections: CONNECTIONS }
          await load.run({ ...spec, seconds: 2 }, null)
          const r = await load.run({ ...spec, seconds: SECONDS }, null)
          const key = `${scenario.id}|${peer}`
          samples.set(key, [...(samples.get(key) ?? []), r])
          console.log(`round ${round} ${scenario.id.padEnd(15)} ${peer.padEnd(8)} ${r.rps.toFixed(0).padStart(8)} req/s  p99 ${r.p99.toFixed(1)} ms  errors ${r.errors + r.non2xx}`)
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
  `${load.name} ${load.version}, ${CONNECTIONS} connections, ${SECONDS} s x ${ROUNDS} rounds, Node ${process.version}`,
  '',
  '| scenario | Phial req/s | Fastify req/s | Phial / Fastify |',
  '| --- | ---: | ---: | ---: |',
]
for (const scenario of scenarios) {
  const phial = median((samples.get(`${scenario.id}|phial`) ?? []).map((r) => r.rps))
  const fastify = median((samples.get(`${scenario.id}|fastify`) ?? []).map((r) => r.rps))
  lines.push(`| ${scenario.id} | ${phial.toFixed(0)} | ${fastify.toFixed(0)} | ${(phial / fastify).toFixed(2)}× |`)
}
console.log('\n' + lines.join('\n'))
writeFileSync(OUT, lines.join('\n') + '\n')
console.log(`\nWrote ${OUT}`)
