/**
 * The SQL benchmark (issue 13, item 7): a request that reads one row by
 * primary key and one that lists 20 rows with their authors, on Phial +
 * phial/sql, Fastify + TypeORM (idiomatic) and the raw driver on node:http,
 * on SQLite and PostgreSQL, interleaved round by round. Target: Phial's layer
 * at most 10% over TypeORM alone. Writes bench/SQL-RESULTS.md (or --out).
 *
 *   npx tsx --conditions=source bench/sql.ts [--check] [--dbs=sqlite,postgres] [--seconds=5] [--rounds=3] [--connections=50] [--node=24] [--phial=dist|src] [--out=bench/SQL-RESULTS.md]
 *
 * --node: the Node the servers run on, as for `npm run bench` (default 24, from the
 * npm registry; `system` is the one running this script). On another Node than
 * the tree's, better-sqlite3 is built for it once into the cache (see
 * nativeAddonArgs in bench/lib/node-runtime.ts).
 * --phial: the servers import Phial compiled into dist/ (the default, built
 * first, as users run it) or its sources through tsx (see bench/lib/phial-dist.ts).
 *
 * --check starts each server once, compares their answers, and stops (no load).
 * Needs bench's own packages for Fastify and autocannon (npm ci --prefix bench),
 * or wrk on the PATH. PostgreSQL: BENCH_SQL_POSTGRES (default
 * postgres://postgres@127.0.0.1:5432/test), in the schema phial_sql_bench.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { autocannon, wrk, type LoadGenerator, type LoadResult } from './lib/load.ts'
import { fetchOnce, startServer, waitReady, which, type Server } from './lib/proc.ts'
import { nativeAddonArgs, resolveNode } from './lib/node-runtime.ts'
import { preparePhial } from './lib/phial-dist.ts'
import { POSTS, PAGE, rows } from './servers/sql-shared.ts'

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
const OUT = opt('out', 'bench/SQL-RESULTS.md')
const POSTGRES = process.env.BENCH_SQL_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = 'phial_sql_bench'

const SERVERS = [
  { name: 'phial + phial/sql', file: 'bench/servers/sql-phial.ts', needs: null },
  { name: 'fastify + typeorm', file: 'bench/servers/sql-fastify.ts', needs: 'bench/node_modules/fastify' },
  { name: 'raw driver', file: 'bench/servers/sql-raw.ts', needs: null },
] as const

const SCENARIOS = [
  { id: 'pk', title: 'one row by primary key', paths: Array.from({ length: 50 }, (_, i) => `/post/${((i * 37) % POSTS) + 1}`) },
  { id: 'list', title: `${PAGE} rows with a relation`, paths: Array.from({ length: 20 }, (_, i) => `/posts?offset=${i * PAGE * 3}`) },
] as const

/** Creates the tables and rows, the same for every server. */
async function seed(db: string): Promise<string> {
  const { users, posts } = rows()
  const ddl = [
    'CREATE TABLE "user" (id INTEGER PRIMARY KEY, username VARCHAR(80) NOT NULL)',
    'CREATE TABLE post (id INTEGER PRIMARY KEY, title VARCHAR(200) NOT NULL, body TEXT NOT NULL, author_id INTEGER NOT NULL REFERENCES "user" (id))',
    'CREATE INDEX ix_post_author_id ON post (author_id)',
  ]
  if (db === 'sqlite') {
    const file = join(tmpdir(), 'phial-bench-sql.sqlite')
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })
    const { default: Database } = await import('better-sqlite3')
    const conn = new Database(file)
    for (const sql of ddl) conn.exec(sql)
    const u = conn.prepare('INSERT INTO "user" VALUES (?, ?)')
    const p = conn.prepare('INSERT INTO post VALUES (?, ?, ?, ?)')
    conn.transaction(() => {
      for (const r of users) u.run(...r)
      for (const r of posts) p.run(...r)
    })()
    conn.close()
    return `sqlite:///${file}`
  }
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: POSTGRES })
  await client.connect()
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE; CREATE SCHEMA ${SCHEMA}; SET search_path = ${SCHEMA}`)
    for (const sql of ddl) await client.query(sql)
    for (const r of users) await client.query('INSERT INTO "user" VALUES ($1, $2)', r)
    for (let i = 0; i < posts.length; i += 500) {
      const chunk = posts.slice(i, i + 500)
      await client.query(`INSERT INTO post VALUES ${chunk.map((_, j) => `($${j * 4 + 1}, $${j * 4 + 2}, $${j * 4 + 3}, $${j * 4 + 4})`).join(', ')}`, chunk.flat())
    }
  } finally {
    await client.end()
  }
  return `${POSTGRES}?schema=${SCHEMA}`
}

function loadGenerator(): LoadGenerator | null {
  const wrkPath = which('wrk')
  if (wrkPath) {
    // wrk's Lua scripts go there: it must exist (before: ENOENT on the first run)
    const scripts = join(tmpdir(), 'phial-bench-sql-wrk')
    mkdirSync(scripts, { recursive: true })
    const v = spawnSync(wrkPath, ['-v'], { encoding: 'utf8' })
    return wrk(wrkPath, (v.stdout + v.stderr).match(/wrk (\S+)/)?.[1] ?? '?', scripts)
  }
  const pkg = 'bench/node_modules/autocannon/package.json'
  if (existsSync(pkg)) return autocannon((JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version)
  return null
}

async function start(file: string, url: string, port: number): Promise<Server> {
  const server = startServer([...NODE_ARGV, '--import', 'tsx', ...PHIAL_ARGS, file], { PORT: String(port), BENCH_SQL_URL: url })
  await waitReady(server, port, SCENARIOS[0].paths[0])
  return server
}

// the servers import 'phial' by name, as bench/run.ts arranges it
if (!existsSync('bench/node_modules/phial')) {
  mkdirSync('bench/node_modules', { recursive: true })
  symlinkSync('../..', 'bench/node_modules/phial', 'dir')
}

const results: Array<{ db: string; scenario: string; server: string; rps: number[]; p99: number[]; errors: number }> = []
let port = 3700
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
          const answer = await fetchOnce(port, 'GET', sc.paths[1]!)
          const body = answer.body.toString()
          if (answer.status !== 200) throw new Error(`${s.name} on ${db}: ${sc.paths[1]} gave ${answer.status}: ${body}`)
          const seen = answers.get(sc.id)
          if (seen !== undefined && JSON.stringify(JSON.parse(seen)) !== JSON.stringify(JSON.parse(body))) throw new Error(`${s.name} on ${db} answers ${sc.id} differently`)
          answers.set(sc.id, body)
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
    for (const s of usable) results.push({ db, scenario: sc.title, server: s.name, rps: [], p99: [], errors: 0 })
    for (let round = 0; round < ROUNDS; round++) {
      for (const s of usable) {
        const server = await start(s.file, url, ++port)
        try {
          const spec = { port, method: 'GET', paths: sc.paths, headers: {}, seconds: SECONDS, connections: CONNECTIONS }
          await load.run({ ...spec, seconds: 1 }, null) // warm-up
          const r: LoadResult = await load.run(spec, null)
          const row = results.find((x) => x.db === db && x.scenario === sc.title && x.server === s.name)!
          row.rps.push(r.rps)
          row.p99.push(r.p99)
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
    '# SQL benchmark (issue 13)',
    '',
    `Command: \`${['npx tsx --conditions=source bench/sql.ts', ...argv].join(' ')}\`; load: ${load?.name ?? '?'} ${load?.version ?? ''}.`,
    '',
    `${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections, Node ${NODE.version}, Phial from ${PHIAL_BUILD === 'dist' ? 'dist/ (tsc + bundle, as packed)' : 'src/ (tsx)'}; medians. ` +
      'Phial\'s layer vs TypeORM alone is the "vs fastify + typeorm" column (target: at most 10% slower, i.e. ≥ 0.90).',
    '',
    '| database | scenario | server | req/s | p99 ms | errors | vs fastify + typeorm |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: |',
  ]
  for (const r of results) {
    const base = results.find((x) => x.db === r.db && x.scenario === r.scenario && x.server === 'fastify + typeorm')
    const ratio = base && median(base.rps) > 0 ? (median(r.rps) / median(base.rps)).toFixed(2) : '–'
    lines.push(`| ${r.db} | ${r.scenario} | ${r.server} | ${Math.round(median(r.rps))} | ${median(r.p99).toFixed(1)} | ${r.errors} | ${ratio} |`)
  }
  writeFileSync(OUT, `${lines.join('\n')}\n`)
  console.log(lines.join('\n'))
  console.log(`\nWrote ${OUT}`)
}
