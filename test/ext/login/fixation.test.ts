import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { Session, SessionInterface, type Request, type Response } from 'phial'
import { generateCsrf } from 'phial/csrf'
import { Cache } from 'phial/caching'
import { SessionStore } from 'phial/session-store'
import { makeApp } from './app.ts'
import { REDIS_URL, redisUp, service } from './services.ts'

const redis = await service('Redis', redisUp(), REDIS_URL)
const PREFIX = `phial-login-fixation-${process.pid}:`

/** A server-side store (in memory) whose sessions can move to a new id, as a Redis or SQL store does. */
class StoredSession extends Session {
  constructor(
    data: Record<string, unknown> | null,
    public sid: string,
    private readonly sessions: MemorySessions,
  ) {
    super(data, data === null)
  }
  regenerate(): Promise<void> {
    // async like a real store: the old id stops working at once
    this.sessions.store.delete(this.sid)
    this.sid = randomUUID()
    this.modified = true
    return Promise.resolve()
  }
}

class MemorySessions extends SessionInterface {
  readonly store = new Map<string, Record<string, unknown>>()
  override cookieName(): string {
    return 'sid'
  }
  openSession(_app: never, request: Request): Session {
    const sid = request.cookies.sid
    const data = sid ? this.store.get(sid) : undefined
    return new StoredSession(data ?? null, data && sid ? sid : randomUUID(), this)
  }
  saveSession(_app: never, session: Session, response: Response): void {
    if (!session.modified) return
    const stored = session as StoredSession
    this.store.set(stored.sid, session.toJSON())
    response.setCookie('sid', stored.sid, { path: '/', httpOnly: true })
  }
}

describe('session fixation', () => {
  it('a server-side session moves to a new id on login; the planted id stays anonymous', async () => {
    const { app } = makeApp()
    const sessions = new MemorySessions()
    app.sessionInterface = sessions
    app.get('/visit', function visit() {
      generateCsrf()
      return 'visited'
    })
    const attacker = app.testClient()
    await attacker.get('/visit')
    const planted = attacker.getCookie('sid')!
    const victim = app.testClient()
    victim.setCookie('sid', planted) // the attacker fixed the victim's session id
    await victim.get('/login-1')
    const after = victim.getCookie('sid')!
    expect(after).not.toBe(planted)
    expect((await victim.get('/username')).text).toBe('Notch')
    expect((await attacker.get('/username')).text).toBe('Anonymous')
    expect(sessions.store.has(planted)).toBe(false)
  })

  it.each(['cache', 'redis'] as const)('phial/session-store (%s): a planted session id is worth nothing after login', async (type) => {
    if (type === 'redis' && !redis) return
    const { app } = makeApp({ config: { SESSION_TYPE: type, SESSION_REDIS: REDIS_URL, SESSION_KEY_PREFIX: PREFIX } })
    const store = type === 'cache' ? new SessionStore(app, { cache: new Cache(app) }) : new SessionStore(app)
    void store
    app.get('/visit', function visit() {
      generateCsrf()
      return 'visited'
    })
    const attacker = app.testClient()
    await attacker.get('/visit')
    const planted = attacker.getCookie('session')!
    expect(planted).toBeDefined()
    const victim = app.testClient()
    victim.setCookie('session', planted)
    await victim.get('/login-1')
    expect(victim.getCookie('session')).not.toBe(planted)
    expect((await victim.get('/username')).text).toBe('Notch')
    expect((await attacker.get('/username')).text).toBe('Anonymous')
    await victim.get('/logout')
    if (type === 'redis') {
      const { Redis } = await import('ioredis')
      const client = new Redis(REDIS_URL)
      const keys = await client.keys(`${PREFIX}*`)
      if (keys.length > 0) await client.del(...keys)
      client.disconnect()
    }
  })

  it('the signed-cookie session: new contents on login, stale keys and the CSRF secret dropped, the old cookie anonymous', async () => {
    const { app } = makeApp()
    app.get('/csrf', function csrf() {
      return generateCsrf()
    })
    const client = app.testClient()
    await client.sessionTransaction((s) => {
      s.set('cart', [1, 2])
      s.set('next', '/stale')
    })
    await client.get('/csrf')
    const before = client.getCookie('session')!
    await client.get('/login-1')
    const after = client.getCookie('session')!
    expect(after).not.toBe(before)
    // the cart survives a login; the planted CSRF secret and the stale keys do not
    expect((await client.get('/session-keys')).json.keys).toEqual(['_fresh', '_id', '_user_id', 'cart'])
    const replay = app.testClient()
    replay.setCookie('session', before)
    expect((await replay.get('/username')).text).toBe('Anonymous')
  })

  it('a session of another user is emptied before the new login', async () => {
    const { app } = makeApp()
    const client = app.testClient()
    await client.get('/login-1')
    await client.sessionTransaction((s) => {
      s.set('draft', 'Notch was here')
    })
    await client.get('/login-2')
    expect((await client.get('/username')).text).toBe('Steve')
    expect((await client.get('/session-keys')).json.keys).toEqual(['_fresh', '_id', '_user_id'])
  })
})
