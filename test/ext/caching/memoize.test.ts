/**
 * cache.memoize() and deleteMemoized(): Flask-Caching's memoize tests ported.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { Phial } from 'phial'
import { Cache } from 'phial/caching'
import { REDIS_URL, redisUp, service, sleep } from './services.ts'

const PREFIX = `phial_test:caching_memoize:${process.pid}:`
const redis = await service('Redis', redisUp(), REDIS_URL)
const closers: Cache[] = []
afterAll(async () => {
  for (const c of closers) {
    await c.clear().catch(() => {})
    await c.close()
  }
})

function makeCache(type: 'simple' | 'redis'): Cache {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({ CACHE_TYPE: type, CACHE_KEY_PREFIX: PREFIX, CACHE_REDIS_URL: REDIS_URL })
  const cache = new Cache(app)
  closers.push(cache)
  return cache
}

describe.each([['simple', true], ['redis', redis]] as const)('memoize on %s', (type, available) => {
  const test = available ? it : it.skip

  test('caches by argument list', async () => {
    const cache = makeCache(type)
    let calls = 0
    const add = cache.memoize({ timeout: 60 })(function add(a: number, b: number) {
      calls++
      return a + b + Math.random()
    })
    const first = await add(1, 2)
    expect(await add(1, 2)).toBe(first)
    expect(await add(2, 1)).not.toBe(first)
    expect(calls).toBe(2)
  })

  test('deleteMemoized with arguments forgets one result; without, all of them', async () => {
    const cache = makeCache(type)
    let calls = 0
    const big = cache.memoize()(async function big(n: number) {
      calls++
      return { n, at: new Date(), call: calls }
    })
    const one = await big(1)
    const two = await big(2)
    expect(one.at).toBeInstanceOf(Date)
    await cache.deleteMemoized(big, 1)
    expect((await big(1)).call).toBe(3)
    expect((await big(2)).call).toBe(two.call)
    await cache.deleteMemoized(big)
    expect((await big(2)).call).toBe(4)
    expect((await big(1)).call).toBe(5)
  })

  test('results expire after the timeout', async () => {
    const cache = makeCache(type)
    let calls = 0
    const f = cache.memoize({ timeout: 1 })(function f() {
      return ++calls
    })
    expect(await f()).toBe(1)
    expect(await f()).toBe(1)
    await sleep(2100)
    expect(await f()).toBe(2)
  }, 10_000)

  test('concurrent calls with the same arguments compute once', async () => {
    const cache = makeCache(type)
    let calls = 0
    const slow = cache.memoize()(async function slow(x: string) {
      calls++
      await sleep(80)
      return x.toUpperCase()
    })
    const results = await Promise.all([slow('a'), slow('a'), slow('a'), slow('b')])
    expect(results).toEqual(['A', 'A', 'A', 'B'])
    expect(calls).toBe(2)
  })
})

describe('memoize details', () => {
  it('1 and "1" are different arguments; undefined and null results are cached', async () => {
    const cache = makeCache('simple')
    let calls = 0
    const kind = cache.memoize()(function kind(v: unknown) {
      calls++
      return v === 1 ? undefined : null
    })
    expect(await kind(1)).toBeUndefined()
    expect(await kind(1)).toBeUndefined()
    expect(await kind('1')).toBeNull()
    expect(await kind('1')).toBeNull()
    expect(calls).toBe(2)
  })

  it('two functions with the same name but different code do not share results', async () => {
    const cache = makeCache('simple')
    const a = cache.memoize()(function same() { return 'a' })
    const b = cache.memoize()(function same() { return 'b' })
    expect([await a(), await b()]).toEqual(['a', 'b'])
  })

  it('unless and forcedUpdate', async () => {
    const cache = makeCache('simple')
    let calls = 0
    let bypass = false
    let force = false
    const f = cache.memoize({ unless: () => bypass, forcedUpdate: () => force })(function f() {
      return ++calls
    })
    expect(await f()).toBe(1)
    bypass = true
    expect(await f()).toBe(2)
    bypass = false
    expect(await f()).toBe(1)
    force = true
    expect(await f()).toBe(3)
    force = false
    expect(await f()).toBe(3)
  })

  it('an error is not cached', async () => {
    const cache = makeCache('simple')
    let calls = 0
    const flaky = cache.memoize()(async function flaky() {
      if (++calls === 1) throw new Error('first call fails')
      return 'ok'
    })
    await expect(flaky()).rejects.toThrow('first call fails')
    expect(await flaky()).toBe('ok')
  })

  it('deleteMemoized refuses a function that is not memoized by this cache', async () => {
    const cache = makeCache('simple')
    await expect(cache.deleteMemoized(function plain() {})).rejects.toThrow(/memoize\(\)/)
    const other = makeCache('simple')
    const f = other.memoize()(function f() { return 1 })
    await expect(cache.deleteMemoized(f)).rejects.toThrow(TypeError)
  })
})
