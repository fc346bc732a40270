/**
 * The in-process backend: queues in memory, run on this process's event
 * loop with the same rules as BullMQ (delays, priorities, concurrency per
 * queue, retries with back-off, time limits, rate limits, results kept for
 * `TASKS_RESULT_EXPIRES`). For development and tests; nothing survives a restart.
 */
import { backoffDelay, type Outcome, type QueueStats, type TaskBackend, type TaskMessage, type TaskStatus } from './backend.ts'
import { errorInfo, NotRegistered, PermanentTaskError, ResultTimeoutError } from './errors.ts'
import { runAttempt } from './execute.ts'
import type { TasksState } from './state.ts'

interface Entry {
  readonly message: TaskMessage
  readonly seq: number
  status: TaskStatus
  outcome: Outcome | null
  failures: number
  /** Waiting in its queue (not scheduled for later, not running, not finished). */
  queued: boolean
  timer: NodeJS.Timeout | null
}

interface QueueState {
  readonly waiting: Entry[]
  active: number
}

/**
 * In-process queues. Made by `phial/tasks` when `TASKS_BROKER_URL` is null.
 *
 * @example
 * ```ts
 * const backend = (await state.backend()) as MemoryBackend
 * await backend.enqueue(message)
 * ```
 */
export class MemoryBackend implements TaskBackend {
  readonly kind = 'memory' as const
  readonly #entries = new Map<string, Entry>()
  readonly #queues = new Map<string, QueueState>()
  readonly #waiters = new Map<string, Set<(outcome: Outcome) => void>>()
  #seq = 0
  #closed = false

  constructor(private readonly state: TasksState) {}

  async enqueue(message: TaskMessage): Promise<void> {
    if (this.#closed) throw new Error('The in-process task backend is closed.')
    if (this.#entries.has(message.id)) return // an existing id is not added again, as in BullMQ
    const entry: Entry = { message, seq: this.#seq++, status: 'PENDING', outcome: null, failures: 0, queued: false, timer: null }
    this.#entries.set(message.id, entry)
    this.#schedule(entry, message.delay)
  }

  /** Runs a message right now, retries included (without their back-off), and stores the outcome: `TASKS_ALWAYS_EAGER`. */
  async runNow(message: TaskMessage): Promise<Outcome> {
    const entry: Entry = { message, seq: this.#seq++, status: 'STARTED', outcome: null, failures: 0, queued: false, timer: null }
    this.#entries.set(message.id, entry)
    for (;;) {
      const outcome = await this.#attempt(entry)
      if (outcome !== null) return outcome
    }
  }

  #schedule(entry: Entry, delay: number): void {
    if (delay <= 0) return this.#push(entry)
    entry.timer = setTimeout(() => {
      entry.timer = null
      this.#push(entry)
    }, delay)
  }

  #queue(name: string): QueueState {
    let queue = this.#queues.get(name)
    if (!queue) this.#queues.set(name, (queue = { waiting: [], active: 0 }))
    return queue
  }

  #push(entry: Entry): void {
    if (this.#closed) return
    entry.queued = true
    this.#queue(entry.message.queue).waiting.push(entry)
    // Like a real queue, the caller goes on first: the task starts on a later turn of the loop.
    setImmediate(() => this.#pump(entry.message.queue))
  }

  /** BullMQ's order: tasks without a priority first (oldest first), then by priority, then age. */
  #take(queue: QueueState): Entry | undefined {
    let best = -1
    for (let i = 0; i < queue.waiting.length; i++) {
      const e = queue.waiting[i]!
      if (best < 0) {
        best = i
        continue
      }
      const b = queue.waiting[best]!
      const ep = e.message.priority ?? 0
      const bp = b.message.priority ?? 0
      if (ep < bp || (ep === bp && e.seq < b.seq)) best = i
    }
    return best < 0 ? undefined : queue.waiting.splice(best, 1)[0]
  }

  #pump(name: string): void {
    const queue = this.#queue(name)
    const limit = Math.max(1, this.state.app.config.TASKS_CONCURRENCY)
    while (!this.#closed && queue.active < limit) {
      const entry = this.#take(queue)
      if (!entry) return
      entry.queued = false
      queue.active++
      void this.#attempt(entry, true)
        .then((outcome) => {
          if (outcome === null && entry.status === 'RETRY') this.#schedule(entry, backoffDelay(entry.message.backoff, entry.failures))
        })
        .finally(() => {
          queue.active--
          this.#pump(name)
        })
    }
  }

  /** One attempt; resolves with the final outcome, or null when the task will run again. */
  async #attempt(entry: Entry, queued = false): Promise<Outcome | null> {
    const { message } = entry
    const logger = this.state.app.logger
    let def
    try {
      def = this.state.tasks.definition(message.task)
    } catch (err) {
      return this.#finish(entry, { status: 'FAILURE', error: errorInfo(err) })
    }
    if (queued && def.rateLimit) {
      const wait = def.rateLimit.take()
      if (wait > 0) {
        entry.status = 'PENDING'
        this.#schedule(entry, wait)
        return null
      }
    }
    entry.status = 'STARTED'
    const started = performance.now()
    try {
      const result = await runAttempt(this.state.app, def, { id: message.id, args: message.args, attempt: entry.failures + 1, queue: message.queue })
      // Celery logs each success at INFO; here it is DEBUG, so that a busy worker's log stays readable (and cheap).
      if (logger.isLevelEnabled('debug')) logger.debug({ task: message.task, id: message.id }, `Task ${message.task}[${message.id}] succeeded in ${((performance.now() - started) / 1000).toFixed(3)}s`)
      const outcome = this.#finish(entry, { status: 'SUCCESS', result })
      await this.state.continueChain(message, result).catch((err: unknown) => {
        logger.error({ err, task: message.task, id: message.id }, `Task ${message.task}[${message.id}]: could not send the next link of its chain`)
      })
      return outcome
    } catch (err) {
      entry.failures++
      const permanent = err instanceof PermanentTaskError || err instanceof NotRegistered
      if (permanent || entry.failures >= message.attempts) {
        logger.error({ err, task: message.task, id: message.id }, `Task ${message.task}[${message.id}] failed: ${(err as Error)?.message ?? err}`)
        return this.#finish(entry, { status: 'FAILURE', error: errorInfo(err) })
      }
      logger.warn({ err, task: message.task, id: message.id }, `Task ${message.task}[${message.id}] failed (attempt ${entry.failures} of ${message.attempts}), retrying: ${(err as Error)?.message ?? err}`)
      entry.status = 'RETRY'
      return null
    }
  }

