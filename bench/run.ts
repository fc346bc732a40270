/**
 * `npm run bench`: builds Phial and the benchmark servers, then runs Phial,
 * bare node:http, Fastify, Hono, Express, Koa and Flask/gunicorn side by side
 * — each server pinned to one core, the load generator on another, frameworks
 * interleaved round by round — and writes bench/RESULTS.md.
 *
 * Options (flags win over the environment):
 *   --duration=S     BENCH_DURATION     seconds measured per slot (default 2)
 *   --warmup=S       BENCH_WARMUP       seconds of load on each server before its first slot (default 1)
 *   --rounds=N       BENCH_ROUNDS       rounds; medians are reported (default 5)
 *   --connections=N  BENCH_CONNECTIONS  (default 50)
 *   --frameworks=a,b BENCH_FRAMEWORKS   phial,node,fastify,hono,express,koa,flask
 *   --scenarios=a,b  BENCH_SCENARIOS    scenario ids, plus testclient and startup
 *   --load=wrk|autocannon  BENCH_LOAD   (default: wrk when installed)
 *   --out=FILE       BENCH_OUT          (default bench/RESULTS.md)
 *   --max-noise=F    BENCH_MAX_NOISE    measure again when other processes took more than this
 *                                       share of the server's core (default 0.1)
 *   --retries=N      BENCH_RETRIES      at most this many times (default 2)
 *   --no-build                          use the last build
 *   --report-from=FILE                  only write the report again from a run's raw samples
 *                                       (bench/.tmp/results.json), e.g. after editing bench/OPTIMISATIONS.md
 */
import { spawnSync } from 'node:child_process'
import { cpus, totalmem, release } from 'node:os'
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { resolve, join } from 'node:path'
import { makeFixtures } from './lib/fixtures.ts'
import { autocannon, wrk, wrkScript, type LoadGenerator, type LoadResult, type LoadSpec } from './lib/load.ts'
import { fetchOnce, memory, pinned, resetPeak, runToEnd, startServer, waitReady, watchCpu, which, type Pinning, type Server } from './lib/proc.ts'
import { median, renderReport, type InProcessSample, type RunData, type Sample, type StartupSample } from './lib/report.ts'
import { flaskAvailable, frameworks, scenarios, takesPart, SYSTEM_PYTHON, type Framework, type Scenario } from './lib/suite.ts'
import { GITHUB_PATHS } from './servers/shared.ts'

const argv = process.argv.slice(2)
if (argv.includes('--help') || argv.includes('-h')) {
  const doc = readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]!
  process.stdout.write(doc.replace(/^\/\*\*\n?/, '').replace(/^ \* ?/gm, '') + '\n')
  process.exit(0)
}
function option(name: string, env: string, fallback: string): string {
  const flag = argv.find((a) => a.startsWith(`--${name}=`))
  return flag ? flag.slice(name.length + 3) : (process.env[env] ?? fallback)
}
const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean)

const reportFrom = argv.find((a) => a.startsWith('--report-from='))
if (reportFrom) {
  const data = JSON.parse(readFileSync(reportFrom.slice('--report-from='.length), 'utf8')) as RunData
  const out = option('out', 'BENCH_OUT', 'bench/RESULTS.md')
  writeFileSync(out, renderReport(data, 'bench/OPTIMISATIONS.md'))
  process.stdout.write(`Wrote ${out}.\n`)
  process.exit(0)
}

const ROOT = resolve('.')
const DURATION = Number(option('duration', 'BENCH_DURATION', '2'))
const WARMUP = Number(option('warmup', 'BENCH_WARMUP', '1'))
const ROUNDS = Number(option('rounds', 'BENCH_ROUNDS', '5'))
const CONNECTIONS = Number(option('connections', 'BENCH_CONNECTIONS', '50'))
const OUT = option('out', 'BENCH_OUT', 'bench/RESULTS.md')
const BUILD_DIR = resolve('bench/.build')
const TMP = resolve('bench/.tmp')
const FIXTURE_DIR = resolve('bench/.fixtures')
const TEMPLATES = resolve('bench/templates')
const STARTUP_ROUTES = 500
const MAX_NOISE = Number(option('max-noise', 'BENCH_MAX_NOISE', '0.1'))
const MAX_RETRIES = Number(option('retries', 'BENCH_RETRIES', '2'))

const say = (line: string): void => {
  process.stdout.write(line + '\n')
}

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
if (!flaskAvailable()) {
  say('Flask/gunicorn (Debian) not found: skipping it. Install with:  apt-get install -y python3-flask gunicorn')
  notes.push('Flask/gunicorn skipped: Debian\'s python3-flask and gunicorn are not installed (apt-get install -y python3-flask gunicorn)')
  allFrameworks = allFrameworks.filter((f) => f.id !== 'flask')
}
const wantedFw = list(option('frameworks', 'BENCH_FRAMEWORKS', ''))
const fws = wantedFw.length ? allFrameworks.filter((f) => wantedFw.includes(f.id)) : allFrameworks

