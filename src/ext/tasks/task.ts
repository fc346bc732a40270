/**
 * A task (Celery's `Task`): `.delay()`, `.applyAsync()`, `.s()` for canvas
 * signatures, and `.run()` to call the function here and now.
 */
import type { Phial } from 'phial'
import type { TaskDefinition } from './execute.ts'
import { assertJson, type JsonValue } from './json.ts'
import type { AsyncResult } from './result.ts'
import type { TasksState } from './state.ts'

/**
 * Options of {@link Task.applyAsync} (Celery's execution options).
 *
 * @example
 * ```ts
 * await report.applyAsync([userId], { countdown: 60, priority: 1 } satisfies ApplyOptions)
 * ```
 */
export interface ApplyOptions {
  /** Seconds from now before the task may run. */
  readonly countdown?: number
  /** The earliest time it may run (a `Date`, an ISO string or epoch milliseconds); wins over `countdown`. */
  readonly eta?: Date | string | number
  /** 1 (first) to 2 097 151; tasks without a priority run before prioritized ones (BullMQ's order). */
  readonly priority?: number
  /** Your own id (Celery's `task_id`); a task with an id that already exists is not added again. */
  readonly jobId?: string
  /** Another queue than the task's own. */
  readonly queue?: string
}

/** Finds the app state a call should use. */
export interface TaskOwner {
  stateFor(app?: Phial): TasksState
}

/**
 * Checks the arguments of a call right away, so the mistake shows where it is made.
 *
 * @example
 * ```ts
 * checkArgs('add', [1, 2], 'delay') // ok; [1, () => 2] throws a TypeError
 * ```
 */
export function checkArgs(name: string, args: readonly unknown[], method: string): JsonValue[] {
  if (!Array.isArray(args)) throw new TypeError(`${name}.${method}() takes the arguments as an array, e.g. ${name}.${method}([1, 2]).`)
  // The common case first, without building a label or a path: strings, finite numbers other than
  // -0, booleans and null are JSON as they are and cannot change after the call, so a plain copy
  // of the array does. -0 goes through JSON below (a worker sees 0).
  const copy: JsonValue[] = new Array(args.length)
  for (let i = 0; i < args.length; i++) {
    const arg: unknown = args[i]
    if (arg === null || typeof arg === 'string' || typeof arg === 'boolean' || (typeof arg === 'number' && Number.isFinite(arg) && !Object.is(arg, -0))) copy[i] = arg as JsonValue
    else {
      assertJson(args, `${name}.${method}(): argument`)
      return JSON.parse(JSON.stringify(args)) as JsonValue[]
    }
  }
  return copy
}

/**
 * A registered task. Make one with `tasks.task(name, fn, options)`.
 *
 * @example
 * ```ts
 * export const add = tasks.task('add', (x: number, y: number) => x + y)
 * const result = await add.delay(2, 3)
 * await result.get({ timeout: 5 })   // 5
 * ```
 */
export class Task<A extends unknown[] = unknown[], R = unknown> {
  constructor(
    readonly definition: TaskDefinition,
    /** The `Tasks` instance that registered it. */
    readonly owner: TaskOwner,
  ) {}

  /** The task's name, as workers know it. @example add.name // 'add' */
  get name(): string {
    return this.definition.name
  }

  /**
   * Sends the task with these arguments (Celery's `delay`). The arguments
   * must be JSON: anything else is refused here, synchronously, with a
   * `TypeError` that names the argument. Resolves once the task is queued.
   *
   * @example
   * ```ts
   * const result = await sendWelcome.delay(user.id)
   * ```
   */
  delay(...args: A): Promise<AsyncResult<R>> {
    return this.#send(args, {}, 'delay')
  }

  /**
   * Sends the task with options (Celery's `apply_async`).
   *
   * @example
   * ```ts
   * await add.applyAsync([2, 3], { countdown: 10 })
   * await add.applyAsync([2, 3], { eta: new Date(Date.now() + 60_000), jobId: 'nightly-2026-12-01' })
   * ```
   */
  applyAsync(args: A, options: ApplyOptions = {}): Promise<AsyncResult<R>> {
    return this.#send(args, options, 'applyAsync')
  }

  #send(args: readonly unknown[], options: ApplyOptions, method: string): Promise<AsyncResult<R>> {
    const copy = checkArgs(this.name, args, method)
    const state = this.owner.stateFor()
    return state.apply(this.definition, copy, options) as Promise<AsyncResult<R>>
  }

  /**
   * Calls the function now, in this process, inside the app context (Celery's
   * `add(2, 2)`): no queue, no retries.
   *
   * @example
   * ```ts
   * await add.run(2, 3) // 5
   * ```
   */
  async run(...args: A): Promise<R> {
    const state = this.owner.stateFor()
    return (await state.app.appContext(async () => (this.definition.fn as (...a: A) => unknown)(...args))) as R
  }

  /**
   * A signature (Celery's `add.s(2, 2)`): this task with some arguments, for
   * `chain` and `group`. In a chain, the previous result is put first.
   *
   * @example
   * ```ts
   * await chain(add.s(2, 2), mul.s(8)).applyAsync()   // mul(add(2, 2), 8)
   * ```
   */
  s(...args: Partial<A>): Signature<R> {
    return new Signature(this as Task<never, R>, checkArgs(this.name, args, 's'))
  }
}

/**
 * A task with arguments and options, not sent yet (Celery's signature).
 *
 * @example
 * ```ts
 * const sig = add.s(2, 3).set({ countdown: 5 })
 * await sig.applyAsync()
 * ```
 */
export class Signature<R = unknown> {
  constructor(
    readonly task: Task<never, R>,
    readonly args: readonly JsonValue[],
    readonly options: ApplyOptions = {},
  ) {}

  /** A copy with these options added. @example add.s(1, 2).set({ queue: 'fast' }) */
  set(options: ApplyOptions): Signature<R> {
    return new Signature(this.task, this.args, { ...this.options, ...options })
  }

  /**
   * Sends it; `args` are appended (Celery's partial arguments).
   *
   * @example
   * ```ts
   * await add.s(2).applyAsync([3])   // add(2, 3)
   * ```
   */
  applyAsync(args: readonly unknown[] = [], options: ApplyOptions = {}): Promise<AsyncResult<R>> {
    const extra = checkArgs(this.task.name, args, 'applyAsync')
    return (this.task as unknown as Task<JsonValue[], R>).applyAsync([...this.args, ...extra], { ...this.options, ...options })
  }

  /** Sends it with extra arguments appended. @example await add.s(2).delay(3) */
  delay(...args: unknown[]): Promise<AsyncResult<R>> {
    return this.applyAsync(args)
  }
}
