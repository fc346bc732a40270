/**
 * phial/tasks through its public API, on both backends: in-process (the
 * default) and BullMQ on the real Redis, with a worker in this process.
 * Celery's calling guide and Flask's "background tasks with Celery" pattern
 * are the behaviours ported: delay/applyAsync, results, retries, time
 * limits, chains, groups, periodic tasks, tasks in the app context.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Phial, currentApp, g } from 'phial'
import {
  Tasks,
  chain,
  currentTask,
  group,
  ResultTimeoutError,
  TaskFailedError,
  PermanentTaskError,
  type WorkerHandle,
  type Task,
} from 'phial/tasks'
import { deleteKeys, redisAvailable, REDIS_URL, sleep, uniquePrefix, until } from './services.ts'

const haveRedis = await redisAvailable('test/ext/tasks/tasks.test.ts')

function makeApp(config: Record<string, unknown>): Phial {
  const app = new Phial(import.meta.url, { name: 'tasks_test' })
  app.config.fromMapping({ TESTING: true, LOG_LEVEL: 'silent', GREETING: 'hello', ...config })
  return app
}

interface Fixture {
  app: Phial
  tasks: Tasks
  log: string[]
  add: Task<[number, number], number>
  mul: Task<[number, number], number>
  flaky: Task<[string, number], { attempts: number }>
  boom: Task<[string], never>
  slow: Task<[number], string>
  record: Task<[string], string>
  contextual: Task<[], { app: string; greeting: unknown; g: unknown; id: string; attempt: number }>
  badResult: Task<[], unknown>
  permanent: Task<[], never>
  limited: Task<[number], number>
}

function define(tasks: Tasks, log: string[]): Omit<Fixture, 'app' | 'tasks' | 'log'> {
  const counts = new Map<string, number>()
  return {
    add: tasks.task('add', (x: number, y: number) => x + y),
    mul: tasks.task('mul', (x: number, y: number) => x * y),
    flaky: tasks.task(
      'flaky',
      (key: string, failTimes: number) => {
        const n = (counts.get(key) ?? 0) + 1
        counts.set(key, n)
        log.push(`flaky ${key} ${n} ${Date.now()}`)
        if (n <= failTimes) throw new RangeError(`attempt ${n} failed`)
        return { attempts: n }
      },
      { retries: 3, backoff: 0.1 },
    ),
    boom: tasks.task(
      'boom',
      (key: string): never => {
        log.push(`boom ${key}`)
        throw new RangeError(`it broke: ${key}`)
      },
      { retries: 2, backoff: { type: 'exponential', delay: 0.05 } },
    ),
    slow: tasks.task(
      'slow',
      async (ms: number) => {
        await sleep(ms)
        return 'done'
      },
      { timeout: 0.3 },
    ),
    record: tasks.task('record', (name: string) => {
      log.push(name)
      return name
    }),
    contextual: tasks.task('contextual', () => {
      g.seen = (g.seen as number | undefined) ?? 0
      return { app: currentApp.name, greeting: currentApp.config.GREETING, g: g.seen, id: currentTask().id, attempt: currentTask().attempt }
    }),
    badResult: tasks.task('badResult', () => new Map([[1, 2]])),
    permanent: tasks.task(
      'permanent',
      (): never => {
        log.push('permanent')
        throw new PermanentTaskError('no point retrying')
      },
      { retries: 5 },
    ),
    limited: tasks.task('limited', (n: number) => n, { rateLimit: '5/s' }),
  }
}

const backends: [string, string | null][] = [['in-process', null]]
if (haveRedis) backends.push(['BullMQ', REDIS_URL])

describe.each(backends)('%s backend', (_kind, brokerUrl) => {
  let f: Fixture
  let worker: WorkerHandle | null = null
  let prefix: string

  beforeEach(async () => {
    prefix = uniquePrefix('tasks')
    const tasks = new Tasks()
    const log: string[] = []
    const defs = define(tasks, log)
    const app = makeApp({ TASKS_BROKER_URL: brokerUrl, TASKS_PREFIX: prefix, TASKS_CONCURRENCY: 1 })
    tasks.initApp(app)
    f = { app, tasks, log, ...defs }
    worker = brokerUrl ? await tasks.startWorker(app) : null
  })

  afterEach(async () => {
    await worker?.close(true)
    await f.tasks.close()
    if (brokerUrl) await deleteKeys(prefix)
  })

  it('delay() queues the task and get() waits for its value', async () => {
    const result = await f.add.delay(2, 3)
    expect(typeof result.id).toBe('string')
    expect(result.taskName).toBe('add')
    expect(await result.get({ timeout: 10 })).toBe(5)
    expect(await result.status()).toBe('SUCCESS')
    expect(await result.ready()).toBe(true)
    expect(await result.successful()).toBe(true)
  })

  it('runs each task inside the app context, with its own g', async () => {
    const first = await (await f.contextual.delay()).get({ timeout: 10 })
    const result = await f.contextual.delay()
    const second = await result.get({ timeout: 10 })
    expect(first).toMatchObject({ app: 'tasks_test', greeting: 'hello', g: 0, attempt: 1 })
    expect(second).toMatchObject({ g: 0, id: result.id })
  })

  it('reads a result by id, as another process would', async () => {
    const { id } = await f.mul.delay(6, 7)
    expect(await f.tasks.result(id).get({ timeout: 10 })).toBe(42)
    expect(await f.tasks.result('no-such-task-id').status()).toBe('PENDING')
  })

  it('refuses arguments that are not JSON at delay(), synchronously, naming them', async () => {
    const cases: [unknown[], RegExp][] = [
      [[1, new Date(0)], /add\.delay\(\): argument \[1\] is a Date, which is not JSON \(pass date\.toISOString\(\)/],
      [[1, () => 2], /argument \[1\] is a function/],
      [[1, undefined], /argument \[1\] is undefined.*\(pass null\)/],
      [[1, NaN], /argument \[1\] is NaN, which JSON turns into null/],
      [[1, 10n], /argument \[1\] is a bigint/],
      [[{ tags: new Set(['a']) }, 1], /argument \[0\]\.tags is a Set/],
      [[new (class User {})(), 1], /argument \[0\] is a User/],
    ]
    for (const [args, message] of cases) {
      expect(() => (f.add.delay as (...a: unknown[]) => unknown)(...args)).toThrow(message)
    }
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => (f.add.delay as (...a: unknown[]) => unknown)(cyclic, 1)).toThrow(/cycle/)
    expect(() => f.add.applyAsync([1, 2], { countdown: -1 })).toThrow(/countdown must be a number of seconds ≥ 0/)
    expect(() => f.add.applyAsync([1, 2], { priority: 0 })).toThrow(/priority must be a whole number from 1/)
    expect(() => f.add.applyAsync([1, 2], { jobId: 'a:b' })).toThrow(/jobId must be/)
    const [stats] = await (await f.tasks.stateFor(f.app).backend()).stats(['default'])
    expect(stats).toMatchObject({ waiting: 0, delayed: 0, completed: 0 })
  })

  it('retries a failing task with back-off until it succeeds', async () => {
    const result = await f.flaky.delay('a', 2)
    expect(await result.get({ timeout: 10 })).toEqual({ attempts: 3 })
    const times = f.log.filter((l) => l.startsWith('flaky a')).map((l) => Number(l.split(' ')[3]))
    expect(times).toHaveLength(3)
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(90)
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(90)
  })

  it('ends failed, with its error, when the retries are spent', async () => {
    const result = await f.boom.delay('x')
    const error = await result.get({ timeout: 10 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TaskFailedError)
    expect((error as TaskFailedError).message).toBe(`Task boom[${result.id}] failed: RangeError: it broke: x`)
    expect((error as TaskFailedError).error).toMatchObject({ name: 'RangeError', message: 'it broke: x' })
    expect((error as TaskFailedError).error.stack).toContain('RangeError: it broke: x')
    expect(f.log.filter((l) => l === 'boom x')).toHaveLength(3)
    expect(await result.status()).toBe('FAILURE')
    expect(await result.failed()).toBe(true)
    expect(await result.get({ propagate: false })).toMatchObject({ message: 'it broke: x' })
  })

  it('does not retry a PermanentTaskError, nor a result that is not JSON', async () => {
    const permanent = await f.permanent.delay()
    await expect(permanent.get({ timeout: 10 })).rejects.toThrow(/no point retrying/)
    expect(f.log.filter((l) => l === 'permanent')).toHaveLength(1)
    const bad = await f.badResult.delay()
    await expect(bad.get({ timeout: 10 })).rejects.toThrow(/Task badResult returned a value that cannot be stored: \(the value\) is a Map/)
  })

  it('fails an attempt that outruns its timeout', async () => {
    const result = await f.slow.delay(5_000)
    const started = Date.now()
    await expect(result.get({ timeout: 10 })).rejects.toThrow(/TaskTimeLimitExceeded: Task slow ran longer than its timeout of 300 ms/)
    expect(Date.now() - started).toBeLessThan(3_000)
  })

  it('get({ timeout }) gives up with ResultTimeoutError while the task goes on', async () => {
    const result = await f.slow.delay(200)
    await expect(result.get({ timeout: 0.05 })).rejects.toBeInstanceOf(ResultTimeoutError)
    expect(await result.get({ timeout: 10 })).toBe('done')
  })

  it('applyAsync({ countdown }) and ({ eta }) wait before running', async () => {
    const started = Date.now()
    const later = await f.record.applyAsync(['later'], { countdown: 0.4 })
    const past = await f.record.applyAsync(['past'], { eta: new Date(Date.now() - 60_000) })
    expect(await past.get({ timeout: 10 })).toBe('past')
    expect(await later.status()).toBe('PENDING')
    expect(await later.get({ timeout: 10 })).toBe('later')
    expect(Date.now() - started).toBeGreaterThanOrEqual(380)
    expect(f.log).toEqual(['past', 'later'])
  })

  it('runs tasks without a priority first, then by priority (1 first)', async () => {
    const blocker = await f.slow.delay(250)
    await until(async () => (await blocker.status()) === 'STARTED', 10_000, 'the blocker to start')
    const results = [
      await f.record.applyAsync(['p3'], { priority: 3 }),
      await f.record.applyAsync(['p1'], { priority: 1 }),
      await f.record.delay('none'),
      await f.record.applyAsync(['p2'], { priority: 2 }),
    ]
    for (const r of results) await r.get({ timeout: 10 })
    expect(f.log).toEqual(['none', 'p1', 'p2', 'p3'])
  })

  it('a task id is a UUID (as Celery\'s), the same in the worker, different for each task', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, () => f.contextual.delay()))
    const linked = await chain(f.add.s(1, 1), f.mul.s(2)).applyAsync()
    const ids = [...results.map((r) => r.id), linked.id, linked.parents[0]!.id]
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(new Set(ids).size).toBe(ids.length)
    expect((await results[0]!.get({ timeout: 10 })).id).toBe(results[0]!.id)
    expect(await linked.get({ timeout: 10 })).toBe(4)
  })

  it('a jobId is the result id, and a second task with the same id is not added', async () => {
    const first = await f.record.applyAsync(['once'], { jobId: `job-${prefix}` })
    const second = await f.record.applyAsync(['twice'], { jobId: `job-${prefix}` })
    expect(first.id).toBe(`job-${prefix}`)
    expect(await second.get({ timeout: 10 })).toBe('once')
    await sleep(100)
    expect(f.log).toEqual(['once'])
  })

  it('chain() passes each result to the next task, first', async () => {
    const result = await chain(f.add.s(2, 2), f.mul.s(8), f.add.s(1)).applyAsync()
    expect(await result.get({ timeout: 10 })).toBe(33)
    expect(result.parents).toHaveLength(2)
    expect(await result.parents[0]!.get()).toBe(4)
    expect(await result.status()).toBe('SUCCESS')
  })

  it('a chain stops at the first failure, and get() names that link', async () => {
    const result = await chain(f.boom.s('chain'), f.record.s()).applyAsync()
    const error = (await result.get({ timeout: 10 }).catch((e: unknown) => e)) as TaskFailedError
    expect(error).toBeInstanceOf(TaskFailedError)
    expect(error.taskName).toBe('boom')
    expect(error.taskId).toBe(result.parents[0]!.id)
    expect(await result.status()).toBe('FAILURE')
    expect(f.log).toEqual(['boom chain', 'boom chain', 'boom chain'])
  })

  it('group() runs tasks and gives their results in order', async () => {
    const results = await group([1, 2, 3, 4].map((n) => f.mul.s(n, n))).applyAsync()
    expect(await results.get({ timeout: 10 })).toEqual([1, 4, 9, 16])
    expect(await results.ready()).toBe(true)
    expect(await results.completedCount()).toBe(4)
  })

  it('many results awaited at once (no listener-leak warning)', async () => {
    const warnings: string[] = []
    const onWarning = (w: Error): void => void warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      const started = Date.now()
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => f.add.delay(i, i)))
      expect(await Promise.all(results.map((r) => r.get({ timeout: 15 })))).toEqual(Array.from({ length: 30 }, (_, i) => 2 * i))
      // A get that missed its job's event would only end at its timeout.
      expect(Date.now() - started).toBeLessThan(5_000)
      await sleep(10)
      expect(warnings).not.toContain('MaxListenersExceededWarning')
    } finally {
      process.off('warning', onWarning)
    }
  })

  it('rateLimit spaces the runs of a task', async () => {
    const started = Date.now()
    const results = await group([1, 2, 3, 4, 5, 6, 7, 8].map((n) => f.limited.s(n))).applyAsync()
    expect(await results.get({ timeout: 15 })).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    // 5 at once, then one every 200 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500)
  })

  it('runs periodic tasks ({ every } and a cron expression with seconds)', async () => {
    f.tasks.periodic('tick', { every: 0.25 }, f.record.s('tick'))
    f.tasks.periodic('tock', '*/1 * * * * *', f.record.s('tock'))
    if (brokerUrl) {
      await worker!.close()
      worker = await f.tasks.startWorker(f.app)
    }
    await until(() => f.log.filter((l) => l === 'tick').length >= 2 && f.log.includes('tock'), 10_000, 'periodic runs')
  })

  it('status and purge: scheduled tasks are counted and removed', async () => {
    await f.record.applyAsync(['never'], { countdown: 60 })
    await f.record.applyAsync(['never'], { countdown: 60 })
    const backend = await f.tasks.stateFor(f.app).backend()
    expect((await backend.stats(['default']))[0]).toMatchObject({ queue: 'default', delayed: 2 })
    expect(await backend.purge(['default'])).toBe(2)
    expect((await backend.stats(['default']))[0]).toMatchObject({ delayed: 0, waiting: 0 })
  })

  it('run() calls the function here and now, inside the app context', async () => {
    expect(await f.add.run(1, 2)).toBe(3)
    expect(await f.contextual.run().catch((e: Error) => e.message)).toBe('currentTask() was called outside a running task.')
  })
})

