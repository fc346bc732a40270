/**
 * The per-app state of `phial/tasks` (`app.extensions.tasks`): the backend
 * chosen by `TASKS_BROKER_URL`, made on first use, and the sending of
 * messages (eager, in-process or to Redis).
 */
import { randomUUID } from 'node:crypto'
import { ServiceUnavailable, type Phial } from 'phial'
import type { MemoryBeat } from './beat.ts'
import type { ChainLink, TaskBackend, TaskMessage } from './backend.ts'
import { TaskFailedError } from './errors.ts'
import type { TaskDefinition } from './execute.ts'
import type { JsonValue } from './json.ts'
import { MemoryBackend } from './memory-backend.ts'
import { AsyncResult, type ResultSource } from './result.ts'
import type { ApplyOptions, Signature } from './task.ts'
import type { Tasks } from './tasks.ts'

const MAX_PRIORITY = 2_097_151

/**
 * Checks `applyAsync` options and turns them into a delay in milliseconds.
 *
 * @example
 * ```ts
 * delayOf('add', { countdown: 2 }) // 2000
 * ```
 */
export function delayOf(name: string, options: ApplyOptions): number {
  if (options.eta !== undefined) {
    const eta = options.eta instanceof Date ? options.eta : new Date(options.eta)
    if (Number.isNaN(eta.getTime())) throw new TypeError(`${name}.applyAsync(): eta ${String(options.eta)} is not a date.`)
    return Math.max(0, eta.getTime() - Date.now())
  }
  if (options.countdown !== undefined) {
    if (typeof options.countdown !== 'number' || !Number.isFinite(options.countdown) || options.countdown < 0) {
      throw new TypeError(`${name}.applyAsync(): countdown must be a number of seconds ≥ 0, got ${String(options.countdown)}.`)
    }
    return Math.round(options.countdown * 1000)
  }
  return 0
}

function checkOptions(name: string, options: ApplyOptions): void {
  const { priority, jobId } = options
  if (priority !== undefined && (!Number.isInteger(priority) || priority < 1 || priority > MAX_PRIORITY)) {
    throw new TypeError(`${name}.applyAsync(): priority must be a whole number from 1 (first) to ${MAX_PRIORITY}, got ${String(priority)}.`)
  }
  if (jobId !== undefined && (typeof jobId !== 'string' || jobId === '' || jobId.includes(':') || /^\d+$/.test(jobId))) {
    throw new TypeError(`${name}.applyAsync(): jobId must be a non-empty string that is not a number and has no ':' (BullMQ's rule), got ${JSON.stringify(jobId)}.`)
  }
}

/**
 * The state of `phial/tasks` for one app.
 *
 * @example
 * ```ts
 * const state = app.extensions.tasks as TasksState
 * (await state.backend()).kind // 'memory'
 * ```
 */
export class TasksState implements ResultSource {
  #backend: Promise<TaskBackend> | null = null
  #ready: TaskBackend | null = null
  #eager: MemoryBackend | null = null
  /** The in-process runner of periodic tasks, when there is one. */
  beat: MemoryBeat | null = null

  constructor(
    readonly tasks: Tasks,
    readonly app: Phial,
  ) {}

  /** True when tasks go to Redis. @example state.usesRedis */
  get usesRedis(): boolean {
    return Boolean(this.app.config.TASKS_BROKER_URL)
  }

  /** The queue a task goes to. @example state.queueOf(def) // 'default' */
  queueOf(def: TaskDefinition): string {
    return def.queue ?? this.app.config.TASKS_DEFAULT_QUEUE
  }

  /** The default queue and every queue a registered task names. @example state.knownQueues() // ['default', 'mail'] */
  knownQueues(): string[] {
    const queues = new Set<string>([this.app.config.TASKS_DEFAULT_QUEUE])
    for (const def of this.tasks.definitions()) queues.add(this.queueOf(def))
    return [...queues]
  }

