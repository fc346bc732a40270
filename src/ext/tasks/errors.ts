/**
 * The errors of `phial/tasks` (Celery's `celery.exceptions`).
 */

/**
 * A task's error as stored with its result: what survives the trip through Redis.
 *
 * @example
 * ```ts
 * const info: TaskErrorInfo = { name: 'Error', message: 'boom', stack: 'Error: boom\n    at ...' }
 * ```
 */
export interface TaskErrorInfo {
  readonly name: string
  readonly message: string
  readonly stack: string | null
}

/**
 * Thrown by `result.get()` when the task ended in failure (after its retries):
 * the message names the task and repeats its error; `error` holds it.
 *
 * @example
 * ```ts
 * try { await result.get() } catch (err) {
 *   if (err instanceof TaskFailedError) console.log(err.taskName, err.error.message)
 * }
 * ```
 */
export class TaskFailedError extends Error {
  constructor(
    readonly taskName: string,
    readonly taskId: string,
    readonly error: TaskErrorInfo,
  ) {
    super(`Task ${taskName}[${taskId}] failed: ${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`)
    this.name = 'TaskFailedError'
  }
}

/**
 * Thrown by `result.get({ timeout })` when the task has not finished in time
 * (Celery's `TimeoutError`). The task itself goes on.
 *
 * @example
 * ```ts
 * await expect(result.get({ timeout: 10 })).rejects.toThrow(ResultTimeoutError)
 * ```
 */
export class ResultTimeoutError extends Error {
  constructor(
    readonly taskId: string,
    readonly timeout: number,
  ) {
    super(`The result of task ${taskId} was not ready after ${timeout} ms.`)
    this.name = 'ResultTimeoutError'
  }
}

/**
 * The error of an attempt that ran longer than the task's `timeout`
 * (Celery's `TimeLimitExceeded`). It counts as a failure, so it is retried.
 *
 * @example
 * ```ts
 * tasks.task('report', buildReport, { timeout: 60_000 })   // fails with TaskTimeLimitExceeded after a minute
 * ```
 */
export class TaskTimeLimitExceeded extends Error {
  constructor(taskName: string, timeout: number) {
    super(`Task ${taskName} ran longer than its timeout of ${timeout} ms.`)
    this.name = 'TaskTimeLimitExceeded'
  }
}

/**
 * Throw it from a task to fail at once, without the retries left (BullMQ's
 * `UnrecoverableError`; Celery's `Reject`).
 *
 * @example
 * ```ts
 * tasks.task('charge', async (orderId: number) => {
 *   const order = await loadOrder(orderId)
 *   if (!order) throw new PermanentTaskError(`no order ${orderId}`)
 * }, { retries: 5 })
 * ```
 */
export class PermanentTaskError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PermanentTaskError'
  }
}

/**
 * A task name that is not registered in the process that runs it.
 *
 * @example
 * ```ts
 * tasks.get('nope') // throws NotRegistered: No task named 'nope' is registered ...
 * ```
 */
export class NotRegistered extends Error {
  constructor(name: string, known: Iterable<string>) {
    const names = [...known]
    super(`No task named '${name}' is registered${names.length ? ` (known: ${names.join(', ')})` : ''}. Define it with tasks.task('${name}', fn) in a module the app imports.`)
    this.name = 'NotRegistered'
  }
}

/**
 * Turns anything thrown into the stored form.
 *
 * @example
 * ```ts
 * errorInfo(new TypeError('bad')) // { name: 'TypeError', message: 'bad', stack: 'TypeError: bad ...' }
 * ```
 */
export function errorInfo(err: unknown): TaskErrorInfo {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack ?? null }
  return { name: 'Error', message: String(err), stack: null }
}
