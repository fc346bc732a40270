/**
 * The `TASKS_*` settings: their types on `app.config` and their defaults.
 */
import type { Config } from 'phial'

declare module 'phial' {
  interface ConfigValues {
    /**
     * Where tasks go: `null` runs them in this process, on the event loop (development, tests);
     * a `redis://` URL sends them to BullMQ queues on that Redis, run by `phial worker`. Default `null`.
     */
    TASKS_BROKER_URL: string | null
    /** Run a task inside `.delay()` itself and hand back a finished result (Celery's `task_always_eager`). Default `false`. */
    TASKS_ALWAYS_EAGER: boolean
    /** With `TASKS_ALWAYS_EAGER`, make `.delay()` throw the task's error instead of storing it in the result. Default `false`. */
    TASKS_EAGER_PROPAGATES: boolean
    /** The queue of a task that names none. Default `'default'`. */
    TASKS_DEFAULT_QUEUE: string
    /** The prefix of every BullMQ key in Redis (one per app or environment sharing a Redis). Default `'phial'`. */
    TASKS_PREFIX: string
    /** How many tasks of one queue run at the same time, per worker (and in-process). Default `1`. */
    TASKS_CONCURRENCY: number
    /** Seconds a finished task's result (or error) is kept. Default `86400` (a day, as Celery's `result_expires`). */
    TASKS_RESULT_EXPIRES: number
    /**
     * Seconds after which a running task whose worker stopped answering (killed, frozen) is given to
     * another worker (Celery's Redis `visibility_timeout`; BullMQ's lock duration). Default `30`.
     */
    TASKS_VISIBILITY_TIMEOUT: number
    /** Run the periodic tasks: in-process from `initApp`, on Redis from each `phial worker`. Default `true`. */
    TASKS_BEAT: boolean
    /** Seconds `.delay()` waits for Redis before it fails with a 503 `ServiceUnavailable`. Default `5`. */
    TASKS_ENQUEUE_TIMEOUT: number
  }
}

/**
 * The defaults `Tasks.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * TASKS_DEFAULTS.TASKS_DEFAULT_QUEUE // 'default'
 * ```
 */
export const TASKS_DEFAULTS = Object.freeze({
  TASKS_BROKER_URL: null,
  TASKS_ALWAYS_EAGER: false,
  TASKS_EAGER_PROPAGATES: false,
  TASKS_DEFAULT_QUEUE: 'default',
  TASKS_PREFIX: 'phial',
  TASKS_CONCURRENCY: 1,
  TASKS_RESULT_EXPIRES: 86_400,
  TASKS_VISIBILITY_TIMEOUT: 30,
  TASKS_BEAT: true,
  TASKS_ENQUEUE_TIMEOUT: 5,
} as const)

/**
 * Sets each `TASKS_*` key that is not set yet to its default.
 *
 * @example
 * ```ts
 * applyTasksDefaults(app.config)
 * app.config.TASKS_CONCURRENCY // 1
 * ```
 */
export function applyTasksDefaults(config: Config): void {
  for (const [key, value] of Object.entries(TASKS_DEFAULTS)) config.setDefault(key, value)
}
