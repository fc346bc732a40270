/**
 * The Conduit benchmark (issue 19, item 5): `GET /api/articles` (a page of 20
 * articles with authors, tags and favourite counts) and `POST
 * /api/users/login`, on examples/conduit (Phial + phial/sql + phial/login)
 * and on the same endpoints in Fastify + TypeORM + jose
 * (bench/servers/conduit-fastify.ts), on SQLite and PostgreSQL, interleaved
 * round by round. Target: Phial ≥ 1.0× Fastify. Writes bench/CONDUIT-RESULTS.md (or --out).
 *
 *   npx tsx --conditions=source bench/conduit.ts [--check] [--dbs=sqlite,postgres] [--seconds=5] [--rounds=3] [--connections=50] [--node=24] [--phial=dist|src] [--out=bench/CONDUIT-RESULTS.md]
 *
 * --node: the Node the servers run on, as for `npm run bench` (default 24, from the
 * npm registry; `system` is the one running this script). On another Node than
 * the tree's, better-sqlite3 is built for it once into the cache (see
 * nativeAddonArgs in bench/lib/node-runtime.ts).
 * --phial: the servers import Phial compiled into dist/ (the default, built
 * first, as users run it) or its sources through tsx (see bench/lib/phial-dist.ts).
 *
 * --check starts each server once, compares their answers (the token aside),
 * and stops (no load). Needs bench's own packages for Fastify and autocannon
 * (npm ci --prefix bench), or wrk on the PATH. PostgreSQL: BENCH_CONDUIT_POSTGRES
 * (default postgres://postgres@127.0.0.1:5432/test), in the schema conduit_bench.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { autocannon, wrk, type LoadGenerator, type LoadResult } from './lib/load.ts'
import { fetchOnce, startServer, waitReady, watchCpu, which, type Server } from './lib/proc.ts'
import { nativeAddonArgs, resolveNode } from './lib/node-runtime.ts'
import { preparePhial } from './lib/phial-dist.ts'
import { ARTICLES, AUTHORS, LOGIN } from './servers/conduit-shared.ts'

const argv = process.argv.slice(2)
const opt = (name: string, fallback: string): string => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback
const CHECK = argv.includes('--check')
const DBS = opt('dbs', 'sqlite,postgres').split(',')
const SECONDS = Number(opt('seconds', '5'))
const ROUNDS = Number(opt('rounds', '3'))
const CONNECTIONS = Number(opt('connections', '50'))
const NODE = resolveNode(opt('node', process.env.BENCH_NODE ?? '24'), console.log)
/** The servers' Node and what it needs to load native addons built for it. */
const NODE_ARGV = [NODE.path, ...nativeAddonArgs(NODE, console.log)]
const PHIAL_BUILD = opt('phial', 'dist')
const PHIAL_ARGS = preparePhial(PHIAL_BUILD, console.log)
/** Where the table goes (a short trial run: somewhere else, e.g. --out=/tmp/trial.md). */
const OUT = opt('out', 'bench/CONDUIT-RESULTS.md')
const POSTGRES = process.env.BENCH_CONDUIT_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = 'conduit_bench'

const SERVERS = [
  { name: 'phial (examples/conduit)', file: 'bench/servers/conduit-phial.ts', needs: null },
  { name: 'fastify + typeorm', file: 'bench/servers/conduit-fastify.ts', needs: 'bench/node_modules/fastify' },
] as const

const loginBody = JSON.stringify({ user: LOGIN })
/**
 * A login hashes with scrypt on libuv's thread pool (4 threads): more
 * connections than that only queue behind it — at 50, each waits seconds and
 * a short run completes none (the warm-up's backlog included) — so the login
 * runs with as many connections as the pool has threads, the same for both peers.
 */
const LOGIN_CONNECTIONS = Math.min(CONNECTIONS, Number(process.env.UV_THREADPOOL_SIZE ?? 4))
const SCENARIOS = [
  { id: 'list', title: 'GET /api/articles (20 with authors, tags, favourites)', method: 'GET', paths: ['/api/articles'], body: null, connections: CONNECTIONS },
  { id: 'login', title: `POST /api/users/login (scrypt + token, ${LOGIN_CONNECTIONS} connections)`, method: 'POST', paths: ['/api/users/login'], body: loginBody, connections: LOGIN_CONNECTIONS },
] as const

