/**
 * Tasks enqueued + processed per second on Redis: `phial/tasks` (Task.delay
 * and a worker from tasks.startWorker) against a bare BullMQ script (Queue.add
 * and a Worker) doing the same work, interleaved round by round; medians are
 * reported with Phial's overhead (target ≤ 10 %).
 *
 *   tsx --conditions=source bench/tasks.ts [--jobs=20000] [--concurrency=50] [--inflight=200] [--rounds=5]
 *                                          [--phial=build|src|DIR[,DIR…]] [--shared] [--warmup=N] [--promises] [--out=FILE] [--only=phial|bullmq]
 *                                          [--uuid-ids] [--ids=uuid,b64,short]
 *
 * --phial: which Phial runs. `build` (the default) compiles src/ with tsc
 * into bench/.build/tasks/phial first, as `npm run bench` measures the HTTP
 * servers (and as users run dist/); `src` runs the sources through tsx, whose
 * esbuild transform adds a `__name()` call to every function it creates (a
 * cost of its own, per job, that BullMQ's compiled JavaScript does not pay);
 * DIR is a tree compiled beforehand (e.g. of an older commit). Several, comma-separated, are
 * measured in the same rounds, each against the same bare runs (before/after a change).
 *
 * Each run is a process of its own (one per side and round, after an untimed
 * warm-up run of --warmup jobs, default min(2000, jobs)), so that the bare
 * BullMQ side never inherits what Phial's process has enabled: on Node 20 an
 * AsyncLocalStorage, once used, adds hook calls to every promise of the
 * process. --shared runs both sides in this one process instead (the bare
 * side then pays those hooks too, as it did before this option).
 *
 * --uuid-ids adds a second bare row: the same BullMQ script with a random
 * UUID as each job's id (`jobId: randomUUID()`), as Phial sends (its id is
 * known before the job exists, for AsyncResult and chains, and unique across
 * queues). BullMQ's own ids are short counters; a custom id costs the bare
 * script CPU of its own (longer keys and replies, the id packed twice), so
 * this row separates what the id costs from what Phial's code costs.
 * --ids=… adds a bare row per id format: `uuid` (as --uuid-ids, Phial's
 * format), `b64` (22 characters of base64url, 16 random bytes: as random,
 * shorter) and `short` ('j' and a counter: a custom id as short
 * as BullMQ's own, which shows what any custom id costs whatever its length).
 *
 * REDIS_URL (default redis://127.0.0.1:6379). Each run uses its own key
 * prefix and deletes its keys afterwards (never FLUSHALL: Redis may be shared).
 * The time of a run is from the first enqueue until the queue's completed
 * count reaches --jobs, polled the same way for both.
 *
 * Besides jobs/s (which a busy, shared machine makes noisy), each run reports
 * two figures that do not depend on how busy the CPU is: the process's CPU
 * time per job (process.cpuUsage, producer and worker together) and the Redis
 * commands sent per job (counted client-side in ioredis's sendCommand, the
 * poller's own commands left out; a Lua script call counts as one). With
 * --promises, also the promises made per job (counted by an async_hooks init
 * hook, which slows the run: use those runs for the count, not the CPU).
 */
import { createHook } from 'node:async_hooks'
import { randomBytes, randomUUID } from 'node:crypto'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'

type PhialModule = typeof import('../src/index.ts')
type TasksModule = typeof import('../src/ext/tasks/index.ts')