  /** The backend, made on first use (BullMQ is imported then). @example const backend = await state.backend() */
  backend(): Promise<TaskBackend> {
    if (this.#backend === null) {
      const url = this.app.config.TASKS_BROKER_URL
      this.#backend = url
        ? import('./redis-backend.ts').then(({ createRedisBackend }) => createRedisBackend(this, url))
        : Promise.resolve(new MemoryBackend(this))
      this.#backend.then(
        (backend) => {
          this.#ready = backend
        },
        () => {
          this.#backend = null
        },
      )
    }
    return this.#backend
  }

  /** The in-process store of `TASKS_ALWAYS_EAGER` results. */
  eagerBackend(): MemoryBackend {
    return (this.#eager ??= new MemoryBackend(this))
  }

  /** Where results are read: the eager store in eager mode, else the backend. @example state.resultSource() */
  resultSource(): ResultSource {
    if (!this.app.config.TASKS_ALWAYS_EAGER) return this
    return { backend: async () => this.eagerBackend(), knownQueues: () => this.knownQueues() }
  }

  /** A result by id (Celery's `AsyncResult(id)`). @example state.result(id).get() */
  result<R = unknown>(id: string, taskName: string | null = null, queues: readonly string[] | null = null): AsyncResult<R> {
    return new AsyncResult<R>(id, taskName, this.resultSource(), queues)
  }

  /** The message of a task call. */
  message(def: TaskDefinition, args: JsonValue[], options: ApplyOptions, chain: ChainLink[] | null = null): TaskMessage {
    checkOptions(def.name, options)
    return {
      id: options.jobId ?? randomUUID(),
      task: def.name,
      args,
      queue: options.queue ?? this.queueOf(def),
      delay: delayOf(def.name, options),
      priority: options.priority ?? null,
      attempts: def.retries + 1,
      backoff: def.backoff,
      chain: chain && chain.length > 0 ? chain : null,
    }
  }

  /** A later link of a chain, with its id chosen now. */
  linkFor(sig: Signature): ChainLink {
    const def = sig.task.definition
    const { delay: _delay, chain: _chain, ...link } = this.message(def, [...sig.args], sig.options)
    return link
  }

  /** Sends a task call and returns its result; bad options throw here, synchronously. */
  apply(def: TaskDefinition, args: JsonValue[], options: ApplyOptions, chain: ChainLink[] | null = null): Promise<AsyncResult> {
    return this.#deliver(def, this.message(def, args, options, chain))
  }

  #deliver(def: TaskDefinition, message: TaskMessage): Promise<AsyncResult> {
    // The common case in one step (a `then`, no async frames): one task to Redis, not eager.
    const ready = this.#ready
    if (ready !== null && !this.app.config.TASKS_ALWAYS_EAGER) {
      return ready.enqueue(message).then(
        () => new AsyncResult(message.id, def.name, this, [message.queue]),
        (err: unknown) => this.#refused(message, err),
      )
    }
    return this.#deliverSlowly(def, message)
  }

  async #deliverSlowly(def: TaskDefinition, message: TaskMessage): Promise<AsyncResult> {
    await this.send(message)
    const queues = [message.queue]
    if (!this.app.config.TASKS_ALWAYS_EAGER) return new AsyncResult(message.id, def.name, this, queues)
    const result = new AsyncResult(message.id, def.name, this.resultSource(), queues)
    if (this.app.config.TASKS_EAGER_PROPAGATES) {
      const outcome = await result.outcome()
      if (outcome.status === 'FAILURE') throw new TaskFailedError(def.name, message.id, outcome.error)
    }
    return result
  }

  /** Sends the first link of a chain, carrying the rest. */
  applyChain(first: Signature, tail: ChainLink[]): Promise<AsyncResult> {
    return this.apply(first.task.definition, [...first.args], first.options, tail)
  }

  /**
   * Queues a message: runs it now in eager mode; otherwise hands it to the
   * backend, and answers a 503 `ServiceUnavailable` when Redis does not take
   * it within `TASKS_ENQUEUE_TIMEOUT` seconds.
   */
  async send(message: TaskMessage): Promise<void> {
    if (this.app.config.TASKS_ALWAYS_EAGER) {
      await this.eagerBackend().runNow(message)
      return
    }
    try {
      // Once connected, the connection's command timeout bounds each enqueue: no timer per task.
      const backend = this.#ready ?? (await this.#connect())
      await backend.enqueue(message)
    } catch (err) {
      this.#refused(message, err)
    }
  }

  /** A message the backend did not take: a 503 `ServiceUnavailable` for Redis (logged), else the error itself. */
  #refused(message: TaskMessage, err: unknown): never {
    if (!this.usesRedis || err instanceof TypeError) throw err
    const reason = err instanceof Error ? err.message : String(err)
    this.app.logger.error({ err, task: message.task }, `Could not queue task ${message.task}: ${reason}`)
    throw new ServiceUnavailable(`The task queue is not available (Redis: ${reason}). Try again in a moment.`)
  }

  /** The backend, waiting at most `TASKS_ENQUEUE_TIMEOUT` seconds for it. */
  async #connect(): Promise<TaskBackend> {
    const seconds = this.app.config.TASKS_ENQUEUE_TIMEOUT
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${seconds} s`)), seconds * 1000)
    })
    try {
      return await Promise.race([this.backend(), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  /** After a link succeeded: sends the next one with the result put first. */
  async continueChain(message: Pick<TaskMessage, 'chain'>, result: JsonValue): Promise<void> {
    const chain = message.chain
    if (!chain || chain.length === 0) return
    const [next, ...rest] = chain as [ChainLink, ...ChainLink[]]
    await this.send({ ...next, args: [result, ...next.args], delay: 0, chain: rest.length > 0 ? rest : null })
  }

  /** Closes the backend's connections (Redis) and timers. @example await state.close() */
  async close(): Promise<void> {
    const backend = this.#backend
    this.#backend = null
    this.#ready = null
    if (backend) await (await backend.catch(() => null))?.close()
    await this.#eager?.close()
    this.#eager = null
  }
}
