/**
 * Server-side sessions in a SQL table (Flask-Session's SqlAlchemy
 * interface, SESSION_TYPE 'sql') on SQLite, PostgreSQL and MariaDB: the
 * table made on first use, only a signed id in the cookie, expiry kept in
 * the row, cleanup of expired rows, regeneration on login (phial/login),
 * the request's own SQL work untouched, and a database that is down as 503.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Phial, session } from 'phial'
import { LoginManager, loginUser } from 'phial/login'
import { ServerSession, SessionStore, SqlSessionStore, sessionTableDdl } from 'phial/session-store'
import { SQL } from 'phial/sql'
import { skip, testDatabases } from '../sql/databases.ts'

const dbs = await testDatabases('sessions')

const sidOf = (cookie: string): string => cookie.slice(0, cookie.lastIndexOf('.'))

describe.each(dbs)('SQL sessions on $name', (target) => {
  if (skip(target)) return it.skip(`skipped: ${target.missing}`)
  const db = new SQL()
  const apps: Phial[] = []
  let clock = Date.now()

  function makeApp(config: Record<string, unknown> = {}, storeOptions: { random?: () => number } = {}): Phial {
    const app = new Phial(import.meta.url, { name: 'sql-sessions' })
    app.config.fromMapping({ SECRET_KEY: 'sql-session-secret', DATABASE_URL: target.url, LOG_LEVEL: 'silent', SESSION_TYPE: 'sql', SESSION_CLEANUP_N_REQUESTS: 0, ...config })
    db.initApp(app)
    if (storeOptions.random) {
      // a store of our own, to control the clock and the cleanup draw
      new SessionStore(app, { store: new SqlSessionStore(db, app, { cleanupEvery: Number(app.config.SESSION_CLEANUP_N_REQUESTS), now: () => clock, random: storeOptions.random }) })
    } else new SessionStore(app, { db })
    apps.push(app)
    app.post('/set/<key>/<value>', function set({ key, value }: { key: string; value: string }) {
      session.set(key, value)
      return 'set'
    })
    app.get('/get/<key>', function get({ key }: { key: string }) {
      return String(session.get(key) ?? '')
    })
    app.post('/regenerate', function regenerate() {
      ;(session as ServerSession).regenerate()
      return 'new id'
    })
    app.post('/clear', function clear() {
      session.clear()
      return 'cleared'
    })
    return app
  }

  beforeAll(async () => {
    await target.reset()
  })
  afterAll(async () => {
    for (const app of apps) await db.close(app)
    await target.cleanup()
  })

  const rows = (sql: string, params: unknown[] = []) => target.query<Record<string, unknown>>(sql, params)

  it('creates the table on first use and keeps the data there, only a signed id in the cookie', async () => {
    const client = makeApp().testClient()
    const r = await client.post('/set/colour/blue')
    expect(r.headers.get('set-cookie')).toMatch(/^session=[\w-]+\.[\w-]+; .*HttpOnly/)
    const cookie = client.getCookie('session')!
    expect(cookie).not.toContain('blue')
    const sid = sidOf(cookie)
    const [row] = await rows(`SELECT data, expiry FROM sessions WHERE session_id = ${target.name === 'postgres' ? '$1' : '?'}`, [sid])
    expect(JSON.parse(String(row!.data))).toEqual({ colour: 'blue' })
    // PERMANENT_SESSION_LIFETIME (31 days) from now
    expect(Number(row!.expiry) - Date.now()).toBeGreaterThan(31 * 24 * 3600 * 1000 - 60_000)
    expect((await client.get('/get/colour')).text).toBe('blue')
    // a second app on the same database (another worker) reads it
    const other = makeApp().testClient()
    other.setCookie('session', cookie)
    expect((await other.get('/get/colour')).text).toBe('blue')
  })

  it('updates the row in place, and deletes it when the session is cleared', async () => {
    const client = makeApp().testClient()
    await client.post('/set/a/1')
    const sid = sidOf(client.getCookie('session')!)
    await client.post('/set/b/2')
    expect(sidOf(client.getCookie('session')!)).toBe(sid)
    const count = async () => Number((await rows(`SELECT COUNT(*) AS n FROM sessions WHERE session_id = ${target.name === 'postgres' ? '$1' : '?'}`, [sid]))[0]!.n)
    expect(await count()).toBe(1)
    expect((await client.get('/get/a')).text).toBe('1')
    await client.post('/clear')
    expect(await count()).toBe(0)
  })

  it('an expired row is no session, and cleanup deletes expired rows', async () => {
    clock = Date.now()
    const app = makeApp({ PERMANENT_SESSION_LIFETIME: 60 }, { random: () => 0.99 })
    const client = app.testClient()
    await client.post('/set/k/v')
    const sid = sidOf(client.getCookie('session')!)
    clock += 61_000
    expect((await client.get('/get/k')).text).toBe('')
    // cleanup: a store whose draw always wins (SESSION_CLEANUP_N_REQUESTS 1) removes the expired row on its next load
    const sweeping = makeApp({ SESSION_CLEANUP_N_REQUESTS: 1 }, { random: () => 0 }).testClient()
    sweeping.setCookie('session', client.getCookie('session')!)
    const fresh = makeApp().testClient()
    await fresh.post('/set/still/here')
    await sweeping.get('/get/k')
    const left = (await rows('SELECT session_id FROM sessions')).map((r) => r.session_id)
    expect(left).not.toContain(sid)
    expect(left).toContain(sidOf(fresh.getCookie('session')!))
    // and cleanup() on demand
    const store = new SqlSessionStore(db, app, { now: () => Date.now() + 365 * 24 * 3600 * 1000 })
    expect(await store.cleanup()).toBeGreaterThan(0)
    expect(await rows('SELECT session_id FROM sessions')).toEqual([])
  })

  it('regenerate() moves the data to a new id and deletes the old row', async () => {
    const client = makeApp().testClient()
    await client.post('/set/cart/3')
    const old = sidOf(client.getCookie('session')!)
    await client.post('/regenerate')
    const next = sidOf(client.getCookie('session')!)
    expect(next).not.toBe(old)
    expect((await client.get('/get/cart')).text).toBe('3')
    const ids = (await rows('SELECT session_id FROM sessions')).map((r) => r.session_id)
    expect(ids).toContain(next)
    expect(ids).not.toContain(old)
  })

  it('phial/login regenerates the session id on login (no fixation)', async () => {
    const app = makeApp()
    const manager = new LoginManager()
    manager.initApp(app)
    manager.userLoader((id) => ({ id, isAuthenticated: true, isActive: true, isAnonymous: false, getId: () => id }))
    app.post('/login', async function login() {
      await loginUser({ id: '7', isAuthenticated: true, isActive: true, isAnonymous: false, getId: () => '7' })
      return 'in'
    })
    const client = app.testClient()
    await client.post('/set/before/login')
    const before = sidOf(client.getCookie('session')!)
    expect((await client.post('/login')).text).toBe('in')
    const after = sidOf(client.getCookie('session')!)
    expect(after).not.toBe(before)
    expect((await rows('SELECT session_id FROM sessions')).map((r) => r.session_id)).not.toContain(before)
  })

  it('a forged or unknown id gets a new session, never the chosen id', async () => {
    const client = makeApp().testClient()
    client.setCookie('session', 'attacker-chosen.id')
    await client.post('/set/x/1')
    expect(sidOf(client.getCookie('session')!)).not.toBe('attacker-chosen')
  })

  it('refuses a table name that is not a plain identifier, and gives the DDL for a migration', () => {
    expect(() => new SqlSessionStore(db, makeApp(), { table: 'sessions; DROP TABLE x' })).toThrow(TypeError)
    expect(sessionTableDdl('web_sessions')[0]).toBe('CREATE TABLE IF NOT EXISTS web_sessions (session_id VARCHAR(255) NOT NULL PRIMARY KEY, data TEXT NOT NULL, expiry BIGINT NOT NULL)')
    const bare = new Phial(import.meta.url, { name: 'bare' })
    bare.config.SESSION_TYPE = 'sql'
    expect(() => new SessionStore(bare)).toThrow("SESSION_TYPE 'sql' needs a phial/sql database")
  })

  it("the view's own SQL work is its own: what it rolled back stays out, what it committed stays in", async () => {
    const app = makeApp()
    await app.appContext(async () => {
      await db.session.execute('CREATE TABLE notes (body VARCHAR(20))')
      await db.session.commit()
    })
    app.post('/note/<body>', async function note({ body }: { body: string }) {
      await db.session.execute('INSERT INTO notes (body) VALUES (:body)', { body })
      if (body === 'undo') await db.session.rollback()
      else await db.session.commit()
      session.set('last', body)
      return 'noted'
    })
    const client = app.testClient()
    expect((await client.post('/note/keep')).text).toBe('noted')
    expect((await client.post('/note/undo')).text).toBe('noted')
    expect((await client.get('/get/last')).text).toBe('undo')
    expect((await rows('SELECT body FROM notes')).map((r) => r.body)).toEqual(['keep'])
  })

  it('SESSION_SQL_TABLE names the table', async () => {
    const client = makeApp({ SESSION_SQL_TABLE: 'web_sessions' }).testClient()
    await client.post('/set/t/1')
    expect(await rows('SELECT session_id FROM web_sessions')).toHaveLength(1)
  })
})

describe('SQL sessions while the database is down', () => {
  it('a request that needs the session is a 503, not a crash', async () => {
    const db = new SQL()
    const app = new Phial(import.meta.url, { name: 'down' })
    app.config.fromMapping({ SECRET_KEY: 's', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent', SESSION_TYPE: 'sql', SQLALCHEMY_ENGINE_OPTIONS: { poolTimeout: 1 } })
    db.initApp(app)
    new SessionStore(app, { db })
    app.post('/set', function set() {
      session.set('a', 1)
      return 'set'
    })
    const r = await app.testClient().post('/set')
    expect(r.status).toBe(503)
    await db.close(app)
  }, 20_000)
})