const arg = (name: string, fallback: number | string): string => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit ? hit.slice(name.length + 3) : String(fallback)
}
const JOBS = Number(arg('jobs', 20_000))
const CONCURRENCY = Number(arg('concurrency', 50))
const INFLIGHT = Number(arg('inflight', 200))
const ROUNDS = Number(arg('rounds', 5))
const OUT = arg('out', '')
/** 'phial' or 'bullmq' runs one side only (for --cpu-prof); the report then has that side only. */
const ONLY = arg('only', '')
const PHIAL = arg('phial', 'build')
const SHARED = process.argv.includes('--shared')
const WARMUP = Number(arg('warmup', Math.min(2000, JOBS)))
/** Set in the child process of one run: the side it measures. */
const CHILD = arg('child', '')
/**
 * Custom job id formats for extra bare rows (--ids=uuid,b64,short; --uuid-ids is --ids=uuid):
 * `uuid` randomUUID() (36 characters), `b64` 16 random bytes in base64url (22), `short` 'j' and a counter.
 */
const ID_FORMATS = [...new Set([...(process.argv.includes('--uuid-ids') ? ['uuid'] : []), ...arg('ids', '').split(',').filter(Boolean)])]
const ID_LABELS: Record<string, string> = { uuid: 'a UUID as each jobId', b64: '22 random base64url characters as each jobId', short: "'j' and a counter as each jobId" }
for (const f of ID_FORMATS) if (!(f in ID_LABELS)) throw new Error(`--ids: unknown format ${f} (uuid, b64, short)`)
/** In a child: the id format of the bare run ('' for BullMQ's own ids). */
const CHILD_IDS = arg('child-ids', '')
let shortIds = 0
const idMaker = (format: string): (() => string) | null =>
  format === 'uuid' ? randomUUID : format === 'b64' ? () => randomBytes(16).toString('base64url') : format === 'short' ? () => `j${shortIds++}` : null
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BUILD = join(ROOT, 'bench/.build/tasks/phial')
const URL_ = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const QUEUE = 'default'

/** Sends `count` jobs with at most INFLIGHT enqueues pending at once. */
async function pump(count: number, send: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < count) await send(next++)
  }
  await Promise.all(Array.from({ length: Math.min(INFLIGHT, count) }, lane))
}

async function waitCompleted(queue: Queue, count: number): Promise<void> {
  for (;;) {
    const { completed = 0, failed = 0 } = await queue.getJobCounts('completed', 'failed')
    if (failed > 0) throw new Error(`${failed} jobs failed`)
    if (completed >= count) return
    await new Promise((r) => setTimeout(r, 10))
  }
}

async function deleteKeys(prefix: string): Promise<void> {
  const client = new Redis(URL_)
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    if (keys.length > 0) await client.del(...keys)
    cursor = next
  } while (cursor !== '0')
  client.disconnect()
}

// Counts every command an ioredis client sends (BullMQ's connections included), except the poller's.
let commands = 0
const uncounted = new WeakSet<object>()
const send = Redis.prototype.sendCommand
Redis.prototype.sendCommand = function (this: Redis, ...a: Parameters<Redis['sendCommand']>) {
  if (!uncounted.has(this)) commands++
  return send.apply(this, a)
} as Redis['sendCommand']

interface Sample {
  rate: number
  cpuPerJob: number
  /** The user-mode part of cpuPerJob (the system part is mostly the socket writes and reads, whose cost moves with how busy Redis and the other CPU are). */
  userPerJob: number
  commandsPerJob: number
  /** Promises made per job (only with --promises, whose hook costs CPU of its own: a separate run). */
  promisesPerJob?: number
}

// --promises: counts the promises the process makes (an async_hooks init hook), a figure a busy
// machine cannot blur; each promise costs hook calls on Node 20 once an AsyncLocalStorage is in use.
const PROMISES = process.argv.includes('--promises')
let promises = 0
if (PROMISES) createHook({ init: (_id, type) => void (type === 'PROMISE' && promises++) }).enable()

/** Times `body` (which enqueues and waits): jobs/s, CPU µs per job, Redis commands per job. */
async function measure(jobs: number, body: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage()
  const before = commands
  const promisesBefore = promises
  const started = performance.now()
  await body()
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return {
    rate: jobs / seconds,
    cpuPerJob: (used.user + used.system) / jobs,
    userPerJob: used.user / jobs,
    commandsPerJob: (commands - before) / jobs,
    ...(PROMISES ? { promisesPerJob: (promises - promisesBefore) / jobs } : {}),
  }
}