describe('TASKS_ALWAYS_EAGER', () => {
  it('runs the task inside delay() and hands back a finished result', async () => {
    const tasks = new Tasks()
    const log: string[] = []
    const { add, boom, mul } = define(tasks, log)
    const app = makeApp({ TASKS_ALWAYS_EAGER: true })
    tasks.initApp(app)
    const result = await add.delay(1, 2)
    expect(await result.status()).toBe('SUCCESS')
    expect(await result.get()).toBe(3)
    expect(await tasks.result(result.id).get()).toBe(3)
    const failed = await boom.delay('eager')
    expect(await failed.status()).toBe('FAILURE')
    expect(log).toEqual(['boom eager', 'boom eager', 'boom eager'])
    expect(await (await chain(add.s(1, 1), mul.s(10)).applyAsync()).get()).toBe(20)
    app.config.TASKS_EAGER_PROPAGATES = true
    await expect(boom.delay('again')).rejects.toThrow(/it broke: again/)
    await tasks.close()
  })
})

describe('defining tasks', () => {
  it('refuses bad names and options with clear errors', () => {
    const tasks = new Tasks()
    const one = tasks.task('one', () => 1)
    expect(() => tasks.task('one', () => 2)).toThrow(/A task named 'one' is already registered/)
    expect(() => tasks.task('r', () => 1, { retries: -1 })).toThrow(/retries must be a whole number ≥ 0/)
    expect(() => tasks.task('t', () => 1, { timeout: 0 })).toThrow(/timeout must be a positive number/)
    expect(() => tasks.task('b', () => 1, { backoff: { type: 'linear' as 'fixed', delay: 1 } })).toThrow(/backoff must be/)
    expect(() => tasks.task('l', () => 1, { rateLimit: 'ten per minute' })).toThrow(/rateLimit 'ten per minute' is not a rate/)
    expect(() => tasks.periodic('p', '61 * * * *', one as never)).toThrow(/minute '61' is out of range 0-59/)
    expect(() => tasks.definition('nope')).toThrow(/No task named 'nope' is registered \(known: one\)/)
  })

  it('sending before initApp says what to do', () => {
    const tasks = new Tasks()
    const t = tasks.task('x', () => 1)
    expect(() => t.delay()).toThrow(/phial\/tasks is not set up: call tasks.initApp\(app\)/)
  })
})

