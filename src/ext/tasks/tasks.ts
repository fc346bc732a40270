/**
 * `Tasks` (Celery's app object, bound to Phial apps as an extension): the
 * registry of tasks and periodic tasks, and `initApp`.
 */
import { currentContext, hasContext, type Phial } from 'phial'
import type { Backoff } from './backend.ts'
import { MemoryBeat } from './beat.ts'
import { registerTaskCommands } from './cli.ts'
import { applyTasksDefaults } from './config.ts'
import { CronSchedule } from './cron.ts'
import { NotRegistered } from './errors.ts'
import type { TaskDefinition } from './execute.ts'
import { parseRateLimit, TokenBucket } from './rate-limit.ts'
import type { AsyncResult } from './result.ts'
import { TasksState } from './state.ts'
import { Signature, Task } from './task.ts'
import type { WorkerHandle, WorkerOptions } from './worker-types.ts'

/**
 * Options of `tasks.task(name, fn, options)`. Durations are in seconds, as in Celery.
 *
 * @example
 * ```ts
 * tasks.task('sync', syncAccount, { retries: 5, backoff: { type: 'exponential', delay: 1 }, timeout: 30, queue: 'sync', rateLimit: '10/m' } satisfies TaskOptions)
 * ```
 */
export interface TaskOptions {
  /** Runs again after a failure, this many times at most (Celery's `max_retries` with `autoretry_for`). Default 0. */
  readonly retries?: number
  /** Seconds between retries (fixed), or `{ type: 'exponential', delay }`. Default: none. */
  readonly backoff?: number | Backoff
  /** Seconds an attempt may run before it fails with `TaskTimeLimitExceeded` (Celery's `time_limit`). Default: none. */
  readonly timeout?: number
  /** Its queue; default `TASKS_DEFAULT_QUEUE`. */
  readonly queue?: string
  /** At most this many runs per worker process: `'10/s'`, `'100/m'`, `'1000/h'`, or a number per second. */
  readonly rateLimit?: string | number
}

/**
 * A periodic task (an entry of Celery beat's schedule).
 *
 * @example
 * ```ts
 * const entry: PeriodicTask = tasks.periodic('cleanup', '0 3 * * *', cleanup.s())
 * entry.cron?.next() // the next 03:00 UTC
 * ```
 */
export interface PeriodicTask {
  readonly name: string
  /** The cron expression (UTC), or null for an interval. */
  readonly cron: CronSchedule | null
  /** The interval in seconds, or null for a cron expression. */
  readonly every: number | null
  readonly signature: Signature
}

const PENDING = 'tasks:pending'

function positive(name: string, option: string, value: unknown, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new TypeError(`Task '${name}': ${option} must be a ${allowZero ? 'number ≥ 0' : 'positive number'} (seconds for durations), got ${String(value)}.`)
  }
  return value
}

function toBackoff(name: string, backoff: TaskOptions['backoff']): Backoff | null {
  if (backoff === undefined) return null
  if (typeof backoff === 'number') return { type: 'fixed', delay: positive(name, 'backoff', backoff, true) }
  if (backoff === null || typeof backoff !== 'object' || (backoff.type !== 'fixed' && backoff.type !== 'exponential')) {
    throw new TypeError(`Task '${name}': backoff must be seconds or { type: 'fixed' | 'exponential', delay: seconds }.`)
  }
  return { type: backoff.type, delay: positive(name, 'backoff.delay', backoff.delay, true) }
}

/**
 * Runs `fn` with the app's `Tasks` once `phial/tasks` is set up on it (now,
 * or later in `tasks.initApp(app)`): how another extension (`phial/mail`)
 * adds its tasks whatever the order of the `initApp` calls.
 *
 * @example
 * ```ts
 * whenTasksReady(app, (tasks) => tasks.task('mail.send', sendMail))
 * ```
 */
export function whenTasksReady(app: Phial, fn: (tasks: Tasks) => void): void {
  const state = app.extensions.tasks
  if (state instanceof TasksState) return fn(state.tasks)
  const pending = (app.extensions[PENDING] ??= []) as ((tasks: Tasks) => void)[]
  pending.push(fn)
}

