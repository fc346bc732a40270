/**
 * The BullMQ backend, producer side: one BullMQ `Queue` per queue name on a
 * shared connection that fails fast when Redis is down (so a request gets a
 * 503 instead of hanging), and results read from the jobs.
 */
import type { EventEmitter } from 'node:events'
import type { Job, JobsOptions, Queue, QueueEvents } from 'bullmq'
import type { Command, Redis } from 'ioredis'
import type { Outcome, QueueStats, TaskBackend, TaskMessage, TaskStatus } from './backend.ts'
import { loadBullMQ, storedError, type RedisModules } from './bullmq.ts'
import { ResultTimeoutError } from './errors.ts'
import type { TasksState } from './state.ts'

/**
 * The job data BullMQ stores for a task: its arguments, and the links still
 * to run when it is the first link of a chain (absent otherwise: BullMQ
 * stores, sends and parses the data of every job as JSON).
 *
 * @example
 * ```ts
 * const data: JobData = { args: [2, 3] }
 * ```
 */
export interface JobData {
  readonly args: TaskMessage['args']
  readonly chain?: TaskMessage['chain']
}

/**
 * BullMQ job options of a message (shared with the worker's schedulers).
 *
 * @example
 * ```ts
 * queue.add(message.task, data, jobOptions(message, 86400))
 * ```
 */
export function jobOptions(message: Pick<TaskMessage, 'attempts' | 'backoff' | 'priority'>, expires: number): JobsOptions {
  // Built field by field (no spreads): this runs for every task sent.
  const options: JobsOptions = { attempts: message.attempts, removeOnComplete: { age: expires }, removeOnFail: { age: expires } }
  if (message.backoff) options.backoff = { type: message.backoff.type, delay: Math.round(message.backoff.delay * 1000) }
  if (message.priority !== null) options.priority = message.priority
  return options
}

/**
 * Tasks on Redis through BullMQ.
 *
 * @example
 * ```ts
 * const backend = await createRedisBackend(state, 'redis://127.0.0.1:6379')
 * await backend.enqueue(message)
 * ```
 */
export class RedisBackend implements TaskBackend {
  readonly kind = 'redis' as const
  readonly #queues = new Map<string, Queue>()
  readonly #events = new Map<string, QueueEvents>()

  constructor(
    private readonly modules: RedisModules,
    private readonly state: TasksState,
    /** The producer connection: no offline queue, so commands fail at once while Redis is down. */
    readonly connection: Redis,
    readonly url: string,
    /** The producer connection's command timeout (see {@link CommandWatchdog}). */
    private readonly watch: { stop(): void } = { stop() {} },
  ) {}