// ------------------------------------------------------------------ build

mkdirSync(TMP, { recursive: true })
// The peers live in bench/package.json (`npm run bench` installs them), apart from the root install.
// Their folder has its own package.json, so the servers reach 'phial' through a link to the root.
if (!existsSync('bench/node_modules/fastify')) {
  say('The peer frameworks are not installed: run `npm run bench`, or `npm ci --prefix bench` first.')
  process.exit(1)
}
if (!existsSync('bench/node_modules/phial')) symlinkSync('../..', 'bench/node_modules/phial', 'dir')
if (!argv.includes('--no-build')) {
  say('Building Phial (tsc -p tsconfig.build.json --noCheck) and the servers (tsc -p bench/tsconfig.servers.json --noCheck)…')
  for (const project of ['tsconfig.build.json', 'bench/tsconfig.servers.json']) {
    const r = await runToEnd([process.execPath, 'node_modules/typescript/bin/tsc', '-p', project, '--noCheck'])
    if (r.code !== 0) {
      say(`The build of ${project} failed:\n${r.stdout}${r.stderr}`)
      process.exit(1)
    }
  }
}
const fixtures = makeFixtures(FIXTURE_DIR)
const allScenarios = scenarios(fixtures)
const wantedSc = list(option('scenarios', 'BENCH_SCENARIOS', ''))
const scs = wantedSc.length ? allScenarios.filter((s) => wantedSc.includes(s.id)) : allScenarios
const runTestClient = !wantedSc.length || wantedSc.includes('testclient')
const runStartup = !wantedSc.length || wantedSc.includes('startup')

const serverEnv = (port: number, extra: Record<string, string> = {}): Record<string, string> => ({
  PORT: String(port),
  BENCH_FIXTURES: FIXTURE_DIR,
  BENCH_TEMPLATES: TEMPLATES,
  NODE_ENV: 'production',
  ...extra,
})

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
  fw: Framework
  server: Server
  port: number
  headers: Record<string, string>
  idleRss: number
  samples: Sample[]
}

const loadSpec = (sc: Scenario, port: number, headers: Record<string, string>, seconds: number): LoadSpec => ({
  port,
  method: sc.method,
  paths: sc.paths,
  headers,
  bodyFile: sc.bodyFile,
  seconds: Math.max(seconds, sc.minSeconds ?? 0),
  connections: sc.connections ?? CONNECTIONS,
})

/** Starts, checks and warms up one framework's server for a scenario; null when it cannot take part. */
async function bringUp(sc: Scenario, fw: Framework): Promise<Live | null> {
  const part = takesPart(fw, sc)
  if (part !== true) {
    skipped.push({ scenario: sc.id, framework: fw.id, reason: part })
    return null
  }
  const port = nextPort()
  const command = pinned(pin.server, fw.command(BUILD_DIR, port))
  serverCommands.set(fw.id, `PORT=${port} ${command.join(' ').replace(ROOT + '/', '')}`)
  const server = startServer(command, serverEnv(port))
  try {
    await waitReady(server, port, '/plaintext')
    const prep = await prepare(sc, port)
    if ('problem' in prep) {
      skipped.push({ scenario: sc.id, framework: fw.id, reason: `check failed: ${prep.problem}` })
      say(`  ${fw.label.padEnd(15)} check failed: ${prep.problem}`)
      await server.stop()
      return null
    }
    const idleRss = memory(server, 'VmRSS')
    if (WARMUP > 0) await load.run(loadSpec(sc, port, prep.headers, WARMUP), pin.load)
    loadCommands.set(sc.id, load.describe(loadSpec(sc, 0, prep.headers, DURATION), pin.load).replace(':0/', ':$PORT/'))
    return { fw, server, port, headers: prep.headers, idleRss, samples: [] }
  } catch (err) {
    skipped.push({ scenario: sc.id, framework: fw.id, reason: `error: ${(err as Error).message.split('\n')[0]}` })
    say(`  ${fw.label.padEnd(15)} error: ${(err as Error).message}`)
    await server.stop()
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
    if (attempt < MAX_RETRIES) say(`  ${live.fw.label.padEnd(15)} (other processes took ${(noise * 100).toFixed(0)}% of core ${pin.server}: measuring again)`)
  }
  const { r, cpuUs, noise } = best!
  const sample: Sample = { scenario: sc.id, framework: live.fw.id, round, rps: r.rps, p50: r.p50, p99: r.p99, idleRss: live.idleRss, peakRss: 0, errors: r.errors, non2xx: r.non2xx, noise, cpuUs }
  live.samples.push(sample)
  samples.push(sample)
  const errs = r.errors + r.non2xx ? `  errors: ${r.errors} socket, ${r.non2xx} non-2xx/3xx` : ''
  say(
    `  ${live.fw.label.padEnd(15)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(2).padStart(7)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  CPU ${cpuUs.toFixed(1).padStart(6)} µs/req  noise ${(noise * 100).toFixed(0)}%${errs}`,
  )
}

