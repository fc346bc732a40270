/**
 * phial/login on server-side sessions: loginUser moves the session to a new
 * id (session.regenerate()), so an id planted or seen before the login is
 * worthless after it; logoutUser keeps the visitor logged out.
 */
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { Phial, session } from 'phial'
import { LoginManager, UserMixin, currentUser, loginUser, logoutUser } from 'phial/login'
import { Cache } from 'phial/caching'
import { SessionStore, type ServerSessionInterface } from 'phial/session-store'
import { REDIS_URL, redisUp, service } from '../caching/services.ts'

const PREFIX = `phial_test:sessions_login:${process.pid}:`
const available = await service('Redis', redisUp(), REDIS_URL)
const redis = available ? new Redis(REDIS_URL) : null

class User extends UserMixin {
  constructor(readonly id: number, readonly name: string) {
    super()
  }
}
const USERS = new Map([[1, new User(1, 'ann')]])

const app = new Phial(import.meta.url)
app.config.fromMapping({ SECRET_KEY: 'login-secret', SESSION_TYPE: 'redis', SESSION_REDIS: REDIS_URL, SESSION_KEY_PREFIX: PREFIX })
new SessionStore(app)
const login = new LoginManager(app)
login.userLoader((id) => USERS.get(Number(id)) ?? null)
app.post('/visit', function visit() {
  session.set('cart', ['book'])
  return 'ok'
})
app.post('/login', async function doLogin() {
  await loginUser(USERS.get(1)!)
  return 'in'
})
app.post('/logout', function doLogout() {
  logoutUser()
  return 'out'
})
const cache = new Cache(app)
let renders = 0
app.get('/front', cache.cached()(function front() {
  renders++
  return `${currentUser.isAuthenticated ? (currentUser as unknown as User).name : 'guest'} ${renders}`
}))
app.get('/me', function me() {
  return { user: currentUser.isAuthenticated ? (currentUser as unknown as User).name : null, cart: session.get('cart') ?? null }
})

afterAll(async () => {
  await (app.sessionInterface as ServerSessionInterface).close()
  if (redis) {
    const keys = await redis.keys(`${PREFIX}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  }
})

const sidOf = (cookie: string): string => cookie.slice(0, cookie.lastIndexOf('.'))

describe.skipIf(!available)('phial/login with Redis sessions', () => {
  it('loginUser gives the session a new id and drops the old record', async () => {
    const client = app.testClient()
    await client.post('/visit')
    const before = client.getCookie('session')!
    await client.post('/login')
    const after = client.getCookie('session')!
    expect(sidOf(after)).not.toBe(sidOf(before))
    expect(await redis!.exists(PREFIX + sidOf(before))).toBe(0)
    expect((await client.get('/me')).json).toEqual({ user: 'ann', cart: ['book'] })
    // the id from before the login (say, planted by an attacker) opens nothing
    const attacker = app.testClient()
    attacker.setCookie('session', before)
    expect((await attacker.get('/me')).json).toEqual({ user: null, cart: null })
  })

  it('cached views are shared by guests and skipped for the logged-in, with Redis sessions and user preloading', async () => {
    expect((await app.testClient().get('/front')).text).toBe('guest 1')
    expect((await app.testClient().get('/front')).text).toBe('guest 1')
    const ann = app.testClient()
    await ann.post('/login')
    expect((await ann.get('/front')).text).toBe('ann 2')
    expect((await ann.get('/front')).text).toBe('ann 3')
    expect((await app.testClient().get('/front')).text).toBe('guest 1')
  })

  it('logoutUser logs the visitor out for good', async () => {
    const client = app.testClient()
    await client.post('/login')
    expect((await client.get('/me')).json.user).toBe('ann')
    await client.post('/logout')
    expect((await client.get('/me')).json.user).toBeNull()
  })
})