/** The queue whose counts are polled, on a connection whose commands are not counted (closed with it). */
async function poller(prefix: string): Promise<Queue> {
  const connection = new Redis(URL_)
  uncounted.add(connection)
  const queue = new Queue(QUEUE, { connection, prefix })
  const close = queue.close.bind(queue)
  queue.close = async () => {
    await close()
    connection.disconnect()
  }
  await queue.waitUntilReady()
  return queue
}

let run = 0
const prefixOf = (kind: string): string => `bench-tasks-${kind}-${process.pid}-${run++}`

async function bare(jobs = JOBS, ids = ''): Promise<Sample> {
  const makeId = idMaker(ids)
  const prefix = prefixOf('bullmq')
  const producer = new Queue(QUEUE, { connection: { url: URL_ }, prefix })
  const queue = await poller(prefix)
  const worker = new Worker(QUEUE, async (job) => (job.data as { x: number; y: number }).x + (job.data as { x: number; y: number }).y, {
    connection: { url: URL_, maxRetriesPerRequest: null },
    prefix,
    concurrency: CONCURRENCY,
  })
  await worker.waitUntilReady()
  await producer.waitUntilReady()
  const sample = await measure(jobs, async () => {
    await pump(jobs, (i) =>
      producer.add('add', { x: i, y: 1 }, makeId ? { attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 }, jobId: makeId() } : { attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } }),
    )
    await waitCompleted(queue, jobs)
  })
  await worker.close()
  await producer.close()
  await queue.close()
  await deleteKeys(prefix)
  return sample
}

/** Compiles src/ with tsc into BUILD, as a package named phial (so that its ext/ import 'phial' from it). */
function compilePhial(): void {
  const started = performance.now()
  rmSync(BUILD, { recursive: true, force: true })
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', BUILD, '--declaration', 'false', '--sourceMap', 'false'], { cwd: ROOT, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}${r.stderr}`)
  process.stderr.write(`compiled src/ into ${BUILD} in ${((performance.now() - started) / 1000).toFixed(0)} s\n`)
}

/** Phial and phial/tasks: the sources (through tsx) or a compiled tree. */
async function loadPhial(): Promise<{ Phial: PhialModule['Phial']; Tasks: TasksModule['Tasks'] }> {
  if (PHIAL === 'src') {
    // By path: bench/ is a package of its own, where 'phial' resolves only after `npm run bench` links it.
    const [core, tasks] = await Promise.all([import('../src/index.ts'), import('../src/ext/tasks/index.ts')])
    return { Phial: core.Phial, Tasks: tasks.Tasks }
  }
  const dir = PHIAL === 'build' ? BUILD : resolve(PHIAL)
  if (!existsSync(join(dir, 'package.json'))) {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'phial', type: 'module', exports: { '.': './index.js', './*': './ext/*/index.js' } }))
  }
  // Its dependencies from the root's node_modules, not bench/node_modules (other versions, for the peer frameworks).
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
  const core = (await import(pathToFileURL(join(dir, 'index.js')).href)) as PhialModule
  const tasks = (await import(pathToFileURL(join(dir, 'ext/tasks/index.js')).href)) as TasksModule
  return { Phial: core.Phial, Tasks: tasks.Tasks }
}

let loaded: Awaited<ReturnType<typeof loadPhial>> | null = null