  #finish(entry: Entry, outcome: Outcome): Outcome {
    entry.status = outcome.status
    entry.outcome = outcome
    const id = entry.message.id
    const waiters = this.#waiters.get(id)
    if (waiters) {
      this.#waiters.delete(id)
      for (const resolve of waiters) resolve(outcome)
    }
    // Results expire as on Redis; the timer never keeps the process alive.
    entry.timer = setTimeout(() => this.#entries.get(id) === entry && this.#entries.delete(id), this.state.app.config.TASKS_RESULT_EXPIRES * 1000)
    entry.timer.unref()
    return outcome
  }

  async status(id: string): Promise<TaskStatus> {
    return this.#entries.get(id)?.status ?? 'PENDING'
  }

  wait(id: string, _queues: readonly string[], timeout: number | null): Promise<Outcome> {
    const done = this.#entries.get(id)?.outcome
    if (done) return Promise.resolve(done)
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined
      const settle = (outcome: Outcome): void => {
        clearTimeout(timer)
        resolve(outcome)
      }
      let set = this.#waiters.get(id)
      if (!set) this.#waiters.set(id, (set = new Set()))
      set.add(settle)
      if (timeout !== null) {
        timer = setTimeout(() => {
          this.#waiters.get(id)?.delete(settle)
          reject(new ResultTimeoutError(id, timeout * 1000))
        }, timeout * 1000)
      }
    })
  }

  async stats(queues: readonly string[]): Promise<QueueStats[]> {
    const names = new Set([...queues, ...this.#queues.keys()])
    return [...names].map((queue) => {
      const counts = { queue, waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 }
      for (const e of this.#entries.values()) {
        if (e.message.queue !== queue) continue
        if (e.status === 'SUCCESS') counts.completed++
        else if (e.status === 'FAILURE') counts.failed++
        else if (e.status === 'STARTED') counts.active++
        else if (e.queued) counts.waiting++
        else counts.delayed++
      }
      return counts
    })
  }

  async purge(queues: readonly string[]): Promise<number> {
    let removed = 0
    for (const [id, e] of this.#entries) {
      if (!queues.includes(e.message.queue) || e.outcome !== null || e.status === 'STARTED') continue
      if (e.timer) clearTimeout(e.timer)
      const queue = this.#queues.get(e.message.queue)
      const at = queue?.waiting.indexOf(e) ?? -1
      if (at >= 0) queue!.waiting.splice(at, 1)
      this.#entries.delete(id)
      removed++
    }
    return removed
  }

  async close(): Promise<void> {
    this.#closed = true
    for (const e of this.#entries.values()) if (e.timer && e.outcome === null) clearTimeout(e.timer)
  }
}