/** A migrated database with the demo rows, written through the Conduit app itself. */
async function seed(db: string): Promise<string> {
  let url: string
  if (db === 'sqlite') {
    const file = join(tmpdir(), 'phial-bench-conduit.sqlite')
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })
    url = `sqlite:///${file}`
  } else {
    const { default: pg } = await import('pg')
    const client = new pg.Client({ connectionString: POSTGRES })
    await client.connect()
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}`).finally(() => client.end())
    url = `${POSTGRES}?schema=${SCHEMA}`
  }
  const { createApp } = await import('../examples/conduit/app.ts')
  const { db: sql, migrate } = await import('../examples/conduit/db.ts')
  const models = await import('../examples/conduit/models.ts')
  const { hashPassword } = await import('../examples/conduit/users.ts')
  const app = createApp({ DATABASE_URL: url, LOG_LEVEL: 'silent' })
  await app.appContext(async () => {
    await migrate.upgrade()
    const passwordHash = await hashPassword(LOGIN.password)
    const authors = []
    for (let i = 0; i < AUTHORS; i++) authors.push(await sql.session.add(models.ConduitUser, { username: `author${i}`, email: i === 0 ? LOGIN.email : `author${i}@example.com`, passwordHash, bio: `Bio ${i}`, image: null }))
    const tags = []
    for (let i = 0; i < 8; i++) tags.push(await sql.session.add(models.ConduitTag, { name: `tag${i}` }))
    for (let i = 0; i < ARTICLES; i++) {
      const when = new Date(Date.UTC(2026, 0, 1, 0, i))
      const a = await sql.session.add(models.ConduitArticle, { slug: `article-${i}`, title: `Article ${i}`, description: `About ${i}`, body: `Body of article ${i}. `.repeat(20), authorId: authors[i % AUTHORS]!.id, createdAt: when, updatedAt: when })
      for (let t = 0; t < 3; t++) await sql.session.add(models.ConduitArticleTag, { articleId: a.id, tagId: tags[(i + t) % tags.length]!.id, position: t })
      for (let u = 0; u < i % 4; u++) await sql.session.add(models.ConduitFavorite, { userId: authors[(i + u + 1) % AUTHORS]!.id, articleId: a.id })
    }
    await sql.session.commit()
  })
  await sql.close(app)
  return url
}

function loadGenerator(): LoadGenerator | null {
  const wrkPath = which('wrk')
  if (wrkPath) {
    // wrk's Lua scripts go there: it must exist (before: ENOENT on the first run)
    const scripts = join(tmpdir(), 'phial-bench-conduit-wrk')
    mkdirSync(scripts, { recursive: true })
    const v = spawnSync(wrkPath, ['-v'], { encoding: 'utf8' })
    return wrk(wrkPath, (v.stdout + v.stderr).match(/wrk (\S+)/)?.[1] ?? '?', scripts)
  }
  const pkg = 'bench/node_modules/autocannon/package.json'
  if (existsSync(pkg)) return autocannon((JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version)
  return null
}

async function start(file: string, url: string, port: number): Promise<Server> {
  const server = startServer([...NODE_ARGV, '--import', 'tsx', ...PHIAL_ARGS, file], { PORT: String(port), BENCH_CONDUIT_URL: url })
  await waitReady(server, port, '/api/articles')
  return server
}

/** An answer without what legitimately differs (the login token). */
function comparable(body: string): string {
  const json = JSON.parse(body) as { user?: { token?: string } }
  if (json.user) json.user.token = '<token>'
  return JSON.stringify(json)
}

if (!existsSync('bench/node_modules/phial')) {
  mkdirSync('bench/node_modules', { recursive: true })
  symlinkSync('../..', 'bench/node_modules/phial', 'dir')
}
const bodyFile = join(tmpdir(), 'phial-bench-conduit-login.json')
writeFileSync(bodyFile, loginBody)

/** Per round: req/s, p99, and the server's CPU µs per request (its process's CPU time over the measured run / requests: steadier than req/s on a shared machine). */
const results: Array<{ db: string; scenario: string; server: string; rps: number[]; p99: number[]; cpu: number[]; errors: number }> = []
let port = 3800
let load: LoadGenerator | null = null
for (const db of DBS) {
  const url = await seed(db)
  const usable = SERVERS.filter((s) => {
    if (s.needs === null || existsSync(s.needs)) return true
    console.log(`[skip] ${s.name}: ${s.needs} is missing (npm ci --prefix bench)`)
    return false
  })
  if (CHECK) {
    const answers = new Map<string, string>()
    for (const s of usable) {
      const server = await start(s.file, url, ++port)
      try {
        for (const sc of SCENARIOS) {
          const headers: Record<string, string> = sc.body ? { 'Content-Type': 'application/json' } : {}
          const answer = await fetchOnce(port, sc.method, sc.paths[0], headers, sc.body ? Buffer.from(sc.body) : undefined)
          const body = answer.body.toString()
          if (answer.status !== 200) throw new Error(`${s.name} on ${db}: ${sc.paths[0]} gave ${answer.status}: ${body}`)
          const seen = answers.get(sc.id)
          if (seen !== undefined && seen !== comparable(body)) throw new Error(`${s.name} on ${db} answers ${sc.id} differently:\n${seen}\n${comparable(body)}`)
          answers.set(sc.id, comparable(body))
        }
        console.log(`ok: ${s.name} on ${db}`)
      } finally {
        await server.stop()
      }
    }
    continue
  }
  load ??= loadGenerator()
  if (load === null) throw new Error('No load generator: install wrk, or npm ci --prefix bench for autocannon.')
  for (const sc of SCENARIOS) {
    for (const s of usable) results.push({ db, scenario: sc.title, server: s.name, rps: [], p99: [], cpu: [], errors: 0 })
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of usable) {
        const server = await start(s.file, url, ++port)
        try {
          const headers: Record<string, string> = sc.body ? { 'Content-Type': 'application/json' } : {}
          const spec = { port, method: sc.method, paths: sc.paths, headers, ...(sc.body ? { bodyFile } : {}), seconds: SECONDS, connections: sc.connections }
          await load.run({ ...spec, seconds: 1 }, null) // warm-up
          const cpu = watchCpu(server, null)
          const r: LoadResult = await load.run(spec, null)
          const { serverSeconds } = cpu()
          const row = results.find((x) => x.db === db && x.scenario === sc.title && x.server === s.name)!
          row.rps.push(r.rps)
          row.p99.push(r.p99)
          row.cpu.push(r.requests > 0 ? (serverSeconds * 1e6) / r.requests : NaN)
          // failed requests (socket errors, timeouts, non-2xx): a row with them is not a result
          row.errors += r.errors + r.non2xx
        } finally {
          await server.stop()
        }
      }
    }
  }
}

if (!CHECK) {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
  const lines = [
    '# Conduit benchmark (issue 19)',
    '',
    `Command: \`${['npx tsx --conditions=source bench/conduit.ts', ...argv].join(' ')}\`; load: ${load?.name ?? '?'} ${load?.version ?? ''}.`,
    '',
    `${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections (the login: ${LOGIN_CONNECTIONS}), Node ${NODE.version}, Phial from ${PHIAL_BUILD === 'dist' ? 'dist/ (tsc + bundle, as packed)' : 'src/ (tsx)'}; medians. Target: ≥ 1.00 vs fastify + typeorm.`,
    '',
    'CPU/req: the server process\'s CPU time over the measured run divided by the requests it answered (median of the rounds); its ratio (Fastify\'s CPU/req over this one) is steadier than req/s when other work shares the machine.',
    '',
    '| database | scenario | server | req/s | p99 ms | CPU µs/req | errors | vs fastify + typeorm (req/s) | vs fastify (CPU/req) |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const r of results) {
    const base = results.find((x) => x.db === r.db && x.scenario === r.scenario && x.server === 'fastify + typeorm')
    const ratio = base && median(base.rps) > 0 ? (median(r.rps) / median(base.rps)).toFixed(2) : '–'
    const cpuRatio = base && median(r.cpu) > 0 ? (median(base.cpu) / median(r.cpu)).toFixed(2) : '–'
    lines.push(`| ${r.db} | ${r.scenario} | ${r.server} | ${Math.round(median(r.rps))} | ${median(r.p99).toFixed(1)} | ${Math.round(median(r.cpu))} | ${r.errors} | ${ratio} | ${cpuRatio} |`)
  }
  writeFileSync(OUT, `${lines.join('\n')}\n`)
  console.log(lines.join('\n'))
  console.log(`\nWrote ${OUT}`)
}