async function phial(jobs = JOBS): Promise<Sample> {
  const { Phial, Tasks } = (loaded ??= await loadPhial())
  const prefix = prefixOf('phial')
  const tasks = new Tasks()
  const add = tasks.task('add', (x: number, y: number) => x + y)
  const app = new Phial(import.meta.url, { name: 'bench_tasks' })
  app.config.fromMapping({ LOG_LEVEL: 'warn', TASKS_BROKER_URL: URL_, TASKS_PREFIX: prefix, TASKS_CONCURRENCY: CONCURRENCY })
  tasks.initApp(app)
  const worker = await tasks.startWorker(app)
  const queue = await poller(prefix)
  await add.delay(-1, 1) // connects the producer (as the bare side's waitUntilReady); not counted
  await waitCompleted(queue, 1)
  const sample = await measure(jobs, async () => {
    await pump(jobs, (i) => add.delay(i, 1))
    await waitCompleted(queue, jobs + 1)
  })
  await worker.close()
  await tasks.close()
  await queue.close()
  await deleteKeys(prefix)
  return sample
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

type Kind = 'bullmq' | 'phial'

/** One run in a process of its own (this script with --child), after its warm-up. */
function inChild(kind: Kind, variant: string): Promise<Sample> {
  const ids = kind === 'bullmq' ? variant : ''
  const phialDir = kind === 'phial' ? variant : PHIAL
  const args = [...process.execArgv, fileURLToPath(import.meta.url), `--child=${kind}`, `--phial=${phialDir}`, ...(ids ? [`--child-ids=${ids}`] : []), `--jobs=${JOBS}`, `--concurrency=${CONCURRENCY}`, `--inflight=${INFLIGHT}`, `--warmup=${WARMUP}`, ...(PROMISES ? ['--promises'] : [])]
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', fail)
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('SAMPLE '))
      if (code !== 0 || !line) fail(new Error(`the ${kind} run exited with ${code}: ${out}`))
      else done(JSON.parse(line.slice('SAMPLE '.length)) as Sample)
    })
  })
}

if (CHILD) {
  const run = CHILD === 'bullmq' ? (jobs?: number) => bare(jobs, CHILD_IDS) : phial
  if (WARMUP > 0) await run(WARMUP)
  const sample = await run()
  process.stdout.write(`SAMPLE ${JSON.stringify(sample)}\n`)
  process.exit(0)
}

