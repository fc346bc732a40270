/**
 * Celery beat for the in-process backend: a timer per periodic task that
 * sends its signature when due. The timers never keep the process alive.
 */
import type { PeriodicTask } from './tasks.ts'
import type { TasksState } from './state.ts'

/**
 * Runs periodic tasks in this process.
 *
 * @example
 * ```ts
 * state.beat = new MemoryBeat(state, () => tasks.periodicTasks())
 * state.beat.stop()
 * ```
 */
export class MemoryBeat {
  readonly #timers = new Map<string, NodeJS.Timeout>()
  #stopped = false

  constructor(
    private readonly state: TasksState,
    entries: () => readonly PeriodicTask[],
  ) {
    for (const entry of entries()) this.add(entry)
  }

  /** Starts the timer of an entry. @example beat.add(tasks.periodic('x', '* * * * *', t.s())) */
  add(entry: PeriodicTask): void {
    if (this.#stopped) return
    const now = Date.now()
    const due = entry.every !== null ? now + entry.every * 1000 : (entry.cron!.next(new Date(now))?.getTime() ?? null)
    if (due === null) return
    const timer = setTimeout(() => {
      this.#timers.delete(entry.name)
      const { task, args, options } = entry.signature
      this.state.apply(task.definition, [...args], options).catch((err: unknown) => {
        this.state.app.logger.error({ err, periodic: entry.name }, `Periodic task ${entry.name} could not be sent`)
      })
      this.add(entry)
    }, Math.max(0, due - now))
    timer.unref()
    this.#timers.set(entry.name, timer)
  }

  /** Stops every timer. @example beat.stop() */
  stop(): void {
    this.#stopped = true
    for (const timer of this.#timers.values()) clearTimeout(timer)
    this.#timers.clear()
  }
}
