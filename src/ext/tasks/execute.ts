/**
 * Running one attempt of a task: inside `app.appContext()`, with the task's
 * request (id, attempt, abort signal) available through `currentTask()`, a
 * time limit, and a JSON check of the result. Both backends use it.
 */
import { appcontextPopped, appcontextTearingDown, currentContext, hasContext, type Context, type Phial } from 'phial'
import type { Backoff } from './backend.ts'
import { PermanentTaskError, TaskTimeLimitExceeded } from './errors.ts'
import { assertJson, type JsonValue } from './json.ts'
import type { TokenBucket } from './rate-limit.ts'

/**
 * A registered task: its function and options, as the worker sees them.
 *
 * @example
 * ```ts
 * const def: TaskDefinition = tasks.definition('add')
 * def.retries // 0
 * ```
 */
export interface TaskDefinition {
  readonly name: string
  readonly fn: (...args: never[]) => unknown
  readonly retries: number
  readonly backoff: Backoff | null
  /** Seconds, or null. */
  readonly timeout: number | null
  /** null: the app's `TASKS_DEFAULT_QUEUE`. */
  readonly queue: string | null
  readonly rateLimit: TokenBucket | null
}

/**
 * What a running task knows about itself (Celery's `self.request`).
 *
 * @example
 * ```ts
 * tasks.task('import', async (url: string) => {
 *   const { id, attempt, signal } = currentTask()
 *   const res = await fetch(url, { signal })
 *   console.log(`task ${id}, attempt ${attempt}`)
 * })
 * ```
 */
export interface TaskRequest {
  readonly id: string
  readonly name: string
  readonly args: readonly JsonValue[]
  /** 1 on the first run, 2 on the first retry… */
  readonly attempt: number
  /** How many retries the task allows in all. */
  readonly retries: number
  readonly queue: string
  /** Aborted when the attempt times out or the worker is forced to stop. */
  readonly signal: AbortSignal
}

/**
 * The request of each running task, kept on the app context it runs in,
 * under a symbol (invisible to `g` and to the context's own fields). Not an
 * AsyncLocalStorage of its own: on Node 20 every enabled AsyncLocalStorage
 * adds a hook call to every promise the process makes (BullMQ's and
 * ioredis's included), while the app context is there anyway. Not a
 * WeakMap either: one entry per job, keyed by a short-lived object, cost
 * about 1.3 µs of CPU each (mostly the garbage collector's ephemeron work)
 * against some 50 ns for a property, in a micro-benchmark of that churn.
 */
const REQUEST = Symbol('phial.tasks.request')

/** A context that may carry a task's request. */
type TaskContext = Context & { [REQUEST]?: TaskRequest }

/**
 * The request of the task running now; throws outside a task (and inside
 * another `app.appContext()` opened by the task: that is a context of its own).
 *
 * @example
 * ```ts
 * tasks.task('hello', () => `hello from attempt ${currentTask().attempt}`)
 * ```
 */
export function currentTask(): TaskRequest {
  const request = hasContext() ? (currentContext() as TaskContext)[REQUEST] : undefined
  if (request === undefined) throw new Error('currentTask() was called outside a running task.')
  return request
}

/**
 * The attempts a worker is running, for a forced stop to abort their
 * signals. Only attempts that made their signal are kept (most never do, and
 * adding and removing every attempt in a Set was garbage per job); one that
 * makes it after the stop gets it already aborted, as if it had been made
 * before.
 *
 * @example
 * ```ts
 * const running = new RunningAttempts()
 * runAttempt(app, def, job, running)
 * running.abortAll(new Error('The worker was forced to stop.'))
 * ```
 */
export class RunningAttempts {
  /** Attempts whose signal exists and that have not finished. */
  readonly #withSignal = new Set<AttemptRequest>()
  #stopped = false
  #reason: unknown = undefined

