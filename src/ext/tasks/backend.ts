/**
 * What a backend (in-process or BullMQ) stores and answers: the task message,
 * the states of a result, and the interface both backends implement.
 */
import type { TaskErrorInfo } from './errors.ts'
import type { JsonValue } from './json.ts'

/**
 * The state of a task (Celery's states): `PENDING` (waiting, scheduled, or an
 * id nobody knows, as in Celery), `STARTED` (running), `RETRY` (failed, will
 * run again), `SUCCESS`, `FAILURE` (failed for good).
 *
 * @example
 * ```ts
 * const s: TaskStatus = await result.status()
 * if (s === 'FAILURE') alert()
 * ```
 */
export type TaskStatus = 'PENDING' | 'STARTED' | 'RETRY' | 'SUCCESS' | 'FAILURE'

/**
 * How long to wait before a retry: a fixed number of seconds, or doubling
 * from `delay` (`delay`, `2 × delay`, `4 × delay`…).
 *
 * @example
 * ```ts
 * const backoff: Backoff = { type: 'exponential', delay: 1 }   // 1 s, 2 s, 4 s
 * ```
 */
export interface Backoff {
  readonly type: 'fixed' | 'exponential'
  /** Seconds. */
  readonly delay: number
}

/**
 * One link of a chain still to run: its task, arguments and options.
 *
 * @example
 * ```ts
 * const link: ChainLink = { id: 'b6f…', task: 'mul', args: [4], queue: 'default', priority: null, attempts: 1, backoff: null }
 * ```
 */
export interface ChainLink {
  readonly id: string
  readonly task: string
  readonly args: JsonValue[]
  readonly queue: string
  readonly priority: number | null
  readonly attempts: number
  readonly backoff: Backoff | null
}

/**
 * A task message: everything a worker needs to run one task.
 *
 * @example
 * ```ts
 * const message: TaskMessage = { id: 'b6f…', task: 'add', args: [2, 3], queue: 'default', delay: 0,
 *   priority: null, attempts: 1, backoff: null, chain: null }
 * ```
 */
export interface TaskMessage extends ChainLink {
  /** Milliseconds to wait before it may run. */
  readonly delay: number
  /** The links to run after this one, each with this one's result as its first argument. */
  readonly chain: ChainLink[] | null
}

/**
 * How a task ended.
 *
 * @example
 * ```ts
 * const outcome: Outcome = { status: 'SUCCESS', result: 5 }
 * ```
 */
export type Outcome = { readonly status: 'SUCCESS'; readonly result: JsonValue } | { readonly status: 'FAILURE'; readonly error: TaskErrorInfo }

/**
 * The counts of one queue, for `phial tasks status`.
 *
 * @example
 * ```ts
 * const stats: QueueStats = { queue: 'default', waiting: 3, active: 1, delayed: 0, completed: 10, failed: 1 }
 * ```
 */
export interface QueueStats {
  readonly queue: string
  readonly waiting: number
  readonly active: number
  readonly delayed: number
  readonly completed: number
  readonly failed: number
}

/**
 * What a backend does. `queues` lists where a job id may live (a result
 * found by id alone is looked up in every queue the app knows).
 *
 * @example
 * ```ts
 * const backend: TaskBackend = await state.backend()
 * await backend.enqueue(message)
 * ```
 */
export interface TaskBackend {
  readonly kind: 'memory' | 'redis'
  /** Resolves once the backend has the message (with a value of its own, which callers ignore). */
  enqueue(message: TaskMessage): Promise<unknown>
  status(id: string, queues: readonly string[]): Promise<TaskStatus>
  /** The outcome once finished; rejects with `ResultTimeoutError` after `timeout` seconds (null: no limit). */
  wait(id: string, queues: readonly string[], timeout: number | null): Promise<Outcome>
  stats(queues: readonly string[]): Promise<QueueStats[]>
  /** Removes waiting and scheduled tasks; returns how many. */
  purge(queues: readonly string[]): Promise<number>
  close(): Promise<void>
}

/**
 * The retry delay, in milliseconds, after `failures` failed attempts (BullMQ's formula).
 *
 * @example
 * ```ts
 * backoffDelay({ type: 'exponential', delay: 1 }, 3) // 4000
 * ```
 */
export function backoffDelay(backoff: Backoff | null, failures: number): number {
  if (backoff === null) return 0
  const ms = backoff.delay * 1000
  return backoff.type === 'exponential' ? Math.round(2 ** (failures - 1) * ms) : Math.round(ms)
}
