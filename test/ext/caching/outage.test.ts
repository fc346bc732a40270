/**
 * Redis going away and coming back, on a throwaway redis-server of this file
 * (port 6390 — never the machine's shared Redis): calls that need it fail
 * fast with a 503, cached views keep serving (uncached), and service resumes
 * on its own when Redis returns. The recovery time is measured and printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Phial } from 'phial'
import { Cache, CacheUnavailable } from 'phial/caching'
import { ThrowawayMemcached, ThrowawayRedis, memcachedInstalled, redisServerInstalled, service, sleep } from './services.ts'

const available = await service('redis-server (to start a throwaway Redis)', redisServerInstalled(), 'PATH')
const redis = new ThrowawayRedis(Number(process.env.PHIAL_TEST_OUTAGE_REDIS_PORT ?? 6390))

function makeApp(): { app: Phial; cache: Cache; runs: () => number } {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({ CACHE_TYPE: 'redis', CACHE_REDIS_URL: redis.url, CACHE_KEY_PREFIX: 'outage:', LOG_LEVEL: 'silent' })
  const cache = new Cache(app)
  let n = 0
  app.get('/count', async function count() {
    return { count: await cache.inc('hits') }
  })
  app.get('/page', cache.cached()(function page() {
    return `page ${++n}`
  }))
  return { app, cache, runs: () => n }
}

describe.skipIf(!available)('Redis outage', () => {
  beforeAll(() => redis.start())
  afterAll(() => redis.kill())

  it('a call that needs Redis is a fast 503, a cached view runs uncached, and both recover', async () => {
    const { app, cache, runs } = makeApp()
    const client = app.testClient()
    try {
      expect((await client.get('/count')).json).toEqual({ count: 1 })
      expect((await client.get('/page')).text).toBe('page 1')
      expect((await client.get('/page')).text).toBe('page 1')

      await redis.kill()
      let started = performance.now()
      const down = await client.get('/count')
      const firstFailure = performance.now() - started
      expect(down.status).toBe(503)
      expect(down.headers.get('retry-after')).toBe('1')
      expect(down.text).toContain('The cache service is unavailable')
      expect(firstFailure).toBeLessThan(1500)

      // many requests at once: none hangs
      started = performance.now()
      const burst = await Promise.all(Array.from({ length: 20 }, () => client.get('/count')))
      expect(burst.every((r) => r.status === 503)).toBe(true)
      expect(performance.now() - started).toBeLessThan(1500)
      await expect(cache.get('anything')).rejects.toBeInstanceOf(CacheUnavailable)

      // a cached page is not an error while Redis is down: the view runs
      const before = runs()
      expect((await client.get('/page')).text).toBe(`page ${before + 1}`)

      // a real outage lasts: let the client's reconnection back-off reach its ceiling (500 ms)
      await sleep(3000)
      await redis.start()
      const back = performance.now()
      let recovered = -1
      while (performance.now() - back < 10_000) {
        const r = await client.get('/count')
        if (r.status === 200) {
          recovered = performance.now() - back
          break
        }
        await sleep(20)
      }
      console.log(`[measure] Redis cache: first 503 after ${firstFailure.toFixed(0)} ms; served again ${recovered.toFixed(0)} ms after Redis answered PING`)
      expect(recovered).toBeGreaterThanOrEqual(0)
      expect(recovered).toBeLessThan(2000)
      // a fresh server: the counter starts over
      expect((await client.get('/count')).status).toBe(200)
    } finally {
      await cache.close()
    }
  }, 30_000)

  it('a Redis that stops answering (a partition) is a 503 after the 1 s command timeout, not a hang', async () => {
    await redis.start()
    const { app, cache } = makeApp()
    const client = app.testClient()
    try {
      expect((await client.get('/count')).status).toBe(200)
      redis.pause()
      const started = performance.now()
      const responses = await Promise.all(Array.from({ length: 5 }, () => client.get('/count')))
      const took = performance.now() - started
      expect(responses.map((r) => r.status)).toEqual([503, 503, 503, 503, 503])
      expect(took).toBeGreaterThan(800)
      expect(took).toBeLessThan(2500)
      redis.resume()
      const back = performance.now()
      let ok = false
      while (!ok && performance.now() - back < 10_000) {
        ok = (await client.get('/count')).status === 200
        if (!ok) await sleep(20)
      }
      expect(ok).toBe(true)
      console.log(`[measure] Redis cache, frozen server: 503 after ${took.toFixed(0)} ms; served again ${(performance.now() - back).toFixed(0)} ms after it resumed`)
    } finally {
      await cache.close()
      redis.resume()
    }
  }, 30_000)

  it('an app started while Redis is down answers 503 at once, then works when Redis comes up', async () => {
    await redis.kill()
    const { app, cache } = makeApp()
    const client = app.testClient()
    try {
      const started = performance.now()
      expect((await client.get('/count')).status).toBe(503)
      expect(performance.now() - started).toBeLessThan(2500)
      await redis.start()
      const back = performance.now()
      let ok = false
      while (!ok && performance.now() - back < 10_000) {
        ok = (await client.get('/count')).status === 200
        if (!ok) await sleep(20)
      }
      expect(ok).toBe(true)
      console.log(`[measure] Redis cache, app started during the outage: served ${(performance.now() - back).toFixed(0)} ms after Redis answered PING`)
    } finally {
      await cache.close()
    }
  }, 30_000)
})

const memcachedAvailable = await service('memcached (to start a throwaway Memcached)', memcachedInstalled(), 'PATH')
const memcached = new ThrowawayMemcached(Number(process.env.PHIAL_TEST_OUTAGE_MEMCACHED_PORT ?? 11290))

describe.skipIf(!memcachedAvailable)('Memcached outage', () => {
  afterAll(() => memcached.kill())

  it('a call that needs Memcached is a 503 within a second, and works again when it returns', async () => {
    await memcached.start()
    const app = new Phial(import.meta.url)
    app.config.fromMapping({ CACHE_TYPE: 'memcached', CACHE_MEMCACHED_SERVERS: [memcached.server], CACHE_KEY_PREFIX: 'outage:', LOG_LEVEL: 'silent' })
    const cache = new Cache(app)
    app.get('/count', async function count() {
      return { count: await cache.inc('hits') }
    })
    const client = app.testClient()
    try {
      expect((await client.get('/count')).json).toEqual({ count: 1 })
      await memcached.kill()
      const started = performance.now()
      const down = await client.get('/count')
      const took = performance.now() - started
      expect(down.status).toBe(503)
      expect(took).toBeLessThan(2500)
      await sleep(1000)
      await memcached.start()
      const back = performance.now()
      let ok = false
      while (!ok && performance.now() - back < 10_000) {
        ok = (await client.get('/count')).status === 200
        if (!ok) await sleep(20)
      }
      expect(ok).toBe(true)
      console.log(`[measure] Memcached: 503 after ${took.toFixed(0)} ms; served again ${(performance.now() - back).toFixed(0)} ms after it answered`)
    } finally {
      await cache.close()
    }
  }, 30_000)
})
