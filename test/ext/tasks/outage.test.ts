/**
 * Redis going away and coming back, with a Redis of the test's own (a
 * `redis-server` child on a free loopback port: the shared one is never
 * stopped). A view that sends a task answers 503 quickly while Redis is
 * down, and works again once it is back; the time to recover is printed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { Phial } from 'phial'
import { Tasks, type WorkerHandle } from 'phial/tasks'
import { redisProblem, requireServices, sleep } from './services.ts'

const haveBinary = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0
if (!haveBinary) {
  if (requireServices) throw new Error('test/ext/tasks/outage.test.ts: redis-server is required here (PHIAL_REQUIRE_SERVICES=1) but is not installed')
  console.warn('test/ext/tasks/outage.test.ts: skipping: no redis-server binary to start a Redis of its own')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

let redis: ChildProcess | null = null

async function startRedis(port: number): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  for (let i = 0; i < 100; i++) {
    if ((await redisProblem(`redis://127.0.0.1:${port}`)) === null) return
    await sleep(50)
  }
  throw new Error(`redis-server on ${port} did not start`)
}

function stopRedis(): Promise<void> {
  const proc = redis
  redis = null
  if (!proc || proc.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    proc.once('exit', () => resolve())
    proc.kill('SIGKILL')
  })
}

afterAll(() => stopRedis())

describe.skipIf(!haveBinary)('Redis down and back', { timeout: 60_000 }, () => {
  it('answers 503 while Redis is down and recovers when it returns', async () => {
    const port = await freePort()
    await startRedis(port)
    const tasks = new Tasks()
    const add = tasks.task('add', (x: number, y: number) => x + y)
    const app = new Phial(import.meta.url, { name: 'outage' })
    app.config.fromMapping({ LOG_LEVEL: 'silent', TASKS_BROKER_URL: `redis://127.0.0.1:${port}`, TASKS_ENQUEUE_TIMEOUT: 1, TASKS_PREFIX: 'outage' })
    tasks.initApp(app)
    app.post('/add', async function addView() {
      return { sum: await (await add.delay(1, 2)).get({ timeout: 5 }) }
    })
    const client = app.testClient()
    let worker: WorkerHandle | null = await tasks.startWorker(app)
    try {
      expect((await client.post('/add')).json).toEqual({ sum: 3 })

      await stopRedis()
      const started = Date.now()
      const down = await client.post('/add', { headers: { Accept: 'application/json' } })
      expect(down.status).toBe(503)
      expect(down.json).toMatchObject({ code: 503, description: expect.stringMatching(/^The task queue is not available \(Redis: .+\)\. Try again in a moment\.$/) })
      expect(Date.now() - started).toBeLessThan(2_500)

      await startRedis(port)
      const back = Date.now()
      let status = 0
      while (Date.now() - back < 20_000) {
        const response = await client.post('/add', { headers: { Accept: 'application/json' } })
        status = response.status
        if (status === 200) {
          expect(response.json).toEqual({ sum: 3 })
          break
        }
        await sleep(100)
      }
      expect(status).toBe(200)
      console.log(`tasks recovered ${Date.now() - back} ms after Redis came back`)

      // A Redis that keeps the connection but stops answering (SIGSTOP): the enqueue fails
      // within TASKS_ENQUEUE_TIMEOUT (the producer connection's command watchdog), then works again.
      redis!.kill('SIGSTOP')
      try {
        const hungAt = Date.now()
        const hung = await client.post('/add', { headers: { Accept: 'application/json' } })
        expect(hung.status).toBe(503)
        expect(hung.json).toMatchObject({ description: expect.stringContaining('Command timed out') })
        const waited = Date.now() - hungAt
        expect(waited).toBeGreaterThanOrEqual(900)
        expect(waited).toBeLessThan(2_500)
      } finally {
        redis!.kill('SIGCONT')
      }
      expect((await client.post('/add', { headers: { Accept: 'application/json' } })).json).toEqual({ sum: 3 })
    } finally {
      await worker?.close(true)
      worker = null
      await tasks.close()
    }
  })
})
