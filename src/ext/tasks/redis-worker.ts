/**
 * The BullMQ worker side: a BullMQ `Worker` per queue whose processor runs
 * the registered task inside the app context, the per-process rate limits,
 * chains, and the periodic tasks registered as BullMQ job schedulers.
 */
import { hostname } from 'node:os'
import type { Job, Worker } from 'bullmq'
import type { ChainLink } from './backend.ts'
import { loadBullMQ } from './bullmq.ts'
import { NotRegistered, PermanentTaskError } from './errors.ts'
import { runAttempt, RunningAttempts } from './execute.ts'
import type { JsonValue } from './json.ts'
import { jobOptions, type JobData } from './redis-backend.ts'
import type { TasksState } from './state.ts'
import type { WorkerHandle, WorkerOptions } from './worker-types.ts'

/** Id prefix of the job schedulers Phial owns (so that `phial tasks status` can tell them apart). */
export const SCHEDULER_PREFIX = 'periodic:'

async function registerSchedules(state: TasksState): Promise<void> {
  const backend = (await state.backend()) as import('./redis-backend.ts').RedisBackend
  const expires = state.app.config.TASKS_RESULT_EXPIRES
  const wanted = new Map<string, Set<string>>()
  for (const entry of state.tasks.periodicTasks()) {
    const { task, args, options } = entry.signature
    const def = task.definition
    const queue = options.queue ?? state.queueOf(def)
    const id = `${SCHEDULER_PREFIX}${entry.name}`
    const repeat = entry.cron ? { pattern: entry.cron.expression, tz: 'UTC' } : { every: Math.round(entry.every! * 1000) }
    const data: JobData = { args: [...args] }
    await backend.queue(queue).upsertJobScheduler(id, repeat, {
      name: def.name,
      data,
      opts: jobOptions({ attempts: def.retries + 1, backoff: def.backoff, priority: options.priority ?? null }, expires),
    })
    if (!wanted.has(queue)) wanted.set(queue, new Set())
    wanted.get(queue)!.add(id)
  }
  // A periodic task removed from the code stops running: drop its scheduler.
  for (const queue of new Set([...state.knownQueues(), ...wanted.keys()])) {
    for (const scheduler of await backend.queue(queue).getJobSchedulers()) {
      const key = scheduler.key ?? scheduler.id
      if (key?.startsWith(SCHEDULER_PREFIX) && !wanted.get(queue)?.has(key)) await backend.queue(queue).removeJobScheduler(key)
    }
  }
}

/**
 * Starts a BullMQ worker per queue in this process.
 *
 * @example
 * ```ts
 * const handle = await startRedisWorker(state, { concurrency: 2 })
 * await handle.close()
 * ```
 */
export async function startRedisWorker(state: TasksState, options: WorkerOptions): Promise<WorkerHandle> {
  const { bullmq } = await loadBullMQ()
  const { app } = state
  const config = app.config
  const url = config.TASKS_BROKER_URL!
  const queues = options.queues && options.queues.length > 0 ? [...new Set(options.queues)] : state.knownQueues()
  const concurrency = options.concurrency ?? config.TASKS_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError(`The worker's concurrency must be a whole number ≥ 1, got ${String(concurrency)}.`)
  const lockDuration = Math.max(1000, Math.round(config.TASKS_VISIBILITY_TIMEOUT * 1000))
  const logger = app.logger
  let running = 0
  /** The attempts running now (a forced close aborts their signals). */
  const attempts = new RunningAttempts()

  /** BullMQ's error for one that must not be retried; others as they are. */
  const failure = (err: unknown): unknown =>
    err instanceof PermanentTaskError || err instanceof NotRegistered
      ? Object.assign(new bullmq.UnrecoverableError((err as Error).message), { stack: (err as Error).stack })
      : err
  const failed = (err: unknown): never => {
    running--
    throw failure(err)
  }
  /** After a successful attempt: the next link of its chain, then the result (to BullMQ). */
  const succeeded = (job: Job<JobData>, result: JsonValue, started: number): JsonValue | Promise<JsonValue> => {
    // Celery logs each success at INFO; here it is DEBUG, so that a busy worker's log stays readable (and cheap).
    if (logger.isLevelEnabled('debug')) logger.debug({ task: job.name, id: job.id }, `Task ${job.name}[${job.id}] succeeded in ${((performance.now() - started) / 1000).toFixed(3)}s`)
    const chain = (job.data.chain ?? null) as ChainLink[] | null
    if (chain === null || chain.length === 0) {
      running--
      return result
    }
    return state.continueChain({ chain }, result).then(() => {
      running--
      return result
    }, failed)
  }

  // Two parameters, not BullMQ's third (signal): with it BullMQ makes an AbortController per job.
  // Not async, and no async helpers: a synchronous task's result takes one resolved promise, an
  // async one a single `then` (each promise and async frame costs hook calls on Node 20).
  const processor = (job: Job<JobData>, token?: string): Promise<JsonValue> => {
    let def
    try {
      def = state.tasks.definition(job.name)
    } catch (err) {
      throw Object.assign(new bullmq.UnrecoverableError((err as Error).message), { stack: (err as Error).stack })
    }
    const wait = def.rateLimit?.take() ?? 0
    if (wait > 0 && token) {
      // Over the rate: put it back for later without spending an attempt.
      return job.moveToDelayed(Date.now() + wait, token).then(() => {
        throw new bullmq.DelayedError()
      })
    }
    const attempt = Math.max(1, job.attemptsStarted ?? job.attemptsMade + 1)
    const started = performance.now()
    running++
    let result
    try {
      result = runAttempt(app, def, { id: job.id!, args: job.data.args ?? [], attempt, queue: job.queueName }, attempts)
    } catch (err) {
      return failed(err)
    }
    if (result instanceof Promise) return result.then((value) => succeeded(job, value, started), failed)
    return Promise.resolve(succeeded(job, result, started))
  }

  const workers: Worker[] = []
  for (const queue of queues) {
    const worker = new bullmq.Worker<JobData, JsonValue>(queue, processor, {
      // BullMQ owns (and closes) connections it makes from options.
      connection: { url, maxRetriesPerRequest: null },
      prefix: config.TASKS_PREFIX,
      concurrency,
      lockDuration,
      stalledInterval: Math.min(30_000, lockDuration),
      name: `${hostname()}:${process.pid}`,
      autorun: false,
    })
    worker.on('failed', (job, err) => {
      if (!job) return
      const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof bullmq.UnrecoverableError
      const line = `Task ${job.name}[${job.id}] failed${final ? '' : ` (attempt ${job.attemptsMade} of ${job.opts.attempts}), retrying`}: ${err.message}`
      if (final) logger.error({ err, task: job.name, id: job.id }, line)
      else logger.warn({ err, task: job.name, id: job.id }, line)
    })
    worker.on('error', (err) => logger.warn({ err, queue }, `Task worker ${queue}: ${err.message}`))
    workers.push(worker)
  }
  for (const worker of workers) void worker.run()
  await Promise.all(workers.map((w) => w.waitUntilReady()))
  if (options.beat ?? config.TASKS_BEAT) await registerSchedules(state)

  return {
    queues,
    concurrency,
    running: () => running,
    async close(force = false) {
      if (force) attempts.abortAll(new Error('The worker was forced to stop.'))
      await Promise.all(workers.map((w) => w.close(force)))
    },
  }
}