describe.skipIf(!haveRedis)('a forced worker close on Redis', () => {
  it("aborts the running task's currentTask().signal", async () => {
    const prefix = uniquePrefix('force')
    const tasks = new Tasks()
    let signal: AbortSignal | null = null
    let startedRunning = false
    const waits = tasks.task('waits', () => {
      signal = currentTask().signal
      startedRunning = true
      return new Promise<string>((resolve) => signal!.addEventListener('abort', () => resolve('aborted')))
    })
    const app = makeApp({ TASKS_BROKER_URL: REDIS_URL, TASKS_PREFIX: prefix })
    tasks.initApp(app)
    const worker = await tasks.startWorker(app)
    try {
      await waits.delay()
      await until(() => startedRunning, 10_000, 'the task to start')
      expect(signal!.aborted).toBe(false)
      await worker.close(true)
      expect(signal!.aborted).toBe(true)
      expect((signal!.reason as Error).message).toBe('The worker was forced to stop.')
    } finally {
      await tasks.close()
      await deleteKeys(prefix)
    }
  })

  it('a task that makes its signal after a forced close gets it aborted', async () => {
    const prefix = uniquePrefix('force-late')
    const tasks = new Tasks()
    let release: (() => void) | null = null
    let late: AbortSignal | null = null
    const waits = tasks.task('waits', async () => {
      await new Promise<void>((resolve) => (release = resolve))
      late = currentTask().signal
      return late.aborted
    })
    const app = makeApp({ TASKS_BROKER_URL: REDIS_URL, TASKS_PREFIX: prefix })
    tasks.initApp(app)
    const worker = await tasks.startWorker(app)
    try {
      await waits.delay()
      await until(() => release !== null, 10_000, 'the task to start')
      const closing = worker.close(true)
      release!()
      await closing
      await until(() => late !== null, 5_000, 'the task to read its signal')
      expect(late!.aborted).toBe(true)
      expect((late!.reason as Error).message).toBe('The worker was forced to stop.')
    } finally {
      await tasks.close()
      await deleteKeys(prefix)
    }
  })
})