  get #prefix(): string {
    return this.state.app.config.TASKS_PREFIX
  }

  /** The BullMQ queue of a name (made once). @example backend.queue('default').getJobCounts() */
  queue(name: string): Queue {
    let queue = this.#queues.get(name)
    if (!queue) {
      queue = new this.modules.bullmq.Queue(name, { connection: this.connection, prefix: this.#prefix })
      queue.on('error', (err) => this.state.app.logger.warn({ err, queue: name }, `Task queue ${name}: ${err.message}`))
      queue.setMaxListeners(0) // waitUntilFinished listens for 'closing' on the queue, once per waiting get()
      this.#queues.set(name, queue)
    }
    return queue
  }

  #eventsOf(name: string): QueueEvents {
    let events = this.#events.get(name)
    if (!events) {
      events = new this.modules.bullmq.QueueEvents(name, { connection: { url: this.url }, prefix: this.#prefix })
      events.on('error', (err) => this.state.app.logger.warn({ err, queue: name }, `Task events ${name}: ${err.message}`))
      // Each waiting get() listens for its job: many at once are normal, not a leak.
      events.setMaxListeners(0)
      this.#events.set(name, events)
    }
    return events
  }

  /** Resolves (with BullMQ's job, which callers ignore) once Redis has the job. */
  enqueue(message: TaskMessage): Promise<unknown> {
    const data: JobData = message.chain === null ? { args: message.args } : { args: message.args, chain: message.chain }
    const options: JobsOptions = jobOptions(message, this.state.app.config.TASKS_RESULT_EXPIRES)
    options.jobId = message.id
    if (message.delay > 0) options.delay = message.delay
    return this.queue(message.queue).add(message.task, data, options)
  }

  async #find(id: string, queues: readonly string[]): Promise<{ job: Job; queue: string } | null> {
    for (const name of queues) {
      const job = await this.modules.bullmq.Job.fromId(this.queue(name), id)
      if (job) return { job, queue: name }
    }
    return null
  }

  async status(id: string, queues: readonly string[]): Promise<TaskStatus> {
    const found = await this.#find(id, queues)
    if (!found) return 'PENDING'
    const state = await found.job.getState()
    switch (state) {
      case 'active':
        return 'STARTED'
      case 'completed':
        return 'SUCCESS'
      case 'failed':
        return 'FAILURE'
      case 'delayed':
        return found.job.attemptsMade > 0 ? 'RETRY' : 'PENDING'
      default:
        return found.job.attemptsMade > 0 ? 'RETRY' : 'PENDING'
    }
  }

  /** The outcome of a finished job, or null while it is not finished (or does not exist). */
  async #finished(queue: string, id: string): Promise<Outcome | null> {
    // The state first, then the job: a job read before it finished would carry no result yet.
    const state = await this.queue(queue).getJobState(id)
    if (state !== 'completed' && state !== 'failed') return null
    const job = await this.modules.bullmq.Job.fromId(this.queue(queue), id)
    if (!job) return null
    if (state === 'completed') return { status: 'SUCCESS', result: job.returnvalue ?? null }
    return { status: 'FAILURE', error: storedError(job.failedReason, job.stacktrace) }
  }

  /**
   * Waits for the job. The queue's events wake the wait at once; a check of
   * the job's state on a slowing timer (50 ms up to 1 s) is the safety net,
   * because a job that finishes while the events connection starts reading
   * would otherwise be missed (BullMQ reads the stream from '$'). It also
   * covers a chain's later link, which exists only once the link before it
   * has finished.
   */
  async wait(id: string, queues: readonly string[], timeout: number | null): Promise<Outcome> {
    const deadline = timeout === null ? null : Date.now() + timeout * 1000
    let queue = (await this.#find(id, queues))?.queue ?? null
    const queueEvents = queue === null ? null : this.#eventsOf(queue)
    await queueEvents?.waitUntilReady()
    // Per-job event names ('completed:<id>') are emitted but not in BullMQ's listener types.
    const events = queueEvents as EventEmitter | null
    return new Promise<Outcome>((resolve, reject) => {
      let done = false
      let timer: NodeJS.Timeout | undefined
      const finish = (settle: () => void): void => {
        if (done) return
        done = true
        clearTimeout(timer)
        events?.off(`completed:${id}`, onEvent)
        events?.off(`failed:${id}`, onEvent)
        settle()
      }
      const check = async (): Promise<void> => {
        if (queue === null) queue = (await this.#find(id, queues))?.queue ?? null
        const outcome = queue === null ? null : await this.#finished(queue, id)
        if (outcome) finish(() => resolve(outcome))
      }
      const onEvent = (): void => {
        check().catch((err: unknown) => finish(() => reject(err)))
      }
      events?.on(`completed:${id}`, onEvent)
      events?.on(`failed:${id}`, onEvent)
      const tick = (pause: number): void => {
        check().then(
          () => {
            if (done) return
            const left = deadline === null ? Infinity : deadline - Date.now()
            if (left <= 0) return finish(() => reject(new ResultTimeoutError(id, (timeout ?? 0) * 1000)))
            timer = setTimeout(() => tick(Math.min(1000, pause * 2)), Math.min(pause, left))
          },
          (err: unknown) => finish(() => reject(err)),
        )
      }
      tick(50)
    })
  }

  async stats(queues: readonly string[]): Promise<QueueStats[]> {
    return Promise.all(
      queues.map(async (queue) => {
        const c = await this.queue(queue).getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed')
        return {
          queue,
          waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          completed: c.completed ?? 0,
          failed: c.failed ?? 0,
        }
      }),
    )
  }

  async purge(queues: readonly string[]): Promise<number> {
    let removed = 0
    for (const name of queues) {
      const queue = this.queue(name)
      const c = await queue.getJobCounts('waiting', 'prioritized', 'delayed')
      removed += (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0)
      await queue.drain(true)
    }
    return removed
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#events.values()].map((e) => e.close()))
    await Promise.allSettled([...this.#queues.values()].map((q) => q.close()))
    this.#events.clear()
    this.#queues.clear()
    this.watch.stop()
    this.connection.disconnect()
  }
}

/**
 * Fails every command sent on a connection that Redis has not answered
 * within `ms` with ioredis's own "Command timed out" error, as its
 * `commandTimeout` option does, but with one timer for the connection
 * instead of one per command. ioredis's per-command timer (a `Timeout`, a
 * closure, and a `delete` that turns each command into a dictionary object)
 * was about 1.1 KB of garbage per task sent; under callgrind it cost ~8,000
 * instructions per command, this ~5,000 (bench/OPTIMISATIONS.md). The
 * commands are answered in the order they were sent, so the oldest one not
 * answered is the next to time out; the timer waits for it, and answered
 * commands are dropped from the front as new ones are sent. A rejected
 * command stays in the list until the timer passes it (its `isResolved`
 * stays false), which bounds the list by the commands of `ms`. The
 * connection shows it each command from {@link watchedRedis}'s subclass
 * (no method replaced on an object ioredis owns).
 *
 * @example
 * ```ts
 * const watchdog = new CommandWatchdog(5000)
 * const connection = new (watchedRedis(Redis, watchdog))(url, { enableOfflineQueue: false })
 * watchdog.stop() // on close
 * ```
 */
export class CommandWatchdog {
  readonly #sent: (Command | null)[] = []
  readonly #times: number[] = []
  #head = 0
  #timer: NodeJS.Timeout | null = null
  #stopped = false

  constructor(readonly ms: number) {}

  /** A command is being sent now. */
  sent(command: Command): void {
    const sent = this.#sent
    while (this.#head < sent.length && sent[this.#head]!.isResolved) this.#drop()
    if (this.#stopped) return
    sent.push(command)
    this.#times.push(performance.now())
    if (this.#timer === null) this.#arm(this.ms)
  }

  /** Clears the timer and forgets the commands (the connection is closing). */
  stop(): void {
    this.#stopped = true
    if (this.#timer !== null) clearTimeout(this.#timer)
    this.#timer = null
    this.#sent.length = 0
    this.#times.length = 0
    this.#head = 0
  }

  #arm(wait: number): void {
    this.#timer = setTimeout(() => this.#check(), wait)
    this.#timer.unref() // the socket keeps the process up while a command is out
  }

  #drop(): void {
    const sent = this.#sent
    sent[this.#head] = null
    this.#head++
    if (this.#head === sent.length) {
      sent.length = 0
      this.#times.length = 0
      this.#head = 0
    } else if (this.#head >= 1024 && this.#head * 2 >= sent.length) {
      sent.splice(0, this.#head)
      this.#times.splice(0, this.#head)
      this.#head = 0
    }
  }

  #check(): void {
    this.#timer = null
    const now = performance.now()
    while (this.#head < this.#sent.length) {
      const command = this.#sent[this.#head]!
      if (!command.isResolved) {
        const left = this.#times[this.#head]! + this.ms - now
        if (left > 0) return this.#arm(left)
        command.reject(new Error('Command timed out'))
      }
      this.#drop()
    }
  }
}

/**
 * ioredis's `Redis` with each command shown to `watchdog` as it is sent.
 *
 * @example
 * ```ts
 * const connection = new (watchedRedis(Redis, new CommandWatchdog(5000)))(url)
 * ```
 */
export function watchedRedis(Base: RedisModules['Redis'], watchdog: CommandWatchdog): RedisModules['Redis'] {
  return class WatchedRedis extends Base {
    override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
      watchdog.sent(command)
      return super.sendCommand(command, stream)
    }
  }
}

/**
 * Connects to Redis (within `TASKS_ENQUEUE_TIMEOUT`) and makes the backend.
 *
 * @example
 * ```ts
 * const backend = await createRedisBackend(state, app.config.TASKS_BROKER_URL!)
 * ```
 */
export async function createRedisBackend(state: TasksState, url: string): Promise<RedisBackend> {
  const modules = await loadBullMQ()
  // A Redis that accepts the connection but does not answer fails each command in time, too.
  const watchdog = new CommandWatchdog(state.app.config.TASKS_ENQUEUE_TIMEOUT * 1000)
  const connection = new (watchedRedis(modules.Redis, watchdog))(url, {
    enableOfflineQueue: false,
    lazyConnect: true,
    connectTimeout: state.app.config.TASKS_ENQUEUE_TIMEOUT * 1000,
    // No commandTimeout (a timer per command): the CommandWatchdog does its job with one.
    // Reconnect for ever (Redis may come back), but never queue commands meanwhile.
    retryStrategy: (times) => Math.min(times * 200, 2000),
  })
  connection.on('error', () => {
    // Reported where a command fails; without a listener ioredis prints every retry.
  })
  try {
    await connection.connect()
  } catch (err) {
    watchdog.stop()
    connection.disconnect()
    throw err
  }
  return new RedisBackend(modules, state, connection, url, watchdog)
}