/** The Phials to measure: --phial=a,b measures each (e.g. before and after a change), interleaved. */
const variants = PHIAL.split(',')
if (SHARED && variants.length > 1) throw new Error('--shared measures one Phial: two copies in one process would each enable their own AsyncLocalStorage.')
if (variants.includes('build') && ONLY !== 'bullmq') compilePhial()
const describeVariant = (v: string): string => (v === 'build' ? 'compiled by tsc' : v === 'src' ? 'src/ through tsx' : v)
const kinds: string[] = ['bullmq', ...ID_FORMATS.map((f) => `bullmq:${f}`), ...variants.map((v) => `phial:${v}`)]
const samples = new Map<string, Sample[]>(kinds.map((k) => [k, []]))
for (let round = 0; round < ROUNDS; round++) {
  // Rotate who goes first, so that a warming Redis (or a busier minute) favours none.
  const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]!)
  for (const kind of order) {
    const [side, variant = ''] = kind.split(/:(.*)/s) as [Kind, string?]
    if (ONLY && side !== ONLY) continue
    const sample = !SHARED ? await inChild(side, variant === 'build' ? BUILD : variant) : side === 'bullmq' ? await bare(JOBS, variant) : await phial()
    samples.get(kind)!.push(sample)
    process.stderr.write(
      `round ${round + 1}/${ROUNDS} ${side === 'bullmq' ? (variant ? `bullmq (${variant} ids)` : 'bullmq') : `phial (${describeVariant(variant)})`}: ${sample.rate.toFixed(0)} jobs/s, ${sample.cpuPerJob.toFixed(0)} µs CPU/job (user ${sample.userPerJob.toFixed(0)}), ${sample.commandsPerJob.toFixed(2)} Redis commands/job` +
        (sample.promisesPerJob === undefined ? '\n' : `, ${sample.promisesPerJob.toFixed(1)} promises/job\n`),
    )
  }
}
const of = (kind: string, key: keyof Sample): number => median(samples.get(kind)!.map((x) => x[key] ?? NaN))
const b = of('bullmq', 'rate')
const bc = of('bullmq', 'cpuPerJob')
const rows = variants.map((v) => {
  const kind = `phial:${v}`
  const p = of(kind, 'rate')
  const pc = of(kind, 'cpuPerJob')
  const label = variants.length === 1 ? 'phial/tasks (Task.delay + phial worker)' : `phial/tasks, ${describeVariant(v)}`
  return `| ${label} | ${p.toFixed(0)} | ${(p / b).toFixed(2)}× (overhead ${((1 - p / b) * 100).toFixed(1)} %) | ${pc.toFixed(0)} (${((pc / bc - 1) * 100).toFixed(1)} %) | ${of(kind, 'userPerJob').toFixed(0)} (${((of(kind, 'userPerJob') / of('bullmq', 'userPerJob') - 1) * 100).toFixed(1)} %) | ${of(kind, 'commandsPerJob').toFixed(2)} |${PROMISES ? ` ${of(kind, 'promisesPerJob').toFixed(1)} |` : ''}`
})
const report = [
  `## Tasks on Redis: enqueued + processed per second`,
  '',
  `${JOBS} jobs per run, worker concurrency ${CONCURRENCY}, ${INFLIGHT} enqueues in flight, ${ROUNDS} interleaved rounds (medians), Node ${process.version}, ${URL_}; ` +
    `Phial ${variants.map(describeVariant).join(' and ')}; ` +
    (SHARED ? 'both sides in one process.' : `each run in a process of its own after ${WARMUP} warm-up jobs.`),
  '',
  `| | jobs/s | vs bare BullMQ | CPU µs/job | of which user | Redis commands/job |${PROMISES ? ' promises/job |' : ''}`,
  `| --- | ---: | ---: | ---: | ---: | ---: |${PROMISES ? ' ---: |' : ''}`,
  `| bare BullMQ (Queue.add + Worker) | ${b.toFixed(0)} | 1.00× | ${bc.toFixed(0)} | ${of('bullmq', 'userPerJob').toFixed(0)} | ${of('bullmq', 'commandsPerJob').toFixed(2)} |${PROMISES ? ` ${of('bullmq', 'promisesPerJob').toFixed(1)} |` : ''}`,
  ...ID_FORMATS.map((f) => {
    const k = `bullmq:${f}`
    return `| bare BullMQ, ${ID_LABELS[f]} | ${of(k, 'rate').toFixed(0)} | ${(of(k, 'rate') / b).toFixed(2)}× | ${of(k, 'cpuPerJob').toFixed(0)} (${((of(k, 'cpuPerJob') / bc - 1) * 100).toFixed(1)} %) | ${of(k, 'userPerJob').toFixed(0)} | ${of(k, 'commandsPerJob').toFixed(2)} |${PROMISES ? ` ${of(k, 'promisesPerJob').toFixed(1)} |` : ''}`
  }),
  ...rows,
  ...(ID_FORMATS.length > 0
    ? [
        '',
        ...ID_FORMATS.flatMap((f) =>
          variants.map((v) => {
            const pc = of(`phial:${v}`, 'cpuPerJob')
            const uc = of(`bullmq:${f}`, 'cpuPerJob')
            return `Phial${variants.length > 1 ? ` (${describeVariant(v)})` : ''} against bare BullMQ with ${f} ids: ${(of(`phial:${v}`, 'rate') / of(`bullmq:${f}`, 'rate')).toFixed(2)}× the jobs/s, CPU µs/job ${((pc / uc - 1) * 100).toFixed(1)} % more.`
          }),
        ),
      ]
    : []),
  '',
].join('\n')
process.stdout.write(report)
if (OUT) writeFileSync(OUT, report)