describe.skipIf(!haveRedis)('the producer connection on Redis', () => {
  // CPU-independent guard: ioredis's commandTimeout set a timer per command (and made each
  // command a dictionary object); one watchdog timer does the same job (see CommandWatchdog).
  it('sets no timer per task sent', async () => {
    const prefix = uniquePrefix('timers')
    const tasks = new Tasks()
    const add = tasks.task('add', (x: number, y: number) => x + y)
    const app = makeApp({ TASKS_BROKER_URL: REDIS_URL, TASKS_PREFIX: prefix })
    tasks.initApp(app)
    try {
      await add.delay(0, 0) // connects
      const { connection } = (await (app.extensions.tasks as { backend(): Promise<unknown> }).backend()) as { connection: { sendCommand: (...a: unknown[]) => unknown } }
      const send = connection.sendCommand
      let most = 0
      connection.sendCommand = function (this: unknown, ...a: unknown[]) {
        const sent = send.apply(this, a)
        most = Math.max(most, process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length)
        return sent
      }
      let before = 0
      try {
        before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
        await Promise.all(Array.from({ length: 200 }, (_, i) => add.delay(i, 1)))
      } finally {
        connection.sendCommand = send
      }
      expect(most - before).toBeLessThan(10)
    } finally {
      await tasks.close()
      await deleteKeys(prefix)
    }
  })
})