  /** Aborts the signal of every running attempt, now and when one is made later. */
  abortAll(reason: unknown): void {
    this.#stopped = true
    this.#reason = reason
    for (const request of this.#withSignal) request.abort(reason)
  }

  /** @internal An attempt made its signal. */
  track(request: AttemptRequest): void {
    if (this.#stopped) request.abort(this.#reason)
    else this.#withSignal.add(request)
  }

  /** @internal An attempt with a signal finished. */
  untrack(request: AttemptRequest): void {
    this.#withSignal.delete(request)
  }
}

/**
 * The request of one attempt. Its signal is made when the task asks for it
 * (or something aborts it): most tasks never do, and an AbortController per
 * job was a measurable part of the worker's CPU time.
 */
class AttemptRequest implements TaskRequest {
  #controller: AbortController | null = null
  /** The worker's running attempts while this one runs; null once it finished (or outside a worker). */
  #running: RunningAttempts | null
  readonly id: string
  readonly name: string
  readonly args: readonly JsonValue[]
  readonly attempt: number
  readonly retries: number
  readonly queue: string

  constructor(def: TaskDefinition, job: { readonly id: string; readonly args: readonly JsonValue[]; readonly attempt: number; readonly queue: string }, running: RunningAttempts | null) {
    this.id = job.id
    this.name = def.name
    this.args = job.args
    this.attempt = job.attempt
    this.retries = def.retries
    this.queue = job.queue
    this.#running = running
  }

  get signal(): AbortSignal {
    return this.#made().signal
  }

  abort(reason: unknown): void {
    const controller = this.#made()
    if (!controller.signal.aborted) controller.abort(reason)
  }

  #made(): AbortController {
    if (this.#controller === null) {
      this.#controller = new AbortController()
      this.#running?.track(this)
    }
    return this.#controller
  }

  /** The attempt is over: a forced stop no longer concerns it. */
  finish(): void {
    if (this.#controller !== null) this.#running?.untrack(this)
    this.#running = null
  }
}

/** True for a promise or any other thenable (what `await` would wait for). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
}

/**
 * Whether leaving an app context has teardown work (hooks or receivers of
 * the teardown signals). Without any, the task's function is called from a
 * plain callback: a synchronous task then costs no promise at all, and an
 * async one no extra async frame. With some, the callback is async, so that
 * `app.appContext()` waits for the teardown before the attempt is done.
 */
function hasTeardown(app: Phial): boolean {
  return app.teardownAppcontextFuncs.length > 0 || appcontextTearingDown.receiversCount > 0 || appcontextPopped.receiversCount > 0
}

/** The attempt's value as a stored result: `undefined` becomes `null`; anything not JSON fails for good. */
function resultOf(def: TaskDefinition, value: unknown): JsonValue {
  const result = value === undefined ? null : value
  // A string, boolean, null or finite number is JSON as it is: no check (whose Set of seen values is garbage per job).
  if (result === null || typeof result === 'string' || typeof result === 'boolean' || (typeof result === 'number' && Number.isFinite(result))) return result
  try {
    assertJson(result, `Task ${def.name} returned a value that cannot be stored:`)
  } catch (err) {
    // Running it again would return the same kind of value: no retry.
    throw new PermanentTaskError((err as Error).message)
  }
  return result
}

/**
 * Runs one attempt and gives its JSON result (`undefined` becomes `null`):
 * the value itself when the task is synchronous and nothing waits (no time
 * limit, no teardown), else a promise. Throws (or rejects) with the task's
 * error, a `TaskTimeLimitExceeded`, or a `PermanentTaskError` for a result
 * that is not JSON. `running` (a worker's) lets a forced stop abort the
 * attempt's signal while it runs.
 *
 * @example
 * ```ts
 * const value = await runAttempt(app, def, { id, args: [2, 3], attempt: 1, queue: 'default' })
 * ```
 */
export function runAttempt(
  app: Phial,
  def: TaskDefinition,
  job: { readonly id: string; readonly args: readonly JsonValue[]; readonly attempt: number; readonly queue: string },
  running: RunningAttempts | null = null,
): JsonValue | Promise<JsonValue> {
  const request = new AttemptRequest(def, job, running)
  const fn = def.fn as (...a: readonly JsonValue[]) => unknown
  const args = job.args
  let value: unknown
  try {
    value = hasTeardown(app)
      ? app.appContext(async (ctx: TaskContext) => {
          ctx[REQUEST] = request
          return fn(...args)
        })
      : app.appContext((ctx: TaskContext) => {
          ctx[REQUEST] = request
          return fn(...args)
        })
  } catch (err) {
    request.finish()
    throw err
  }
  if (def.timeout !== null) return withTimeLimit(def, request, Promise.resolve(value))
  if (!isThenable(value)) {
    request.finish()
    return resultOf(def, value)
  }
  return Promise.resolve(value).then(
    (settled) => {
      request.finish()
      return resultOf(def, settled)
    },
    (err: unknown) => {
      request.finish()
      throw err
    },
  )
}

/** An attempt with a time limit: rejects with `TaskTimeLimitExceeded` (and aborts its signal) when it runs too long. */
async function withTimeLimit(def: TaskDefinition, request: AttemptRequest, run: Promise<unknown>): Promise<JsonValue> {
  let timer: NodeJS.Timeout | undefined
  try {
    const value = await Promise.race([
      run,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const err = new TaskTimeLimitExceeded(def.name, def.timeout! * 1000)
          request.abort(err)
          reject(err)
        }, def.timeout! * 1000)
      }),
    ])
    return resultOf(def, value)
  } finally {
    clearTimeout(timer)
    request.finish()
  }
}