/**
 * One scenario: every framework's server is started, checked and warmed up,
 * then the frameworks take turns (A B C, A B C …, the starting one rotating)
 * for ROUNDS rounds, so that each comparison is made minutes — not a whole
 * run — apart. Peak RSS is the `VmHWM` over the measured slots.
 */
async function measureScenario(sc: Scenario): Promise<void> {
  say(`${sc.title}`)
  const live: Live[] = []
  try {
    for (const fw of fws) {
      const l = await bringUp(sc, fw)
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
      if (l.samples.length) say(`  ${l.fw.label.padEnd(15)} peak RSS ${(peak / 1048576).toFixed(0)} MB, idle ${(l.idleRss / 1048576).toFixed(0)} MB`)
    }
  } finally {
    for (const l of live) await l.server.stop()
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
    say(`  ${fw.label.padEnd(15)} no result (exit ${r.code}): ${r.stderr.slice(-400)}`)
    return
  }
  const { rps } = JSON.parse(line.slice('BENCH_RESULT '.length)) as { rps: number }
  inProcess.push({ framework: fw.id, round, rps })
  say(`  ${fw.label.padEnd(15)} ${rps.toFixed(0).padStart(7)} req/s in-process`)
}

// ----------------------------------------------------------------- startup

interface StartupVariant {
  id: string
  label: string
  command: string[]
}
const startupVariants: StartupVariant[] = []
for (const fw of fws) {
  startupVariants.push({ id: fw.id, label: fw.id === 'phial' ? 'Phial (built JS)' : fw.id === 'node' ? 'node:http (no routes, the floor)' : fw.label, command: fw.command(BUILD_DIR, 0) })
  if (fw.id === 'phial') {
    startupVariants.push({
      id: 'phial:tsx',
      label: 'Phial (TypeScript sources through tsx)',
      command: [process.execPath, '--import', 'tsx', '--conditions=source', 'bench/servers/phial.ts'],
    })
  }
}
const startup: StartupSample[] = []
async function measureStartup(v: StartupVariant, round: number): Promise<void> {
  const port = nextPort()
  const base = v.id === 'flask' ? fws.find((f) => f.id === 'flask')!.command(BUILD_DIR, port) : v.command
  const server = startServer(pinned(pin.server, base), serverEnv(port, { BENCH_ROUTES: String(STARTUP_ROUTES) }))
  try {
    const at = await waitReady(server, port, '/plaintext')
    const ms = at - server.startedAt
    const idleRss = memory(server, 'VmRSS')
    startup.push({ variant: v.id, round, ms, idleRss })
    say(`  ${v.label.padEnd(40)} ${ms.toFixed(0).padStart(5)} ms  RSS ${(idleRss / 1048576).toFixed(0)} MB`)
  } catch (err) {
    say(`  ${v.label.padEnd(40)} error: ${(err as Error).message}`)
  } finally {
    await server.stop()
  }
}

// --------------------------------------------------------------------- run

const loadRuns = scs.reduce((n, sc) => n + fws.filter((f) => takesPart(f, sc) === true).length, 0)
const estimate = loadRuns * (WARMUP + 1) + ROUNDS * (loadRuns * (DURATION + 0.2) + (runTestClient ? fws.filter((f) => f.inProcess).length * (DURATION + WARMUP + 1) : 0) + (runStartup ? startupVariants.length * 1.5 : 0))
say(
  `Phial benchmark: ${fws.map((f) => f.label).join(', ')}; ${scs.length} scenarios${runTestClient ? ' + test client' : ''}${runStartup ? ' + startup' : ''}; ` +
    `${ROUNDS} rounds of ${WARMUP}s warm-up + ${DURATION}s; ${load.name}, ${CONNECTIONS} connections; ` +
    `${pin.server === null ? 'not pinned' : `servers on core ${pin.server}, load on core ${pin.load}`}. About ${Math.ceil(estimate / 60)} min.`,
)
for (const n of notes) say(`note: ${n}`)