describe.skipIf(!haveRedis)('Redis unreachable', () => {
  it('a view that sends a task answers 503 with a message, quickly', async () => {
    const tasks = new Tasks()
    const add = tasks.task('add', (x: number, y: number) => x + y)
    const app = makeApp({ TASKS_BROKER_URL: 'redis://127.0.0.1:1', TASKS_ENQUEUE_TIMEOUT: 1 })
    tasks.initApp(app)
    app.post('/sum', async function sum() {
      return { id: (await add.delay(1, 2)).id }
    })
    const started = Date.now()
    const response = await app.testClient().post('/sum', { headers: { Accept: 'application/json' } })
    expect(response.status).toBe(503)
    expect(response.text).toMatch(/The task queue is not available \(Redis: /)
    expect(Date.now() - started).toBeLessThan(3_000)
    await tasks.close()
  })
})

describe.skipIf(!haveRedis)('periodic tasks on Redis', () => {
  it('each worker upserts the schedulers, and drops the one of an entry removed from the code', async () => {
    const prefix = uniquePrefix('beat')
    const { Queue } = await import('bullmq')
    const queue = new Queue('default', { connection: { url: REDIS_URL }, prefix })
    const schedulers = async (): Promise<string[]> => (await queue.getJobSchedulers()).map((s) => s.key).sort()
    try {
      const v1 = new Tasks()
      const ping = v1.task('ping', () => 'pong')
      v1.periodic('hourly', '0 * * * *', ping.s())
      v1.periodic('daily', '@daily', ping.s())
      const app1 = makeApp({ TASKS_BROKER_URL: REDIS_URL, TASKS_PREFIX: prefix })
      v1.initApp(app1)
      await (await v1.startWorker(app1)).close()
      await (await v1.startWorker(app1)).close() // a second worker: still one scheduler per entry
      expect(await schedulers()).toEqual(['periodic:daily', 'periodic:hourly'])
      await v1.close()

      const v2 = new Tasks()
      v2.periodic('hourly', '0 * * * *', v2.task('ping', () => 'pong').s())
      const app2 = makeApp({ TASKS_BROKER_URL: REDIS_URL, TASKS_PREFIX: prefix })
      v2.initApp(app2)
      await (await v2.startWorker(app2, { beat: false })).close()
      expect(await schedulers()).toEqual(['periodic:daily', 'periodic:hourly']) // --no-beat touches nothing
      await (await v2.startWorker(app2)).close()
      expect(await schedulers()).toEqual(['periodic:hourly'])
      await v2.close()
    } finally {
      await queue.close()
      await deleteKeys(prefix)
    }
  })
})
