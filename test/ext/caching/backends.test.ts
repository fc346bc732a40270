/**
 * The same contract for every backend: the in-process LRU, Redis, Memcached
 * (real servers on loopback), and what the null backend promises instead.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { Phial } from 'phial'
import { Cache, type CacheType } from 'phial/caching'
import { MEMCACHED, REDIS_URL, memcachedUp, redisUp, service, sleep } from './services.ts'

const PREFIX = `phial_test:caching_backends:${process.pid}:`
const redis = await service('Redis', redisUp(), REDIS_URL)
const memcached = await service('Memcached', memcachedUp(), MEMCACHED)

const caches: Cache[] = []
afterAll(async () => {
  for (const cache of caches) {
    await cache.clear().catch(() => {})
    await cache.close()
  }
})

function makeCache(type: CacheType): Cache {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({
    CACHE_TYPE: type,
    CACHE_KEY_PREFIX: `${PREFIX}${type}:`,
    CACHE_REDIS_URL: REDIS_URL,
    CACHE_MEMCACHED_SERVERS: [MEMCACHED],
    CACHE_DEFAULT_TIMEOUT: 60,
  })
  const cache = new Cache(app)
  caches.push(cache)
  return cache
}

const backends: Array<[CacheType, boolean]> = [
  ['simple', true],
  ['redis', redis],
  ['memcached', memcached],
]

describe.each(backends)('CACHE_TYPE %s', (type, available) => {
  const test = available ? it : it.skip
  const cache = available ? makeCache(type) : (null as unknown as Cache)

  test('get/set keep types, and a miss is undefined', async () => {
    const value = { when: new Date('2026-01-02T03:04:05.000Z'), tags: new Set(['a']), raw: Buffer.from('xyz'), n: 3 }
    await cache.set('typed', value)
    expect(await cache.get('typed')).toEqual(value)
    expect(await cache.get('missing')).toBeUndefined()
    await cache.set('null', null)
    expect(await cache.get('null')).toBeNull()
    expect(await cache.has('null')).toBe(true)
  })

  test('a stored object is a copy: mutating it later does not change the cache', async () => {
    const list = [1, 2]
    await cache.set('copy', list)
    list.push(3)
    const read = (await cache.get<number[]>('copy'))!
    expect(read).toEqual([1, 2])
    read.push(9)
    expect(await cache.get('copy')).toEqual([1, 2])
  })

  test('add stores only when absent', async () => {
    expect(await cache.add('once', 'first')).toBe(true)
    expect(await cache.add('once', 'second')).toBe(false)
    expect(await cache.get('once')).toBe('first')
  })

  test('delete, has, and the many-key forms', async () => {
    await cache.setMany({ m1: 1, m2: 'two', m3: [3] })
    expect(await cache.getMany(['m1', 'm2', 'nope', 'm3'])).toEqual([1, 'two', undefined, [3]])
    expect(await cache.delete('m1')).toBe(true)
    expect(await cache.delete('m1')).toBe(false)
    expect(await cache.has('m1')).toBe(false)
    expect(await cache.deleteMany(['m2', 'm3', 'nope'])).toBe(2)
    expect(await cache.getMany(['m2', 'm3'])).toEqual([undefined, undefined])
    await cache.setMany(new Map([['map1', 'x']]))
    expect(await cache.get('map1')).toBe('x')
  })

  test('inc and dec count atomically, starting from 0', async () => {
    expect(await cache.inc('counter')).toBe(1)
    expect(await cache.inc('counter', 10)).toBe(11)
    expect(await cache.dec('counter', 4)).toBe(7)
    expect(await cache.get('counter')).toBe(7)
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.inc('parallel')))
    expect(new Set(results).size).toBe(20)
    expect(await cache.get('parallel')).toBe(20)
    await cache.set('text', 'not a number')
    await expect(cache.inc('text')).rejects.toThrow(TypeError)
  })

  test('entries expire after their timeout', async () => {
    await cache.set('short', 'v', 1)
    await cache.set('forever', 'v', 0)
    expect(await cache.get('short')).toBe('v')
    // Redis and Memcached count whole seconds
    await sleep(2100)
    expect(await cache.get('short')).toBeUndefined()
    expect(await cache.get('forever')).toBe('v')
  }, 10_000)

  test('long keys and keys with spaces work', async () => {
    const long = `k${'x'.repeat(400)} with spaces\n`
    await cache.set(long, 'long')
    expect(await cache.get(long)).toBe('long')
    await cache.set('ünïcødé 🔑', 'u')
    expect(await cache.get('ünïcødé 🔑')).toBe('u')
  })

  test('getOrSet computes once for concurrent callers (stampede protection)', async () => {
    let runs = 0
    const compute = async (): Promise<{ n: number }> => {
      runs++
      await sleep(50)
      return { n: runs }
    }
    const results = await Promise.all(Array.from({ length: 10 }, () => cache.getOrSet('stampede', compute, { timeout: 60 })))
    expect(runs).toBe(1)
    expect(results.every((r) => r.n === 1)).toBe(true)
    expect(results[1]).not.toBe(results[2]) // each caller gets its own copy
    expect(await cache.getOrSet('stampede', compute)).toEqual({ n: 1 })
    expect(await cache.getOrSet('stampede', compute, { forcedUpdate: () => true })).toEqual({ n: 2 })
  })

  test('bad arguments are clear TypeErrors', async () => {
    await expect(cache.set('', 1)).rejects.toThrow(/non-empty string/)
    await expect(cache.set('k', 1, -5)).rejects.toThrow(/timeout/)
    await expect(cache.inc('k', 1.5)).rejects.toThrow(/integer/)
  })

  test('clear removes this cache\'s keys', async () => {
    await cache.set('c1', 1)
    await cache.clear()
    expect(await cache.get('c1')).toBeUndefined()
  })
})

describe('CACHE_TYPE null', () => {
  it('stores nothing', async () => {
    const cache = makeCache('null')
    await cache.set('k', 'v')
    expect(await cache.get('k')).toBeUndefined()
    expect(await cache.has('k')).toBe(false)
    let runs = 0
    await cache.getOrSet('k', () => ++runs)
    await cache.getOrSet('k', () => ++runs)
    expect(runs).toBe(2)
  })
})

describe.skipIf(!redis)('Redis settings', () => {
  it('CACHE_OPTIONS reach ioredis (here: the database number) and CACHE_KEY_PREFIX prefixes every key', async () => {
    const app = new Phial(import.meta.url)
    app.config.fromMapping({ CACHE_TYPE: 'redis', CACHE_REDIS_URL: REDIS_URL, CACHE_KEY_PREFIX: `${PREFIX}opts:`, CACHE_OPTIONS: { db: 3 } })
    const cache = new Cache(app)
    caches.push(cache)
    await cache.set('where', 'db3')
    const { Redis } = await import('ioredis')
    const raw = new Redis(REDIS_URL, { db: 3 })
    try {
      expect(await raw.get(`${PREFIX}opts:where`)).toBe('p1:"db3"')
      await raw.select(0)
      expect(await raw.get(`${PREFIX}opts:where`)).toBeNull()
    } finally {
      raw.disconnect()
    }
  })

  it('a value written by another client reads as a miss, not an error', async () => {
    const app = new Phial(import.meta.url)
    app.config.fromMapping({ CACHE_TYPE: 'redis', CACHE_REDIS_URL: REDIS_URL, CACHE_KEY_PREFIX: `${PREFIX}foreign:` })
    const cache = new Cache(app)
    caches.push(cache)
    const { Redis } = await import('ioredis')
    const raw = new Redis(REDIS_URL)
    try {
      await raw.set(`${PREFIX}foreign:pickled`, '\x80\x04\x95 cos\nsystem\n')
      expect(await cache.get('pickled')).toBeUndefined()
      expect(await cache.getOrSet('pickled', () => 'recomputed')).toBe('recomputed')
    } finally {
      raw.disconnect()
    }
  })
})

describe('configuration', () => {
  it('refuses an unknown CACHE_TYPE with the valid names', () => {
    const app = new Phial(import.meta.url)
    app.config.fromMapping({ CACHE_TYPE: 'mongodb' as never }) // what an untyped config file could hold
    expect(() => new Cache(app)).toThrow(/Unknown CACHE_TYPE "mongodb".*'simple'.*'redis'.*'memcached'/)
  })

  it('a cache used before initApp says what to do', async () => {
    await expect(new Cache().get('k')).rejects.toThrow(/initApp/)
  })

  it('the memory backend is bounded by CACHE_THRESHOLD (LRU)', async () => {
    const app = new Phial(import.meta.url)
    app.config.fromMapping({ CACHE_THRESHOLD: 3 })
    const cache = new Cache(app)
    for (const k of ['a', 'b', 'c']) await cache.set(k, k)
    await cache.get('a') // a is now the most recent
    await cache.set('d', 'd')
    expect(await cache.getMany(['a', 'b', 'c', 'd'])).toEqual(['a', undefined, 'c', 'd'])
  })

  it('the memory backend is bounded by CACHE_MEMORY_MAX_SIZE', async () => {
    const app = new Phial(import.meta.url)
    app.config.fromMapping({ CACHE_MEMORY_MAX_SIZE: 1000 })
    const cache = new Cache(app)
    await cache.set('big', 'x'.repeat(2000))
    expect(await cache.get('big')).toBeUndefined()
    for (let i = 0; i < 20; i++) await cache.set(`k${i}`, 'y'.repeat(100))
    const kept = (await cache.getMany(Array.from({ length: 20 }, (_, i) => `k${i}`))).filter((v) => v !== undefined)
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThan(10)
  })

  it('one Cache serves several apps, each with its own backend', async () => {
    const cache = new Cache()
    const a = new Phial(import.meta.url)
    const b = new Phial(import.meta.url)
    cache.initApp(a)
    cache.initApp(b)
    a.get('/', async function read() { await cache.set('who', 'a'); return String(await cache.get('who')) })
    b.get('/', async function read() { return String(await cache.get('who')) })
    expect((await a.testClient().get('/')).text).toBe('a')
    expect((await b.testClient().get('/')).text).toBe('undefined')
  })
})
