/**
 * `phial/tasks`: background tasks with Celery's developer experience —
 * `tasks.task()`, `.delay()`, `.applyAsync()`, results, retries with
 * back-off, time limits, rate limits, `chain`, `group`, periodic tasks — run
 * in-process by default and by `phial worker` processes on Redis (BullMQ)
 * when `TASKS_BROKER_URL` is set.
 *
 * @module
 * @example
 * ```ts
 * import { Phial } from 'phial'
 * import { Tasks } from 'phial/tasks'
 *
 * export const tasks = new Tasks()
 * export const add = tasks.task('add', (x: number, y: number) => x + y, { retries: 3, backoff: 1 })
 *
 * export function createApp() {
 *   const app = new Phial(import.meta.url)
 *   app.config.TASKS_BROKER_URL = process.env.REDIS_URL ?? null   // null: in-process
 *   tasks.initApp(app)
 *   app.post('/sum', async () => ({ task: (await add.delay(2, 3)).id }))
 *   app.get('/sum/<id>', async ({ id }) => {
 *     const result = tasks.result(id)
 *     return (await result.ready()) ? { value: await result.get() } : { status: await result.status() }
 *   })
 *   return app
 * }
 * // $ phial worker --concurrency 4
 * ```
 */
export { Tasks, whenTasksReady, type TaskOptions, type PeriodicTask } from './tasks.ts'
export { Task, Signature, type ApplyOptions } from './task.ts'
export { AsyncResult, GroupResult, ChainResult, type GetOptions } from './result.ts'
export { chain, group, Chain, Group } from './canvas.ts'
export { currentTask, type TaskRequest, type TaskDefinition } from './execute.ts'
export { TaskFailedError, ResultTimeoutError, TaskTimeLimitExceeded, PermanentTaskError, NotRegistered, type TaskErrorInfo } from './errors.ts'
export type { TaskStatus, Backoff, Outcome, QueueStats } from './backend.ts'
export type { WorkerOptions, WorkerHandle } from './worker-types.ts'
export { TasksState } from './state.ts'
export { CronSchedule } from './cron.ts'
export { TASKS_DEFAULTS, applyTasksDefaults } from './config.ts'
export type { JsonValue } from './json.ts'
