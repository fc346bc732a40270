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

let run = 0
const prefixOf = (kind: string): string => `bench-tasks-${kind}-${process.pid}-${run++}`

async function bare(): Promise<number> {
  const prefix = prefixOf('bullmq')
  const queue = new Queue(QUEUE, { connection: { url: URL_ }, prefix })
  const worker = new Worker(QUEUE, async (job) => (job.data as { x: number; y: number }).x + (job.data as { x: number; y: number }).y, {
    connection: { url: URL_, maxRetriesPerRequest: null },
    prefix,
    concurrency: CONCURRENCY,
  })
  await worker.waitUntilReady()
  const started = performance.now()
  await pump(JOBS, (i) => queue.add('add', { x: i, y: 1 }, { attempts: 1, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 86_400 } }))
  await waitCompleted(queue, JOBS)
  const seconds = (performance.now() - started) / 1000
  await worker.close()
  await queue.close()
  await deleteKeys(prefix)
  return JOBS / seconds
}

async function phial(): Promise<number> {
  const prefix = prefixOf('phial')
  const tasks = new Tasks()
  const add = tasks.task('add', (x: number, y: number) => x + y)
  const app = new Phial(import.meta.url, { name: 'bench_tasks' })
  app.config.fromMapping({ LOG_LEVEL: 'warn', TASKS_BROKER_URL: URL_, TASKS_PREFIX: prefix, TASKS_CONCURRENCY: CONCURRENCY })
  tasks.initApp(app)
  const worker = await tasks.startWorker(app)
  const queue = new Queue(QUEUE, { connection: { url: URL_ }, prefix })
  const started = performance.now()
  await pump(JOBS, (i) => add.delay(i, 1))
  await waitCompleted(queue, JOBS)
  const seconds = (performance.now() - started) / 1000
  await worker.close()
  await tasks.close()
  await queue.close()
  await deleteKeys(prefix)
  return JOBS / seconds
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const samples = { bullmq: [] as number[], phial: [] as number[] }
for (let round = 0; round < ROUNDS; round++) {
  // Alternate who goes first, so that a warming Redis favours neither.
  const order = round % 2 === 0 ? (['bullmq', 'phial'] as const) : (['phial', 'bullmq'] as const)
  for (const kind of order) {
    const rate = kind === 'bullmq' ? await bare() : await phial()
    samples[kind].push(rate)
    process.stderr.write(`round ${round + 1}/${ROUNDS} ${kind}: ${rate.toFixed(0)} jobs/s\n`)
  }
}
const b = median(samples.bullmq)
const p = median(samples.phial)
const report = [
  `## Tasks on Redis: enqueued + processed per second`,
  '',
  `${JOBS} jobs per run, worker concurrency ${CONCURRENCY}, ${INFLIGHT} enqueues in flight, ${ROUNDS} interleaved rounds (medians), Node ${process.version}, ${URL_}.`,
  '',
  '| | jobs/s | vs bare BullMQ |',
  '| --- | ---: | ---: |',
  `| bare BullMQ (Queue.add + Worker) | ${b.toFixed(0)} | 1.00× |`,
  `| phial/tasks (Task.delay + phial worker) | ${p.toFixed(0)} | ${(p / b).toFixed(2)}× (overhead ${((1 - p / b) * 100).toFixed(1)} %) |`,
  '',
].join('\n')
process.stdout.write(report)
if (OUT) writeFileSync(OUT, report)
