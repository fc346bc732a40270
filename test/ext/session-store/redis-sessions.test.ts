/**
 * Server-side sessions in Redis (Flask-Session's Redis tests ported, plus
 * tampering, expiry, regeneration, concurrency and the quiet cases).
 */
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { Phial, redirect, session } from 'phial'
import { Cache } from 'phial/caching'
import { ServerSession, ServerSessionInterface, SessionStore, type SessionRecordStore } from 'phial/session-store'
import { CacheUnavailable } from 'phial/caching'
import { Signer } from 'phial/signing'
import { REDIS_URL, redisUp, service, sleep } from '../caching/services.ts'

const PREFIX = `phial_test:sessions:${process.pid}:`
const available = await service('Redis', redisUp(), REDIS_URL)
const redis = available ? new Redis(REDIS_URL) : null
const apps: Phial[] = []

afterAll(async () => {
  for (const app of apps) await (app.sessionInterface as ServerSessionInterface).close?.()
  if (redis) {
    const keys = await redis.keys(`${PREFIX}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  }
})

function makeApp(config: Record<string, unknown> = {}): Phial {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({
    SECRET_KEY: 'server-side-secret',
    SESSION_TYPE: 'redis',
    SESSION_REDIS: REDIS_URL,
    SESSION_KEY_PREFIX: PREFIX,
    ...config,
  })
  new SessionStore(app)
  apps.push(app)
  app.post('/set/<key>/<value>', function set({ key, value }: { key: string; value: string }) {
    session.set(key, value)
    return 'set'
  })
  app.get('/get/<key>', function get({ key }: { key: string }) {
    return String(session.get(key) ?? '')
  })
  app.get('/all', function all() {
    return session.toJSON()
  })
  app.get('/noop', function noop() {
    return 'nothing'
  })
  app.post('/regenerate', function regenerate() {
    ;(session as ServerSession).regenerate()
    return 'new id'
  })
  app.post('/clear', function clear() {
    session.clear()
    return 'cleared'
  })
  app.post('/permanent', function permanent() {
    session.permanent = true
    return 'permanent'
  })
  return app
}

const sidOf = (cookie: string): string => cookie.slice(0, cookie.lastIndexOf('.'))

describe.skipIf(!available)('Redis sessions', () => {
  it('keeps the data in Redis and only a signed id in the cookie', async () => {
    const app = makeApp()
    const client = app.testClient()
    const r = await client.post('/set/colour/blue')
    expect(r.headers.get('set-cookie')).toMatch(/^session=[\w-]+\.[\w-]+; .*HttpOnly/)
    expect(r.headers.get('vary')).toContain('Cookie')
    const cookie = client.getCookie('session')!
    expect(cookie).not.toContain('blue')
    const sid = sidOf(cookie)
    expect(sid).toMatch(/^[\w-]{43}$/)
    expect(JSON.parse((await redis!.get(PREFIX + sid))!)).toEqual({ colour: 'blue' })
    const ttl = await redis!.ttl(PREFIX + sid)
    expect(ttl).toBeGreaterThan(31 * 24 * 3600 - 10)
    expect((await client.get('/get/colour')).text).toBe('blue')
  })

  it('a second app process with the same secret reads the same session', async () => {
    const one = makeApp()
    const two = makeApp()
    const client = one.testClient()
    await client.post('/set/cart/3-items')
    const other = two.testClient()
    other.setCookie('session', client.getCookie('session')!)
    expect((await other.get('/get/cart')).text).toBe('3-items')
  })

  it('sends no Set-Cookie and writes nothing when the session did not change', async () => {
    const app = makeApp()
    const client = app.testClient()
    await client.post('/set/a/1')
    const sid = sidOf(client.getCookie('session')!)
    await redis!.expire(PREFIX + sid, 1000)
    const read = await client.get('/get/a')
    expect(read.text).toBe('1')
    expect(read.headers.get('set-cookie')).toBeNull()
    expect(read.headers.get('vary')).toContain('Cookie')
    expect(await redis!.ttl(PREFIX + sid)).toBeLessThanOrEqual(1000) // not rewritten
    const untouched = await client.get('/noop')
    expect(untouched.headers.get('set-cookie')).toBeNull()
    expect(untouched.headers.get('vary')).toBeNull()
    // a visitor without a session gets no cookie and no record
    const before = (await redis!.keys(`${PREFIX}*`)).length
    const anonymous = await app.testClient().get('/get/a')
    expect(anonymous.headers.get('set-cookie')).toBeNull()
    expect((await redis!.keys(`${PREFIX}*`)).length).toBe(before)
  })

  it('refuses a tampered, unsigned, foreign or oversized id: a new empty session, the record untouched', async () => {
    const app = makeApp()
    const client = app.testClient()
    await client.post('/set/role/admin')
    const cookie = client.getCookie('session')!
    const sid = sidOf(cookie)
    const attacker = app.testClient()
    const forged = [
      `${sid.slice(0, -1)}${sid.endsWith('A') ? 'B' : 'A'}${cookie.slice(sid.length)}`, // id changed, signature kept
      `${cookie.slice(0, -2)}xx`, // signature changed
      sid, // no signature at all
      new Signer('another-secret', { salt: 'phial-session-id', keyDerivation: 'hmac', digestMethod: 'sha256' }).sign(sid),
      `${'a'.repeat(600)}.sig`,
      new Signer('server-side-secret', { salt: 'phial-session-id', keyDerivation: 'hmac', digestMethod: 'sha256' }).sign('short'),
    ]
    for (const value of forged) {
      attacker.setCookie('session', value)
      expect((await attacker.get('/get/role')).text).toBe('')
    }
    expect(JSON.parse((await redis!.get(PREFIX + sid))!)).toEqual({ role: 'admin' })
    expect((await client.get('/get/role')).text).toBe('admin')
  })

  it('accepts an id signed with a key in SECRET_KEY_FALLBACKS (rotation)', async () => {
    const old = makeApp({ SECRET_KEY: 'old-key' })
    const client = old.testClient()
    await client.post('/set/kept/yes')
    const rotated = makeApp({ SECRET_KEY: 'new-key', SECRET_KEY_FALLBACKS: ['old-key'] })
    const next = rotated.testClient()
    next.setCookie('session', client.getCookie('session')!)
    expect((await next.get('/get/kept')).text).toBe('yes')
  })

  it('a record expires in Redis after PERMANENT_SESSION_LIFETIME; the id is not reused', async () => {
    const app = makeApp({ PERMANENT_SESSION_LIFETIME: 1 })
    const client = app.testClient()
    await client.post('/set/temp/1')
    const sid = sidOf(client.getCookie('session')!)
    expect(await redis!.exists(PREFIX + sid)).toBe(1)
    await sleep(2100)
    expect(await redis!.exists(PREFIX + sid)).toBe(0)
    expect((await client.get('/get/temp')).text).toBe('')
    await client.post('/set/temp/2')
    expect(sidOf(client.getCookie('session')!)).not.toBe(sid)
  }, 10_000)

  it('regenerate() gives a new id, keeps the data and drops the old record', async () => {
    const app = makeApp()
    const client = app.testClient()
    await client.post('/set/user/ann')
    const oldCookie = client.getCookie('session')!
    const oldSid = sidOf(oldCookie)
    const r = await client.post('/regenerate')
    expect(r.headers.get('set-cookie')).toMatch(/^session=/)
    const newSid = sidOf(client.getCookie('session')!)
    expect(newSid).not.toBe(oldSid)
    expect(await redis!.exists(PREFIX + oldSid)).toBe(0)
    expect((await client.get('/get/user')).text).toBe('ann')
    // whoever held the old cookie holds nothing now
    const thief = app.testClient()
    thief.setCookie('session', oldCookie)
    expect((await thief.get('/get/user')).text).toBe('')
  })

  it('clear() deletes the record and the cookie', async () => {
    const app = makeApp()
    const client = app.testClient()
    await client.post('/set/x/1')
    const sid = sidOf(client.getCookie('session')!)
    const r = await client.post('/clear')
    expect(r.headers.get('set-cookie')).toMatch(/^session=; .*Expires=Thu, 01 Jan 1970/)
    expect(await redis!.exists(PREFIX + sid)).toBe(0)
    expect(client.getCookie('session')).toBeUndefined()
  })

  it('a permanent session gets a cookie with an expiry; a browser session does not', async () => {
    const app = makeApp()
    const client = app.testClient()
    const browser = await client.post('/set/a/1')
    expect(browser.headers.get('set-cookie')).not.toMatch(/Expires=/)
    const permanent = await client.post('/permanent')
    expect(permanent.headers.get('set-cookie')).toMatch(/Expires=/)
    // SESSION_REFRESH_EACH_REQUEST: a permanent session is renewed on each request
    expect((await client.get('/get/a')).headers.get('set-cookie')).toMatch(/^session=/)
  })

  it('concurrent requests of one session all read it; concurrent writes leave one whole record', async () => {
    const app = makeApp()
    const client = app.testClient()
    await client.post('/set/base/1')
    const reads = await Promise.all(Array.from({ length: 20 }, () => client.get('/get/base')))
    expect(reads.every((r) => r.text === '1' && r.headers.get('set-cookie') === null)).toBe(true)
    const sid = sidOf(client.getCookie('session')!)
    await Promise.all(['a', 'b', 'c', 'd'].map((k) => client.post(`/set/${k}/${k}`)))
    const record = JSON.parse((await redis!.get(PREFIX + sid))!) as Record<string, string>
    // last write wins (as in Flask-Session): base is kept, and at least the last writer's key
    expect(record.base).toBe('1')
    expect(Object.keys(record).filter((k) => 'abcd'.includes(k)).length).toBeGreaterThanOrEqual(1)
    // different visitors at once get different sessions
    const visitors = Array.from({ length: 10 }, () => app.testClient())
    await Promise.all(visitors.map((v, i) => v.post(`/set/me/${i}`)))
    const seen = await Promise.all(visitors.map((v) => v.get('/get/me')))
    expect(seen.map((r) => r.text)).toEqual(visitors.map((_, i) => String(i)))
  })

  it("the test client's sessionTransaction works with the Redis store", async () => {
    const app = makeApp()
    const client = app.testClient()
    await client.sessionTransaction((s) => {
      s.set('prepared', 'by the test')
    })
    expect((await client.get('/get/prepared')).text).toBe('by the test')
    await client.sessionTransaction((s) => {
      expect(s.get('prepared')).toBe('by the test')
      ;(s as ServerSession).regenerate()
    })
    expect((await client.get('/get/prepared')).text).toBe('by the test')
  })

  it('without SECRET_KEY, reading works and writing is a clear error', async () => {
    const app = makeApp({ SECRET_KEY: null, TESTING: true })
    const client = app.testClient()
    expect((await client.get('/get/a')).text).toBe('')
    await expect(client.post('/set/a/1')).rejects.toThrow(/no secret key was set/)
  })
})

describe('SessionStore configuration', () => {
  it("SESSION_TYPE 'cookie' (the default) keeps the signed cookie session", () => {
    const app = new Phial(import.meta.url)
    const before = app.sessionInterface
    new SessionStore(app)
    expect(app.config.SESSION_TYPE).toBe('cookie')
    expect(app.sessionInterface).toBe(before)
  })

  it('an unknown SESSION_TYPE, or cache without a Cache, is a clear error', () => {
    const app = new Phial(import.meta.url)
    app.config.fromMapping({ SESSION_TYPE: 'filesystem' as never }) // what an untyped config file could hold
    expect(() => new SessionStore(app)).toThrow(/Unknown SESSION_TYPE "filesystem"/)
    app.config.fromMapping({ SESSION_TYPE: 'cache' })
    expect(() => new SessionStore(app)).toThrow(/needs a Cache/)
  })

  it("SESSION_TYPE 'cache' keeps sessions in a phial/caching Cache", async () => {
    const app = new Phial(import.meta.url)
    app.config.fromMapping({ SECRET_KEY: 's', SESSION_TYPE: 'cache' })
    const cache = new Cache(app)
    new SessionStore(app, { cache })
    app.post('/in', function signIn() {
      session.set('who', 'me')
      return 'ok'
    })
    app.post('/regen', function regen() {
      ;(session as ServerSession).regenerate()
      return 'ok'
    })
    app.get('/who', function who() {
      return String(session.get('who'))
    })
    const client = app.testClient()
    await client.post('/in')
    const sid = sidOf(client.getCookie('session')!)
    expect(await cache.get(`session:${sid}`)).toBe('{"who":"me"}')
    expect((await client.get('/who')).text).toBe('me')
    await client.post('/regen')
    expect(await cache.has(`session:${sid}`)).toBe(false)
    expect((await client.get('/who')).text).toBe('me')
  })

  it('a store that fails while saving gives a plain 503, and a regenerated session keeps its old record', async () => {
    class MapStore implements SessionRecordStore {
      readonly map = new Map<string, Record<string, unknown>>()
      failSaves = false
      async load(sid: string) {
        return this.map.get(sid) ?? null
      }
      async save(sid: string, data: Record<string, unknown>) {
        if (this.failSaves) throw new CacheUnavailable('map', new Error('store down'), 'The session store is unavailable.')
        this.map.set(sid, data)
      }
      async destroy(sid: string) {
        this.map.delete(sid)
      }
    }
    const store = new MapStore()
    const app = new Phial(import.meta.url)
    app.config.fromMapping({ SECRET_KEY: 's', LOG_LEVEL: 'silent' })
    new SessionStore(app, { store })
    app.post('/in', function signIn() {
      session.set('user', 'ann')
      return 'ok'
    })
    app.post('/rotate', function rotate() {
      ;(session as ServerSession).regenerate()
      return redirect('/')
    })
    app.get('/who', function who() {
      return String(session.get('user'))
    })
    const client = app.testClient()
    await client.post('/in')
    const cookie = client.getCookie('session')!
    store.failSaves = true
    const failed = await client.post('/rotate')
    expect(failed.status).toBe(503)
    expect(failed.text).toContain('The session store is unavailable.')
    expect(failed.headers.get('location')).toBeNull()
    expect(failed.headers.get('set-cookie')).toBeNull()
    expect(failed.headers.get('retry-after')).toBe('1')
    expect(client.getCookie('session')).toBe(cookie)
    expect((await client.get('/who')).text).toBe('ann')
    expect(store.map.size).toBe(1)
  })
})
