/**
 * The options and handle of a worker started with `tasks.startWorker()`.
 */

/**
 * Options of `tasks.startWorker()` (and of `phial worker`).
 *
 * @example
 * ```ts
 * await tasks.startWorker(app, { concurrency: 4, queues: ['default'], beat: false } satisfies WorkerOptions)
 * ```
 */
export interface WorkerOptions {
  /** Tasks run at once per queue; default `TASKS_CONCURRENCY`. */
  readonly concurrency?: number
  /** Queues to take tasks from; default every queue the app's tasks name, and `TASKS_DEFAULT_QUEUE`. */
  readonly queues?: readonly string[]
  /** Register the periodic tasks with BullMQ; default `TASKS_BEAT`. */
  readonly beat?: boolean
}

/**
 * A running worker.
 *
 * @example
 * ```ts
 * const worker = await tasks.startWorker(app)
 * worker.queues   // ['default']
 * await worker.close()
 * ```
 */
export interface WorkerHandle {
  readonly queues: readonly string[]
  readonly concurrency: number
  /** How many tasks are running now. */
  running(): number
  /** Stops taking tasks and waits for the running ones; `force` abandons them (another worker runs them again). */
  close(force?: boolean): Promise<void>
}
