/**
 * `phial worker` and `phial tasks status|purge`, registered on the app's
 * CLI by `tasks.initApp(app)` (as Flask-Migrate registers `flask db`).
 */
import { CliError, type Phial } from 'phial'
import type { QueueStats } from './backend.ts'
import type { Tasks } from './tasks.ts'

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new Error(`'${value}' is not a whole number ≥ 1`)
  return n
}

function queueList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const names = value.split(',').map((q) => q.trim()).filter(Boolean)
  if (names.length === 0) throw new CliError(`--queues needs queue names separated by commas, e.g. --queues default,mail`, 2)
  return names
}

/** The broker URL without its password, for messages. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return url
  }
}

function table(rows: readonly QueueStats[]): string {
  const head = ['Queue', 'Waiting', 'Active', 'Delayed', 'Completed', 'Failed']
  const body = rows.map((r) => [r.queue, r.waiting, r.active, r.delayed, r.completed, r.failed].map(String))
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)))
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')
}

/**
 * Adds the commands to `app.cli`.
 *
 * @example
 * ```ts
 * registerTaskCommands(app, tasks)   // tasks.initApp(app) does it
 * ```
 */
export function registerTaskCommands(app: Phial, tasks: Tasks): void {
  app.cli.command(
    'worker',
    {
      description: "Run the app's tasks from Redis (Celery's `celery worker`); SIGTERM lets running tasks finish",
      options: [
        { flags: '-c, --concurrency <n>', description: 'tasks at once per queue (default TASKS_CONCURRENCY)', parse: positiveInt },
        { flags: '-Q, --queues <names>', description: 'comma-separated queues (default: every queue the tasks name)' },
        { flags: '--no-beat', description: 'do not register the periodic tasks' },
      ],
    },
    async (_args, opts) => {
      const state = tasks.stateFor(app)
      if (!state.usesRedis) {
        throw new CliError('phial worker runs tasks from Redis: set TASKS_BROKER_URL (e.g. redis://127.0.0.1:6379). Without it, tasks run inside the app process and need no worker.', 2)
      }
      const handle = await tasks.startWorker(app, { concurrency: opts.concurrency, queues: queueList(opts.queues), beat: opts.beat })
      const url = safeUrl(app.config.TASKS_BROKER_URL!)
      console.log(
        `phial worker ${process.pid}: ready on ${url} (prefix ${app.config.TASKS_PREFIX}), queues ${handle.queues.join(', ')}, concurrency ${handle.concurrency}, ` +
          `${tasks.definitions().length} tasks${opts.beat ? `, ${tasks.periodicTasks().length} periodic` : ''}`,
      )
      let stop: ((signal: NodeJS.Signals) => void) | null = null
      await new Promise<void>((resolve, reject) => {
        let stopping = false
        stop = (signal) => {
          if (stopping) {
            console.log(`phial worker ${process.pid}: ${signal} again, stopping now; running tasks will be run again by another worker`)
            handle.close(true).then(resolve, reject)
            return
          }
          stopping = true
          console.log(`phial worker ${process.pid}: ${signal} received, finishing ${handle.running()} running task(s)`)
          handle.close().then(resolve, reject)
        }
        process.on('SIGTERM', stop)
        process.on('SIGINT', stop)
      }).finally(() => {
        process.off('SIGTERM', stop!)
        process.off('SIGINT', stop!)
      })
      await state.close()
      console.log(`phial worker ${process.pid}: stopped`)
    },
  )

  const group = app.cli.group('tasks', { description: 'Inspect and empty the task queues' })
  group.command(
    'status',
    {
      description: 'Show the queues (waiting, running, scheduled, finished tasks), the tasks and the periodic tasks',
      options: [{ flags: '-Q, --queues <names>', description: 'comma-separated queues (default: every queue the tasks name)' }],
    },
    async (_args, opts) => {
      const state = tasks.stateFor(app)
      try {
        const queues = queueList(opts.queues) ?? state.knownQueues()
        const backend = await state.backend()
        console.log(state.usesRedis ? `Broker: ${safeUrl(app.config.TASKS_BROKER_URL!)} (prefix ${app.config.TASKS_PREFIX})` : 'Broker: in-process (tasks run inside the app process; this shows this process only)')
        console.log(table(await backend.stats(queues)))
        const defs = tasks.definitions()
        console.log(`\nTasks: ${defs.length === 0 ? '(none)' : defs.map((d) => `${d.name} (${state.queueOf(d)}${d.retries ? `, ${d.retries} retries` : ''})`).join(', ')}`)
        const periodic = tasks.periodicTasks()
        if (periodic.length > 0) {
          console.log(`Periodic: ${periodic.map((p) => `${p.name} [${p.cron ? p.cron.expression : `every ${p.every}s`}] → ${p.signature.task.name}`).join(', ')}`)
        }
      } finally {
        await state.close()
      }
    },
  )
  group.command(
    'purge',
    {
      description: "Remove the tasks that wait or are scheduled (Celery's `celery purge`); running and finished ones stay",
      options: [
        { flags: '-Q, --queues <names>', description: 'comma-separated queues (default: every queue the tasks name)' },
        { flags: '-f, --force', description: 'do it (without it, only say what would be removed)' },
      ],
    },
    async (_args, opts) => {
      const state = tasks.stateFor(app)
      try {
        const queues = queueList(opts.queues) ?? state.knownQueues()
        const backend = await state.backend()
        if (!opts.force) {
          const stats = await backend.stats(queues)
          const n = stats.reduce((sum, s) => sum + s.waiting + s.delayed, 0)
          throw new CliError(`Would remove ${n} waiting or scheduled task(s) from ${queues.join(', ')}. Run again with --force to remove them.`, 1)
        }
        const removed = await backend.purge(queues)
        console.log(`Removed ${removed} task(s) from ${queues.join(', ')}.`)
      } finally {
        await state.close()
      }
    },
  )
}
