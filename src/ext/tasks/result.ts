/**
 * Results (Celery's `AsyncResult`, `GroupResult`, and a chain's result):
 * the state of a task by id, and its value once it is ready.
 */
import type { Outcome, TaskBackend, TaskStatus } from './backend.ts'
import { TaskFailedError } from './errors.ts'

/**
 * Where results are read: the backend of an app, and the queues a job id may be in.
 *
 * @example
 * ```ts
 * const source: ResultSource = currentApp.extensions.tasks as TasksState
 * ```
 */
export interface ResultSource {
  backend(): Promise<TaskBackend>
  knownQueues(): string[]
}

/**
 * Options of {@link AsyncResult.get}.
 *
 * @example
 * ```ts
 * await result.get({ timeout: 10 } satisfies GetOptions)
 * ```
 */
export interface GetOptions {
  /** Seconds to wait; default: no limit. Rejects with `ResultTimeoutError` after. */
  readonly timeout?: number | null
  /** Throw the task's error (as `TaskFailedError`); false returns the `TaskErrorInfo` instead. Default true. */
  readonly propagate?: boolean
}

/**
 * The result of one task, by id: ask its state, wait for its value.
 *
 * @example
 * ```ts
 * const result = await add.delay(2, 3)
 * await result.status()           // 'PENDING' | 'STARTED' | ...
 * await result.get({ timeout: 5 }) // 5
 * ```
 */
export class AsyncResult<R = unknown> {
  #outcome: Outcome | null

  /**
   * @param id - the task id (`result.id`, stored somewhere, read in another process).
   * @param source - the app's task state (`tasks.result(id)` passes it).
   * @param queues - where the job is, when known.
   */
  constructor(
    readonly id: string,
    readonly taskName: string | null,
    private readonly source: ResultSource,
    /** The queues the job may be in (null: every queue the app knows). */
    readonly queues: readonly string[] | null = null,
    outcome: Outcome | null = null,
  ) {
    this.#outcome = outcome
  }

  #queues(): readonly string[] {
    return this.queues ?? this.source.knownQueues()
  }

  /**
   * The state now (Celery's `state`): a round trip to Redis with the BullMQ backend.
   *
   * @example
   * ```ts
   * if ((await result.status()) === 'FAILURE') console.log('it failed')
   * ```
   */
  async status(): Promise<TaskStatus> {
    if (this.#outcome) return this.#outcome.status
    return (await this.source.backend()).status(this.id, this.#queues())
  }

  /**
   * True once the task succeeded or failed for good.
   *
   * @example
   * ```ts
   * while (!(await result.ready())) await sleep(100)
   * ```
   */
  async ready(): Promise<boolean> {
    const status = await this.status()
    return status === 'SUCCESS' || status === 'FAILURE'
  }

  /** True when the task succeeded. @example if (await result.successful()) notify() */
  async successful(): Promise<boolean> {
    return (await this.status()) === 'SUCCESS'
  }

  /** True when the task failed for good. @example if (await result.failed()) alert() */
  async failed(): Promise<boolean> {
    return (await this.status()) === 'FAILURE'
  }

  /**
   * Waits for the task and resolves with its value; rejects with
   * `TaskFailedError` when it failed, or `ResultTimeoutError` after `timeout` seconds.
   *
   * @example
   * ```ts
   * const sum = await result.get({ timeout: 10 })
   * ```
   */
  async get(options: GetOptions = {}): Promise<R> {
    const outcome = await this.outcome(options.timeout ?? null)
    if (outcome.status === 'SUCCESS') return outcome.result as R
    if (options.propagate === false) return outcome.error as R
    throw new TaskFailedError(this.taskName ?? '?', this.id, outcome.error)
  }

  /**
   * Waits for the task and resolves with how it ended, without throwing for a failure.
   *
   * @example
   * ```ts
   * const outcome = await result.outcome(5)
   * if (outcome.status === 'FAILURE') console.log(outcome.error.message)
   * ```
   */
  async outcome(timeout: number | null = null): Promise<Outcome> {
    if (this.#outcome) return this.#outcome
    const outcome = await (await this.source.backend()).wait(this.id, this.#queues(), timeout)
    this.#outcome = outcome
    return outcome
  }

  /** `{ id, task }`, so a result can be stored and looked up again with `tasks.result(id)`. @example JSON.stringify(result) */
  toJSON(): { id: string; task: string | null } {
    return { id: this.id, task: this.taskName }
  }
}

/**
 * The results of a group, in the order of its tasks.
 *
 * @example
 * ```ts
 * const results = await group(add.s(1, 1), add.s(2, 2)).applyAsync()
 * await results.get({ timeout: 5 })   // [2, 4]
 * await results.completedCount()      // 2
 * ```
 */
export class GroupResult<R extends unknown[] = unknown[]> {
  constructor(readonly results: readonly AsyncResult[]) {}

  /** Every value, in order; rejects with the first failure. @example const [a, b] = await results.get() */
  async get(options: GetOptions = {}): Promise<R> {
    const deadline = options.timeout == null ? null : Date.now() + options.timeout * 1000
    const left = (): number | null => (deadline === null ? null : Math.max(0, deadline - Date.now()) / 1000)
    const values: unknown[] = []
    for (const result of this.results) values.push(await result.get({ ...options, timeout: left() }))
    return values as R
  }

  /** True when every task is finished. @example await results.ready() */
  async ready(): Promise<boolean> {
    for (const result of this.results) if (!(await result.ready())) return false
    return true
  }

  /** How many tasks succeeded. @example await results.completedCount() */
  async completedCount(): Promise<number> {
    let n = 0
    for (const result of this.results) if (await result.successful()) n++
    return n
  }
}

/**
 * The result of a chain: the last task's result, which knows the links
 * before it, so that `get()` reports the first link that failed (as Celery
 * does) instead of waiting for a task that will never run.
 *
 * @example
 * ```ts
 * const result = await chain(add.s(2, 2), mul.s(8)).applyAsync()
 * await result.get({ timeout: 5 })   // 32
 * result.parents.length              // 1
 * ```
 */
export class ChainResult<R = unknown> extends AsyncResult<R> {
  constructor(
    last: AsyncResult,
    /** The results of the links before the last, first first. */
    readonly parents: readonly AsyncResult[],
    source: ResultSource,
  ) {
    super(last.id, last.taskName, source, last.queues)
  }

  /** The link whose failure ended the chain, once known. */
  failedLink: AsyncResult | null = null

  override async outcome(timeout: number | null = null): Promise<Outcome> {
    const deadline = timeout === null ? null : Date.now() + timeout * 1000
    const left = (): number | null => (deadline === null ? null : Math.max(0, deadline - Date.now()) / 1000)
    for (const parent of this.parents) {
      const outcome = await parent.outcome(left())
      if (outcome.status === 'FAILURE') {
        this.failedLink = parent
        return outcome
      }
    }
    const outcome = await super.outcome(left())
    if (outcome.status === 'FAILURE') this.failedLink = this
    return outcome
  }

  override async get(options: GetOptions = {}): Promise<R> {
    const outcome = await this.outcome(options.timeout ?? null)
    if (outcome.status === 'SUCCESS') return outcome.result as R
    if (options.propagate === false) return outcome.error as R
    const link = this.failedLink ?? this
    throw new TaskFailedError(link.taskName ?? '?', link.id, outcome.error)
  }

  override async status(): Promise<TaskStatus> {
    for (const parent of this.parents) {
      const status = await parent.status()
      if (status === 'FAILURE') return 'FAILURE'
      if (status !== 'SUCCESS') return 'PENDING'
    }
    return super.status()
  }
}
