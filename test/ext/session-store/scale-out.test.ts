/**
 * Scale-out (issue 16 item 5): two `phial serve` processes on one Redis share
 * sessions, cached values and fragment invalidations; when Redis goes down, requests that need it
 * get a fast 503 and both processes recover on their own when it returns.
 * Redis here is a throwaway redis-server of this file (port 6391), never the
 * machine's shared one, so that it can be killed.
 */
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ThrowawayRedis, freePort, redisServerInstalled, service, sleep } from '../caching/services.ts'
import { killAll, serve, type Served } from './processes.ts'

const APP = fileURLToPath(new URL('./fixtures/scale_app.ts', import.meta.url))
const available = await service('redis-server (to start a throwaway Redis)', redisServerInstalled(), 'PATH')
const redis = new ThrowawayRedis(Number(process.env.PHIAL_TEST_SCALE_REDIS_PORT ?? 6391))

let one: Served
let two: Served

async function call(server: Served, path: string, init: RequestInit = {}): Promise<{ status: number; json: any; text: string; cookie: string | null; ms: number }> {
  const started = performance.now()
  const r = await fetch(server.base + path, { ...init, signal: AbortSignal.timeout(10_000) })
  const text = await r.text()
  let json: unknown = text
  try {
    json = JSON.parse(text)
  } catch {
    /* not JSON */
  }
  const cookie = r.headers.get('set-cookie')?.match(/^session=([^;]*)/)?.[1] ?? null
  return { status: r.status, json, text, cookie, ms: performance.now() - started }
}

describe.skipIf(!available)('two phial serve processes on one Redis', () => {
  beforeAll(async () => {
    await redis.start()
    const env = { SCALE_REDIS_URL: redis.url, SCALE_PREFIX: `scale:${process.pid}:` }
    ;[one, two] = await Promise.all([serve(APP, await freePort(), env), serve(APP, await freePort(), env)])
  }, 60_000)

  afterAll(async () => {
    killAll()
    await redis.kill()
  })

  it('share sessions and cached values, answer 503 while Redis is down, and recover', async () => {
    const pidOne = Number((await call(one, '/pid')).json)
    const pidTwo = Number((await call(two, '/pid')).json)
    expect(pidOne).not.toBe(pidTwo)

    // a session set through one process is read through the other
    const login = await call(one, '/login/ann', { method: 'POST' })
    expect(login.status).toBe(200)
    expect(login.cookie).toBeTruthy()
    const headers = { cookie: `session=${login.cookie}` }
    expect((await call(two, '/whoami', { headers })).json).toEqual({ user: 'ann', pid: pidTwo })

    // a value computed by one process is served by the other
    const computed = await call(two, '/report')
    expect(computed.json.computedBy).toBe(pidTwo)
    expect((await call(one, '/report')).json).toEqual(computed.json)

    // template fragments: each process keeps its copy; a delete through one drops both
    const settled = async (server: Served, not?: unknown): Promise<unknown> => {
      for (let i = 0; i < 100; i++) {
        const text = (await call(server, '/fragment')).json
        if (text !== not && (await call(server, '/fragment')).json === text) return text
        await sleep(20)
      }
      throw new Error('the fragment never settled')
    }
    const fragOne = await settled(one)
    const fragTwo = await settled(two)
    expect(fragOne).not.toBe(fragTwo)
    expect((await call(two, '/invalidate', { method: 'POST' })).status).toBe(200)
    expect(await settled(one, fragOne)).not.toBe(fragOne)
    expect(await settled(two, fragTwo)).not.toBe(fragTwo)

    // Redis goes away
    await redis.kill()
    for (const server of [one, two]) {
      const r = await call(server, '/whoami', { headers })
      expect(r.status).toBe(503)
      expect(r.text).toContain('The session store is unavailable')
      expect(r.ms).toBeLessThan(1500)
    }
    const loginDown = await call(one, '/login/bob', { method: 'POST' })
    expect(loginDown.status).toBe(503)
    expect(loginDown.text).toContain('The session store is unavailable')
    expect(loginDown.cookie).toBeNull()
    // a page without a session still works; the cached view runs uncached
    const uncached = await call(one, '/report')
    expect(uncached.status).toBe(200)
    expect(uncached.json.computedBy).toBe(pidOne)

    // Redis comes back (empty: this one keeps nothing on disk)
    await sleep(3000)
    await redis.start()
    const back = performance.now()
    const recovered: number[] = []
    for (const server of [one, two]) {
      while (performance.now() - back < 15_000) {
        const r = await call(server, '/whoami', { headers })
        if (r.status === 200) break
        await sleep(20)
      }
      recovered.push(performance.now() - back)
    }
    console.log(`[measure] scale-out: both processes served sessions again ${recovered.map((ms) => `${ms.toFixed(0)} ms`).join(' and ')} after Redis answered PING`)
    expect(Math.max(...recovered)).toBeLessThan(3000)

    const again = await call(two, '/login/cy', { method: 'POST' })
    expect(again.status).toBe(200)
    expect((await call(one, '/whoami', { headers: { cookie: `session=${again.cookie}` } })).json.user).toBe('cy')

    // open Redis connections do not keep a server from a graceful stop
    const exited = new Promise<number>((resolve) => one.proc.once('exit', () => resolve(performance.now())))
    const stopAt = performance.now()
    one.proc.kill('SIGTERM')
    expect((await exited) - stopAt).toBeLessThan(10_000)
  }, 60_000)
})
