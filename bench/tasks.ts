/**
 * Tasks enqueued + processed per second on Redis: `phial/tasks` (Task.delay
 * and a worker from tasks.startWorker) against a bare BullMQ script (Queue.add
 * and a Worker) doing the same work in the same process, interleaved round by
 * round; medians are reported with Phial's overhead (target ≤ 10 %).
 *
 *   tsx --conditions=source bench/tasks.ts [--jobs=20000] [--concurrency=50] [--inflight=200] [--rounds=5] [--out=FILE]
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
 * poller's own commands left out; a Lua script call counts as one).
 */
import { writeFileSync } from 'node:fs'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
// By path: bench/ is a package of its own, where 'phial' resolves only after `npm run bench` links it.
import { Phial } from '../src/index.ts'
import { Tasks } from '../src/ext/tasks/index.ts'

const arg = (name: string, fallback: number | string): string => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`))
  return hit ? hit.slice(name.length + 3) : String(fallback)
}
const JOBS = Number(arg('jobs', 20_000))
const CONCURRENCY = Number(arg('concurrency', 50))
const INFLIGHT = Number(arg('inflight', 200))
const ROUNDS = Number(arg('rounds', 5))
const OUT = arg('out', '')
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
  commandsPerJob: number
}

/** Times `body` (which enqueues and waits): jobs/s, CPU µs per job, Redis commands per job. */
async function measure(body: () => Promise<void>): Promise<Sample> {
  const cpu = process.cpuUsage()
  const before = commands
  const started = performance.now()
  await body()
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  return { rate: JOBS / seconds, cpuPerJob: (used.user + used.system) / JOBS, commandsPerJob: (commands - before) / JOBS }
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

async function bare(): Promise<Sample> {
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
  const sample = await measure(async () => {
    await pump(JOBS, (i) => producer.add('add', { x: i, y: 1 }, { attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } }))
    await waitCompleted(queue, JOBS)
  })
  await worker.close()
  await producer.close()
  await queue.close()
  await deleteKeys(prefix)
  return sample
}

async function phial(): Promise<Sample> {
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
  const sample = await measure(async () => {
    await pump(JOBS, (i) => add.delay(i, 1))
    await waitCompleted(queue, JOBS + 1)
  })
  await worker.close()
  await tasks.close()
  await queue.close()
  await deleteKeys(prefix)
  return sample
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const samples = { bullmq: [] as Sample[], phial: [] as Sample[] }
for (let round = 0; round < ROUNDS; round++) {
  // Alternate who goes first, so that a warming Redis favours neither.
  const order = round % 2 === 0 ? (['bullmq', 'phial'] as const) : (['phial', 'bullmq'] as const)
  for (const kind of order) {
    const sample = kind === 'bullmq' ? await bare() : await phial()
    samples[kind].push(sample)
    process.stderr.write(
      `round ${round + 1}/${ROUNDS} ${kind}: ${sample.rate.toFixed(0)} jobs/s, ${sample.cpuPerJob.toFixed(0)} µs CPU/job, ${sample.commandsPerJob.toFixed(2)} Redis commands/job\n`,
    )
  }
}
const of = (kind: keyof typeof samples, key: keyof Sample): number => median(samples[kind].map((x) => x[key]))
const b = of('bullmq', 'rate')
const p = of('phial', 'rate')
const bc = of('bullmq', 'cpuPerJob')
const pc = of('phial', 'cpuPerJob')
const bn = of('bullmq', 'commandsPerJob')
const pn = of('phial', 'commandsPerJob')
const report = [
  `## Tasks on Redis: enqueued + processed per second`,
  '',
  `${JOBS} jobs per run, worker concurrency ${CONCURRENCY}, ${INFLIGHT} enqueues in flight, ${ROUNDS} interleaved rounds (medians), Node ${process.version}, ${URL_}.`,
  '',
  '| | jobs/s | vs bare BullMQ | CPU µs/job | Redis commands/job |',
  '| --- | ---: | ---: | ---: | ---: |',
  `| bare BullMQ (Queue.add + Worker) | ${b.toFixed(0)} | 1.00× | ${bc.toFixed(0)} | ${bn.toFixed(2)} |`,
  `| phial/tasks (Task.delay + phial worker) | ${p.toFixed(0)} | ${(p / b).toFixed(2)}× (overhead ${((1 - p / b) * 100).toFixed(1)} %) | ${pc.toFixed(0)} (${((pc / bc - 1) * 100).toFixed(1)} %) | ${pn.toFixed(2)} |`,
  '',
].join('\n')
process.stdout.write(report)
if (OUT) writeFileSync(OUT, report)
