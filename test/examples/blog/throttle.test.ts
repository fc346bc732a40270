/**
 * Issue 18: the blog's login throttle. Too many failed logins for a user,
 * or from an address, get a 429 with Retry-After before any password is
 * checked; a good login clears the user's count; the window ends. The
 * counts live in phial/caching's store: memory by default, Redis (shared by
 * every worker) when CACHE_TYPE says so.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { Phial } from '../../../src/index.ts'
import { createApp } from '../../../examples/blog/app.ts'
import { cache } from '../../../examples/blog/cache.ts'
import { db } from '../../../examples/blog/db.ts'
import { LoginThrottle } from '../../../examples/blog/throttle.ts'
import { REDIS_URL, redisUp, service, sleep } from '../../ext/caching/services.ts'
import { blogFixture, type BlogFixture } from './fixtures.ts'

const redis = await service('Redis', redisUp(), REDIS_URL)

let fx: BlogFixture | undefined
afterEach(async () => {
  await fx?.cleanup()
  fx = undefined
})

describe('the login throttle', () => {
  it('refuses a user after 5 failures with 429 and Retry-After, even with the right password', async () => {
    fx = await blogFixture()
    for (let i = 0; i < 5; i++) expect((await fx.login('test', 'wrong')).status).toBe(400)
    const refused = await fx.login('test', 'test')
    expect(refused.status).toBe(429)
    const wait = Number(refused.headers.get('retry-after'))
    expect(wait).toBeGreaterThan(890)
    expect(wait).toBeLessThanOrEqual(900)
    expect(refused.text).toContain(`Too many failed logins. Try again in ${wait} seconds.`)
    expect((await fx.client.get('/')).text).toContain('Log In')
    // another user from the same address is not locked out by test's failures
    expect((await fx.login('other', 'other')).status).toBe(302)
  })

  it('a good login clears the user\'s count', async () => {
    fx = await blogFixture()
    for (let i = 0; i < 4; i++) await fx.login('test', 'wrong')
    expect((await fx.login('test', 'test')).status).toBe(302)
    for (let i = 0; i < 4; i++) expect((await fx.login('test', 'wrong')).status).toBe(400)
    expect((await fx.login('test', 'test')).status).toBe(302)
  })

  it('refuses an address after LOGIN_THROTTLE_PER_ADDRESS failures, whatever the username', async () => {
    fx = await blogFixture({ LOGIN_THROTTLE_PER_ADDRESS: 3 })
    for (const name of ['a', 'b', 'c']) expect((await fx.login(name, 'x')).status).toBe(400)
    const refused = await fx.login('other', 'other')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBeTruthy()
  })

  it('forgets failures when the window ends (the store expires them)', async () => {
    fx = await blogFixture({ LOGIN_THROTTLE_PER_USER: 2, LOGIN_THROTTLE_WINDOW: 1 })
    for (let i = 0; i < 2; i++) expect((await fx.login('test', 'wrong')).status).toBe(400)
    const refused = await fx.login('test', 'test')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('1')
    await sleep(1100)
    expect((await fx.login('test', 'test')).status).toBe(302)
  })

  it('keeps its counts in the blog\'s phial/caching store, with a window end Retry-After is computed from', async () => {
    let now = 1_000_000
    const throttle = new LoginThrottle(cache, { perUser: 2, perAddress: 100, windowSeconds: 60 }, () => now)
    const app = new Phial(import.meta.url)
    cache.initApp(app)
    await app.appContext(async () => {
      await throttle.failed('10.0.0.1', 'u:v')
      await throttle.failed('10.0.0.1', 'u:v')
      expect(await cache.get('login-throttle:user:u%3Av')).toBe(2)
      expect(await cache.get('login-throttle:ip:10.0.0.1')).toBe(2)
      expect(await cache.get('login-throttle:user:u%3Av:until')).toBe(1_060_000)
      expect(await throttle.retryAfter('10.0.0.2', 'u:v')).toBe(60)
      now = 1_059_500
      expect(await throttle.retryAfter('10.0.0.2', 'u:v')).toBe(1)
      // a name cannot reach another user's counter
      expect(await throttle.retryAfter('10.0.0.2', 'u')).toBe(0)
      await throttle.succeeded('u:v')
      expect(await throttle.retryAfter('10.0.0.2', 'u:v')).toBe(0)
    })
    await cache.close(app)
  })

  it.skipIf(!redis)('with CACHE_TYPE redis, two apps (two workers) share the counts', async () => {
    const prefix = `flaskr-throttle-${randomBytes(4).toString('hex')}:`
    const settings: Record<string, unknown> = { CACHE_TYPE: 'redis', CACHE_REDIS_URL: REDIS_URL, CACHE_KEY_PREFIX: prefix, LOGIN_THROTTLE_PER_USER: 3 }
    fx = await blogFixture(settings)
    const second = createApp({ TESTING: true, DATABASE_URL: fx.url, WTF_CSRF_ENABLED: false, LOG_LEVEL: 'silent', ...settings })
    try {
      const other = second.testClient()
      const loginOther = (password: string) => other.post('/auth/login', { form: { username: 'test', password } })
      expect((await fx.login('test', 'wrong')).status).toBe(400)
      expect((await loginOther('wrong')).status).toBe(400)
      expect((await fx.login('test', 'wrong')).status).toBe(400)
      // the third failure came through the other app: both refuse now
      const refused = await loginOther('test')
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(890)
      expect((await fx.login('test', 'test')).status).toBe(429)
    } finally {
      await second.appContext(() => cache.clear())
      await cache.close(second)
      await db.close(second)
    }
  })
})