const startedAt = new Date().toISOString()
for (const sc of scs) await measureScenario(sc)
if (runTestClient) {
  for (let round = 1; round <= ROUNDS; round++) {
    say(`test client, round ${round}/${ROUNDS}`)
    for (const fw of fws) await measureInProcess(fw, round)
  }
}
if (runStartup) {
  for (let round = 1; round <= ROUNDS; round++) {
    say(`startup, ${STARTUP_ROUTES} routes, round ${round}/${ROUNDS}`)
    for (const v of startupVariants) await measureStartup(v, round)
  }
}

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
    Node: process.version,
    Python: `${(py.stdout || py.stderr).trim()} (${SYSTEM_PYTHON})`,
    'load generator': `${load.name} ${load.version}`,
  }
}

const data: RunData = {
  startedAt,
  finishedAt: new Date().toISOString(),
  machine: machine(),
  settings: {
    rounds: ROUNDS,
    'seconds measured per slot': DURATION,
    'seconds of warm-up per server': WARMUP,
    order: 'per scenario, all servers up; frameworks take turns round by round (A B C, B C A, …)',
    'noise limit (retries)': `${MAX_NOISE * 100}% of the server core (${MAX_RETRIES})`,
    connections: CONNECTIONS,
    pinning: pin.server === null ? 'none' : `server: taskset -c ${pin.server}; load generator: taskset -c ${pin.load}`,
    notes: notes.join('; ') || 'none',
  },
  versions: fws.map((f) => ({ id: f.id, label: f.label, version: f.version, notes: f.notes })),
  scenarios: scs.map((s) => ({
    id: s.id,
    title: s.title,
    request:
      `\`${s.method} ${s.paths.length > 1 ? `${s.paths.length} paths in turn (${s.paths.slice(0, 2).join(', ')}, …)` : s.paths[0]}\`` +
      `${s.bodyFile ? `, a ${(bodyOf(s.bodyFile)!.length / 1e6).toFixed(1)} MB body` : ''}` +
      `${s.prepare === 'session-cookie' ? ', with the session cookie the server set' : s.prepare === 'conditional' ? ', with the validator (ETag, else Last-Modified) the server sent' : ''}` +
      `; ${s.connections ?? CONNECTIONS} connections, ${Math.max(DURATION, s.minSeconds ?? 0)} s per slot.`,
  })),
  samples,
  inProcess,
  startup,
  startupVariants: startupVariants.map((v) => ({ id: v.id, label: v.label, command: `BENCH_ROUTES=${STARTUP_ROUTES} ${pinned(pin.server, v.command).join(' ').replace(ROOT + '/', '').replace(/127\.0\.0\.1:0/, '127.0.0.1:$PORT')}` })),
  skipped,
  commands: {
    build: 'node node_modules/typescript/bin/tsc -p tsconfig.build.json --noCheck && node node_modules/typescript/bin/tsc -p bench/tsconfig.servers.json --noCheck',
    ...Object.fromEntries([...serverCommands].map(([id, c]) => [`server: ${id}`, c.replace(/\b\d{5}\b/g, '$PORT')])),
    ...Object.fromEntries([...loadCommands].map(([id, c]) => [`load: ${id} (Lua script sets method, headers, body${id === 'routes100' ? `, cycles ${GITHUB_PATHS.length} paths` : ''})`, c])),
    'test client': `BENCH_MODE=inprocess ${pinned(pin.server, [process.execPath, 'bench/.build/servers/<framework>.js']).join(' ')}; Flask: ${pinned(pin.server, [SYSTEM_PYTHON, 'bench/servers/flask_app.py', 'inprocess']).join(' ')}`,
    'environment of every server': `BENCH_FIXTURES=bench/.fixtures BENCH_TEMPLATES=bench/templates NODE_ENV=production`,
    ...(load.name === 'wrk'
      ? {
          'the Lua script of one scenario (json-post; the others differ in method, headers, body and paths)': wrkScript(
            loadSpec(allScenarios.find((s) => s.id === 'json-post')!, 0, { 'content-type': 'application/json' }, DURATION),
          )
            .trim()
            .replace(ROOT + '/', ''),
        }
      : {}),
    all: `npm run bench -- --duration=${DURATION} --warmup=${WARMUP} --rounds=${ROUNDS}`,
  },
}
writeFileSync(join(TMP, 'results.json'), JSON.stringify(data, null, 1))
writeFileSync(OUT, renderReport(data, 'bench/OPTIMISATIONS.md'))
say(`\nWrote ${OUT} (raw samples: ${join('bench/.tmp', 'results.json')}).`)
say(`Median req/s: ${scs.map((sc) => `${sc.id} ${fws.map((f) => `${f.id}=${median(samples.filter((s) => s.scenario === sc.id && s.framework === f.id).map((s) => s.rps)).toFixed(0)}`).join(' ')}`).join('\n              ')}`)