/**
 * Background tasks for Phial apps (Celery). Tasks are registered on the
 * instance; `initApp(app)` binds it to an app whose config chooses the
 * backend: in-process by default, BullMQ on Redis with `TASKS_BROKER_URL`.
 * Each task runs inside `app.appContext()`.
 *
 * @example
 * ```ts
 * import { Tasks } from 'phial/tasks'
 *
 * export const tasks = new Tasks()
 * export const add = tasks.task('add', (x: number, y: number) => x + y)
 *
 * export function createApp() {
 *   const app = new Phial(import.meta.url)
 *   app.config.TASKS_BROKER_URL = process.env.REDIS_URL ?? null
 *   tasks.initApp(app)
 *   app.post('/add', async () => ({ id: (await add.delay(2, 3)).id }))
 *   return app
 * }
 * ```
 */
export class Tasks {
  readonly #definitions = new Map<string, TaskDefinition>()
  readonly #periodic = new Map<string, PeriodicTask>()
  readonly #states = new Set<TasksState>()
  #default: TasksState | null = null

  /** @example const tasks = new Tasks(app)   // or new Tasks() then tasks.initApp(app) */
  constructor(app?: Phial) {
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Binds the instance to an app: `app.extensions.tasks`, the `TASKS_*`
   * defaults, the `phial worker` and `phial tasks` commands, and, for the
   * in-process backend, the periodic tasks.
   *
   * @example
   * ```ts
   * tasks.initApp(app)
   * ```
   */
  initApp(app: Phial): void {
    applyTasksDefaults(app.config)
    const state = new TasksState(this, app)
    app.extensions.tasks = state
    this.#states.add(state)
    this.#default = state
    registerTaskCommands(app, this)
    const pending = app.extensions[PENDING] as ((tasks: Tasks) => void)[] | undefined
    delete app.extensions[PENDING]
    for (const fn of pending ?? []) fn(this)
    if (!state.usesRedis && app.config.TASKS_BEAT && !app.config.TASKS_ALWAYS_EAGER) {
      state.beat = new MemoryBeat(state, () => this.periodicTasks())
    }
  }

  /**
   * Registers a task and returns it (Celery's `@app.task`). The arguments
   * and the result must be JSON.
   *
   * @example
   * ```ts
   * export const sendReport = tasks.task('reports.send', async (userId: number) => {
   *   const user = await db.users.get(userId)   // inside app.appContext(): currentApp works
   *   return { sentTo: user.email }
   * }, { retries: 3, backoff: 10 })
   * ```
   */
  task<A extends unknown[], R>(name: string, fn: (...args: A) => R, options: TaskOptions = {}): Task<A, Awaited<R>> {
    if (typeof name !== 'string' || name.trim() === '') throw new TypeError('tasks.task() needs a name, e.g. tasks.task(\'add\', (x, y) => x + y).')
    if (typeof fn !== 'function') throw new TypeError(`Task '${name}' needs a function.`)
    if (this.#definitions.has(name)) throw new Error(`A task named '${name}' is already registered; task names are unique (Celery's task names).`)
    const retries = options.retries ?? 0
    if (!Number.isInteger(retries) || retries < 0) throw new TypeError(`Task '${name}': retries must be a whole number ≥ 0, got ${String(retries)}.`)
    if (options.queue !== undefined && (typeof options.queue !== 'string' || options.queue === '' || options.queue.includes(':'))) {
      throw new TypeError(`Task '${name}': queue must be a non-empty name without ':', got ${JSON.stringify(options.queue)}.`)
    }
    const def: TaskDefinition = {
      name,
      fn: fn as TaskDefinition['fn'],
      retries,
      backoff: toBackoff(name, options.backoff),
      timeout: options.timeout === undefined ? null : positive(name, 'timeout', options.timeout),
      queue: options.queue ?? null,
      rateLimit: options.rateLimit === undefined ? null : new TokenBucket(parseRateLimit(options.rateLimit)),
    }
    this.#definitions.set(name, def)
    return new Task<A, Awaited<R>>(def, this)
  }

  /**
   * Runs a signature on a schedule (Celery beat): a cron expression (five
   * fields, or six with seconds; UTC) or `{ every: seconds }`. In-process,
   * the app runs it; on Redis, each `phial worker` registers it with BullMQ,
   * which creates each run once however many workers there are.
   *
   * @example
   * ```ts
   * tasks.periodic('nightly-cleanup', '0 3 * * *', cleanup.s())
   * tasks.periodic('heartbeat', { every: 30 }, ping.s('hello'))
   * ```
   */
  periodic(name: string, schedule: string | { every: number }, target: Signature | Task<[]>): PeriodicTask {
    if (typeof name !== 'string' || name === '' || name.includes(':')) throw new TypeError(`A periodic task needs a name without ':', got ${JSON.stringify(name)}.`)
    if (this.#periodic.has(name)) throw new Error(`A periodic task named '${name}' is already defined.`)
    const signature = target instanceof Task ? target.s() : target
    if (!(signature instanceof Signature)) throw new TypeError(`Periodic task '${name}' needs a task or a signature (task.s(...args)).`)
    let entry: PeriodicTask
    if (typeof schedule === 'string') entry = { name, cron: CronSchedule.parse(schedule), every: null, signature }
    else if (schedule && typeof schedule === 'object' && typeof schedule.every === 'number' && schedule.every > 0) {
      entry = { name, cron: null, every: schedule.every, signature }
    } else throw new TypeError(`Periodic task '${name}': the schedule is a cron string ('*/5 * * * *') or { every: seconds }.`)
    this.#periodic.set(name, entry)
    for (const state of this.#states) state.beat?.add(entry)
    return entry
  }

  /** The periodic tasks, in definition order. @example tasks.periodicTasks().map((p) => p.name) */
  periodicTasks(): PeriodicTask[] {
    return [...this.#periodic.values()]
  }

  /** A registered task's definition; throws `NotRegistered`. @example tasks.definition('add').retries */
  definition(name: string): TaskDefinition {
    const def = this.#definitions.get(name)
    if (def === undefined) throw new NotRegistered(name, this.#definitions.keys())
    return def
  }

  /** Every registered task. @example tasks.definitions().map((d) => d.name) */
  definitions(): TaskDefinition[] {
    return [...this.#definitions.values()]
  }

  /**
   * The state of `app`, or of the current app (inside a request, a command
   * or a task), or of the app last set up.
   *
   * @example
   * ```ts
   * const backend = await tasks.stateFor(app).backend()
   * ```
   */
  stateFor(app?: Phial): TasksState {
    const target = app ?? (hasContext() ? currentContext().app : null)
    if (target) {
      const state = target.extensions.tasks
      if (state instanceof TasksState && state.tasks === this) return state
      if (app) throw new Error(`phial/tasks is not set up for the app '${app.name}': call tasks.initApp(app) first.`)
    }
    if (this.#default) return this.#default
    throw new Error('phial/tasks is not set up: call tasks.initApp(app) before sending tasks.')
  }

  /**
   * A result by id (Celery's `AsyncResult(id)`), e.g. one sent by another process.
   *
   * @example
   * ```ts
   * app.get('/jobs/<id>', async ({ id }) => ({ status: await tasks.result(id).status() }))
   * ```
   */
  result<R = unknown>(id: string, app?: Phial): AsyncResult<R> {
    return this.stateFor(app).result<R>(id)
  }

  /**
   * Starts workers in this process for the app's queues on Redis (what
   * `phial worker` runs). Resolves once they are connected.
   *
   * @example
   * ```ts
   * const worker = await tasks.startWorker(app, { concurrency: 4, queues: ['default', 'mail'] })
   * // ...
   * await worker.close()   // lets running tasks finish
   * ```
   */
  async startWorker(app?: Phial, options: WorkerOptions = {}): Promise<WorkerHandle> {
    const state = this.stateFor(app)
    if (!state.usesRedis) {
      throw new Error('A worker runs tasks from Redis: set TASKS_BROKER_URL (e.g. redis://127.0.0.1:6379). Without it, tasks already run inside the app process.')
    }
    const { startRedisWorker } = await import('./redis-worker.ts')
    return startRedisWorker(state, options)
  }

  /**
   * Closes the connections and timers of `app` (or of every app): for the end of a script or a test.
   *
   * @example
   * ```ts
   * afterAll(() => tasks.close())
   * ```
   */
  async close(app?: Phial): Promise<void> {
    const states = app ? [this.stateFor(app)] : [...this.#states]
    for (const state of states) {
      state.beat?.stop()
      await state.close()
    }
  }
}
