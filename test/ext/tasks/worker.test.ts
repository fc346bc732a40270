/**
 * `phial worker` and `phial tasks` as real processes on the real Redis:
 * at-least-once delivery (a SIGKILLed worker's task is run again by another
 * worker), graceful SIGTERM (the running task finishes), and scale-out (a
 * task sent by one process, run by a worker, its result read by a third).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { deleteKeys, redisAvailable, REDIS_URL, uniquePrefix } from './services.ts'
import { killAll, runPhial, startPhial } from './processes.ts'

const haveRedis = await redisAvailable('test/ext/tasks/worker.test.ts')
const APP = ['--app', 'test/ext/tasks/fixtures/app.ts']

describe('phial worker without a broker', () => {
  it('explains that in-process tasks need no worker (exit code 2)', async () => {
    const { code, output } = await runPhial([...APP, 'worker'], { TASKS_BROKER_URL: '' })
    expect(code).toBe(2)
    expect(output).toContain('Error: phial worker runs tasks from Redis: set TASKS_BROKER_URL')
  })
})

describe.skipIf(!haveRedis)('phial worker on Redis', { timeout: 90_000 }, () => {
  let env: Record<string, string>
  beforeAll(() => {
    env = { TASKS_BROKER_URL: REDIS_URL, TASKS_PREFIX: uniquePrefix('worker'), TASKS_VISIBILITY_TIMEOUT: '1.5' }
  })
  afterEach(() => killAll())
  afterAll(async () => {
    killAll()
    await deleteKeys(env.TASKS_PREFIX!)
  })

  it('scale-out: sent by one process, run by a worker, read by a third', async () => {
    const worker = startPhial([...APP, 'worker', '--concurrency', '2'], env)
    const ready = await worker.waitFor(/phial worker (\d+): ready on redis:\/\/127\.0\.0\.1:6379 \(prefix [^)]+\), queues default, concurrency 2, 2 tasks, 0 periodic/)
    const sent = await runPhial([...APP, 'enqueue', 'slow', '[50, "scale"]'], env)
    expect(sent.code).toBe(0)
    const [, id, senderPid] = sent.output.match(/id=(\S+) pid=(\d+)/)!
    const read = await runPhial([...APP, 'result', id!], env)
    expect(read.code).toBe(0)
    const [, json, readerPid] = read.output.match(/result=(\S+) reader=(\d+)/)!
    const value = JSON.parse(json!) as { pid: number; marker: string }
    expect(value).toMatchObject({ pid: Number(ready[1]), marker: 'scale', attempt: 1 })
    expect(new Set([senderPid, readerPid, ready[1]]).size).toBe(3)
    worker.proc.kill('SIGTERM')
    expect((await worker.exited).code).toBe(0)
  })

  it('scale-out over HTTP: sent through one `phial serve`, run by the worker, read through another', async () => {
    const worker = startPhial([...APP, 'worker'], env)
    const [, workerPid] = (await worker.waitFor(/phial worker (\d+): ready/))!
    const a = startPhial([...APP, 'serve', '--workers', '1', '--port', '0'], env)
    const b = startPhial([...APP, 'serve', '--workers', '1', '--port', '0'], env)
    const [, baseA] = (await a.waitFor(/Listening at (http:\/\/127\.0\.0\.1:\d+)/))!
    const [, baseB] = (await b.waitFor(/Listening at (http:\/\/127\.0\.0\.1:\d+)/))!
    const sent = (await (await fetch(`${baseA}/slow`, { method: 'POST' })).json()) as { id: string; server: number }
    let read: { status: string; value: { pid: number; marker: string } | null; server: number } | null = null
    for (let i = 0; i < 100; i++) {
      read = (await (await fetch(`${baseB}/result/${sent.id}`)).json()) as typeof read
      if (read!.status === 'SUCCESS') break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(read).toMatchObject({ status: 'SUCCESS', value: { pid: Number(workerPid), marker: 'http' } })
    expect(new Set([sent.server, read!.server, Number(workerPid)]).size).toBe(3)
  })

  it('a task whose worker is SIGKILLed mid-run is run again by another worker', async () => {
    // Both workers are up and idle before the task is sent, so that what is measured is the
    // redelivery alone (starting a worker takes seconds on a loaded machine, longer than the task).
    // Whichever worker takes the task is killed; the other one must run it again.
    const workers = [startPhial([...APP, 'worker'], env), startPhial([...APP, 'worker'], env)]
    const pids = await Promise.all(workers.map(async (w) => Number((await w.waitFor(/phial worker (\d+): ready/))[1])))
    const sent = await runPhial([...APP, 'enqueue', 'slow', '[6000, "killed"]'], env)
    const [, id] = sent.output.match(/id=(\S+)/)!
    const started = await Promise.race(
      workers.map(async (w, i) => (await w.waitFor(/slow started killed pid=\d+ attempt=1/, 30_000), i)),
    )
    const [victim, survivor] = [workers[started]!, workers[1 - started]!]
    process.kill(-victim.proc.pid!, 'SIGKILL')
    const killedAt = Date.now()
    expect((await victim.exited).signal).toBe('SIGKILL')
    expect(victim.output()).not.toContain('slow finished killed')
    expect(survivor.output()).not.toContain('attempt=1')

    await survivor.waitFor(/slow started killed pid=\d+ attempt=2/, 30_000)
    const redeliveredAfter = Date.now() - killedAt
    const read = await runPhial([...APP, 'result', id!], env)
    const value = JSON.parse(read.output.match(/result=(\S+)/)![1]!) as { pid: number; attempt: number }
    expect(value).toEqual({ pid: pids[1 - started], attempt: 2, marker: 'killed' })
    console.log(`redelivered ${redeliveredAfter} ms after SIGKILL (TASKS_VISIBILITY_TIMEOUT 1.5 s)`)
    survivor.proc.kill('SIGTERM')
    await survivor.exited
  })

  it('SIGTERM lets the running task finish, then the worker exits 0', async () => {
    const worker = startPhial([...APP, 'worker'], env)
    await worker.waitFor(/ready/)
    const sent = await runPhial([...APP, 'enqueue', 'slow', '[1200, "graceful"]'], env)
    const [, id] = sent.output.match(/id=(\S+)/)!
    await worker.waitFor(/slow started graceful/)
    worker.proc.kill('SIGTERM')
    await worker.waitFor(/SIGTERM received, finishing 1 running task\(s\)/)
    const { code } = await worker.exited
    expect(code).toBe(0)
    const out = worker.output()
    expect(out.indexOf('slow finished graceful')).toBeGreaterThan(out.indexOf('SIGTERM received'))
    expect(out).toMatch(/stopped\s*$/)
    const read = await runPhial([...APP, 'result', id!], env)
    expect(read.output).toMatch(/result=\{"pid":\d+,"attempt":1,"marker":"graceful"\}/)
  })

  it('phial tasks status and purge', async () => {
    for (let i = 0; i < 2; i++) await runPhial([...APP, 'enqueue', 'add', '[1, 2]'], env)
    const status = await runPhial([...APP, 'tasks', 'status'], env)
    expect(status.code).toBe(0)
    expect(status.output).toMatch(/Broker: redis:\/\/127\.0\.0\.1:6379 \(prefix phialtest-worker-/)
    expect(status.output).toMatch(/Queue\s+Waiting\s+Active\s+Delayed\s+Completed\s+Failed/)
    expect(status.output).toMatch(/default\s+2\s+0\s+0\s+\d+\s+0/)
    expect(status.output).toContain('Tasks: add (default), slow (default)')
    const dry = await runPhial([...APP, 'tasks', 'purge'], env)
    expect(dry.code).toBe(1)
    expect(dry.output).toContain('Would remove 2 waiting or scheduled task(s) from default. Run again with --force to remove them.')
    const purge = await runPhial([...APP, 'tasks', 'purge', '--force'], env)
    expect(purge.output).toContain('Removed 2 task(s) from default.')
    const after = await runPhial([...APP, 'tasks', 'status'], env)
    expect(after.output).toMatch(/default\s+0\s+0\s+0/)
  })

  it('a bad --concurrency is a usage error', async () => {
    const { code, output } = await runPhial([...APP, 'worker', '--concurrency', 'many'], env)
    expect(code).toBe(2)
    expect(output).toContain("'many' is not a whole number ≥ 1")
  })
})
