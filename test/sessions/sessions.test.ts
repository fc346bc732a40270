/**
 * The signed-cookie session and flash messages, over the test client and
 * real HTTP; config read by the app.
 */
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  SecureCookieSessionInterface,
  flash,
  getFlashedMessages,
  messageFlashed,
  redirect,
  request,
  session,
} from '../../src/index.ts'
import { URLSafeTimedSerializer } from 'phial/signing'
import { makeApp, recordLogs, withServer } from '../core/helpers.ts'

afterEach(() => {
  vi.useRealTimers()
})

function sessionApp(config: Record<string, unknown> = {}) {
  const app = makeApp()
  app.config.fromMapping({ SECRET_KEY: 'test-secret', ...config })
  app.get('/set/<key>/<value>', function setValue({ key, value }) { session.set(key, value); return 'set' })
  app.get('/get/<key>', function getValue({ key }) { return { value: session.get(key) ?? null } })
  app.get('/nothing', function nothing() { return 'no session touched' })
  app.get('/permanent', function permanent() { session.permanent = true; session.set('p', 1); return 'p' })
  app.get('/clear', function clear() { session.clear(); return 'cleared' })
  app.get('/keys', function keys() { return { keys: session.keys(), size: session.size, isNew: session.isNew } })
  return app
}

function cookieOf(setCookie: string[], name = 'session'): string | undefined {
  return setCookie.find((c) => c.startsWith(`${name}=`))
}

describe('the signed-cookie session', () => {
  it('keeps values across requests; config set with fromMapping before the first request is used', async () => {
    const app = sessionApp()
    const c = app.testClient()
    const set = await c.get('/set/user/ada')
    const cookie = cookieOf(set.headers.getSetCookie())!
    expect(cookie).toMatch(/^session=[\w.-]+; Path=\/; HttpOnly$/)
    expect(set.headers.get('vary')).toBe('Cookie')
    expect((await c.get('/get/user')).json).toEqual({ value: 'ada' })
    await c.get('/set/theme/dark')
    expect((await c.get('/keys')).json).toEqual({ keys: ['user', 'theme'], size: 2, isNew: false })
  })

  it('no Set-Cookie when nothing changed; Vary: Cookie only when the session was read', async () => {
    const app = sessionApp()
    const c = app.testClient()
    await c.get('/set/a/1')
    const read = await c.get('/get/a')
    expect(read.headers.getSetCookie()).toEqual([])
    expect(read.headers.get('vary')).toBe('Cookie')
    const untouched = await c.get('/nothing')
    expect(untouched.headers.getSetCookie()).toEqual([])
    expect(untouched.headers.get('vary')).toBeNull()
  })

  it('clearing the session deletes the cookie', async () => {
    const app = sessionApp()
    const c = app.testClient()
    await c.get('/set/a/1')
    const cleared = await c.get('/clear')
    expect(cookieOf(cleared.headers.getSetCookie())).toMatch(/^session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly$/)
    expect(c.getCookie('session')).toBeUndefined()
    expect((await c.get('/get/a')).json).toEqual({ value: null })
  })

  it('a permanent session expires after PERMANENT_SESSION_LIFETIME; SESSION_REFRESH_EACH_REQUEST re-sends it', async () => {
    const app = sessionApp({ PERMANENT_SESSION_LIFETIME: 3600 })
    const c = app.testClient()
    const res = await c.get('/permanent')
    const cookie = cookieOf(res.headers.getSetCookie())!
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)![1]!)
    expect(Math.abs(expires - (Date.now() + 3600_000))).toBeLessThan(2000)
    const again = await c.get('/get/p')
    expect(cookieOf(again.headers.getSetCookie())).toMatch(/Expires=/)

    const noRefresh = sessionApp({ SESSION_REFRESH_EACH_REQUEST: false })
    const c2 = noRefresh.testClient()
    await c2.get('/permanent')
    expect((await c2.get('/get/p')).headers.getSetCookie()).toEqual([])
    // a browser-session cookie has no Expires
    expect(cookieOf((await c2.get('/set/x/1')).headers.getSetCookie())).toMatch(/Expires=/)
    const browser = sessionApp()
    expect(cookieOf((await browser.testClient().get('/set/x/1')).headers.getSetCookie())).not.toMatch(/Expires=/)
  })

  it('SESSION_COOKIE_* settings become the cookie attributes', async () => {
    const app = sessionApp({
      SESSION_COOKIE_NAME: 'sid',
      SESSION_COOKIE_DOMAIN: 'example.com',
      SESSION_COOKIE_PATH: '/app',
      SESSION_COOKIE_HTTPONLY: false,
      SESSION_COOKIE_SECURE: true,
      SESSION_COOKIE_SAMESITE: 'Strict',
      SESSION_COOKIE_PARTITIONED: true,
    })
    const res = await app.testClient().get('/set/a/1')
    expect(res.headers.getSetCookie()).toHaveLength(1)
    expect(cookieOf(res.headers.getSetCookie(), 'sid')).toMatch(/^sid=[\w.-]+; Domain=example.com; Path=\/app; Secure; Partitioned; SameSite=Strict$/)
    const rootApp = sessionApp({ APPLICATION_ROOT: '/mounted' })
    expect(cookieOf((await rootApp.testClient().get('/set/a/1')).headers.getSetCookie())).toContain('Path=/mounted;')
  })

  it('a tampered, expired or oversized cookie gives an empty session, never an error page', async () => {
    const app = sessionApp({ PERMANENT_SESSION_LIFETIME: 60 })
    const logs = recordLogs(app, 'info')
    const c = app.testClient()
    await c.get('/set/user/ada')
    const good = c.getCookie('session')!
    const [payload, ...rest] = good.split('.')
    c.setCookie('session', [payload!.slice(0, -2) + (payload!.endsWith('A') ? 'BB' : 'AA'), ...rest].join('.'))
    const tampered = await c.get('/keys')
    expect([tampered.status, tampered.json]).toEqual([200, { keys: [], size: 0, isNew: true }])
    c.setCookie('session', 'garbage')
    expect((await c.get('/get/user')).json).toEqual({ value: null })
    expect(logs.some((l) => /bad signature/.test(l.msg))).toBe(true)

    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() - 120_000)
    await c.sessionTransaction((s) => { s.set('user', 'old') })
    vi.useRealTimers()
    const expired = await c.get('/get/user')
    expect([expired.status, expired.json]).toEqual([200, { value: null }])
    expect(logs.some((l) => /expired/.test(l.msg))).toBe(true)

    c.setCookie('session', 'x'.repeat(app.config.MAX_COOKIE_SIZE * 2 + 1))
    expect((await c.get('/get/user')).json).toEqual({ value: null })
    expect(logs.some((l) => /oversized/.test(l.msg))).toBe(true)
  })

  it('a session that grows past MAX_COOKIE_SIZE is sent with a warning', async () => {
    const app = sessionApp()
    const logs = recordLogs(app, 'warn')
    const noise = randomBytes(4000).toString('base64url') // does not compress
    const res = await app.testClient().get(`/set/big/${noise}`)
    expect(cookieOf(res.headers.getSetCookie())!.length).toBeGreaterThan(4093)
    expect(logs.some((l) => /The 'session' cookie is too large.*MAX_COOKIE_SIZE/.test(l.msg))).toBe(true)
  })

  it('writing without SECRET_KEY is an error naming SECRET_KEY; reading gives an empty session', async () => {
    const app = makeApp()
    const logs = recordLogs(app, 'error')
    app.get('/read', function read() { return { v: session.get('a') ?? null } })
    app.get('/write', function write() { session.set('a', 1); return 'no' })
    const c = app.testClient()
    expect((await c.get('/read')).json).toEqual({ v: null })
    expect((await c.get('/write')).status).toBe(500)
    expect(logs.at(-1)!.err!.message).toMatch(/SECRET_KEY/)
    app.config.TESTING = true
    await expect(c.get('/write')).rejects.toThrow(/no secret key was set.*app\.config\.SECRET_KEY = .*fromPrefixedEnv\(\) and PHIAL_SECRET_KEY=.*read only when the app calls it/s)
    await expect(c.sessionTransaction(() => {})).rejects.toThrow(/SECRET_KEY/)
  })

  it('SECRET_KEY_FALLBACKS: cookies signed with an old key still open; new cookies use the new key', async () => {
    const old = sessionApp({ SECRET_KEY: 'old-key' })
    const oc = old.testClient()
    await oc.get('/set/user/ada')
    const oldCookie = oc.getCookie('session')!

    const rotated = sessionApp({ SECRET_KEY: 'new-key', SECRET_KEY_FALLBACKS: ['old-key'] })
    const rc = rotated.testClient()
    rc.setCookie('session', oldCookie)
    expect((await rc.get('/get/user')).json).toEqual({ value: 'ada' })
    await rc.get('/set/more/1')
    const newCookie = rc.getCookie('session')!
    const withNew = new URLSafeTimedSerializer('new-key', { salt: 'cookie-session', signerOptions: { keyDerivation: 'hmac', digestMethod: 'sha256' } })
    expect(withNew.loads(newCookie)).toEqual({ user: 'ada', more: '1' })

    const noFallback = sessionApp({ SECRET_KEY: 'new-key' })
    const nc = noFallback.testClient()
    nc.setCookie('session', oldCookie)
    expect((await nc.get('/get/user')).json).toEqual({ value: null })
  })

  it("reads a Flask session cookie with digestMethod 'sha1' (made by Flask 3.1.3)", async () => {
    const app = sessionApp({ SECRET_KEY: 'flask-and-phial', PERMANENT_SESSION_LIFETIME: 100 * 365 * 86400 })
    app.sessionInterface = new SecureCookieSessionInterface({ digestMethod: 'sha1' })
    app.get('/flask', function flaskSession() { return { user: session.get('user'), cart: session.get('cart'), permanent: session.permanent } })
    const c = app.testClient()
    // Flask: session['user'] = 'ada'; session['cart'] = [1, 2]; session.permanent = True
    c.setCookie('session', 'eyJfcGVybWFuZW50Ijp0cnVlLCJjYXJ0IjpbMSwyXSwidXNlciI6ImFkYSJ9.awSwNw.SPzS91CF2HicBTbg6X9O3tTAzoQ')
    expect((await c.get('/flask')).json).toEqual({ user: 'ada', cart: [1, 2], permanent: true })
    // the other direction (Flask reading Phial's cookie) was checked by hand when writing this test
  })

  it('sessionTransaction sets and reads the session the next request sees', async () => {
    const app = sessionApp()
    const c = app.testClient()
    await c.sessionTransaction((s) => { s.set('user', 'from-test') })
    expect((await c.get('/get/user')).json).toEqual({ value: 'from-test' })
    await c.get('/set/user/changed')
    let seen: unknown
    await c.sessionTransaction((s) => { seen = s.get('user') })
    expect(seen).toBe('changed')
  })

  it('round-trips over real HTTP', async () => {
    const app = sessionApp()
    await withServer(app, async (srv) => {
      const set = await fetch(srv.url + '/set/user/http')
      const cookie = set.headers.getSetCookie()[0]!.split(';')[0]!
      const get = await fetch(srv.url + '/get/user', { headers: { cookie } })
      expect(await get.json()).toEqual({ value: 'http' })
      expect(get.headers.get('vary')).toBe('Cookie')
      expect(get.headers.getSetCookie()).toEqual([])
    })
  })

  it('values are JSON: numbers, objects and arrays survive; __proto__ cannot be a key', async () => {
    const app = sessionApp()
    app.get('/json', function json() {
      if (request.args.has('write')) {
        session.set('cart', [{ id: 1, qty: 2 }])
        session.set('n', 3.5)
        expect(() => session.set('__proto__', { polluted: true })).toThrow(TypeError)
        return 'w'
      }
      return { cart: session.get('cart'), n: session.get('n'), has: session.has('n'), del: session.delete('n'), after: session.has('n') }
    })
    const c = app.testClient()
    await c.get('/json?write=1')
    expect((await c.get('/json')).json).toEqual({ cart: [{ id: 1, qty: 2 }], n: 3.5, has: true, del: true, after: false })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('flash messages', () => {
  function flashApp() {
    const app = makeApp()
    app.config.SECRET_KEY = 'flash-secret'
    app.post('/login', function login() {
      flash('Welcome back.')
      flash('Check your email.', 'info')
      flash('Password expires soon.', 'warning')
      return redirect('/')
    })
    app.get('/', function index() {
      return {
        all: getFlashedMessages({ withCategories: true }),
        again: getFlashedMessages(),
      }
    })
    app.get('/filtered', function filtered() {
      return { warnings: getFlashedMessages({ categoryFilter: ['warning', 'info'] }), withCats: getFlashedMessages({ withCategories: true, categoryFilter: ['info'] }) }
    })
    return app
  }

  it('flash + getFlashedMessages({ withCategories }) on the next request, then they are gone', async () => {
    const c = flashApp().testClient()
    const res = await c.post('/login', { followRedirects: true })
    expect(res.json).toEqual({
      all: [['message', 'Welcome back.'], ['info', 'Check your email.'], ['warning', 'Password expires soon.']],
      again: ['Welcome back.', 'Check your email.', 'Password expires soon.'],
    })
    expect((await c.get('/')).json).toEqual({ all: [], again: [] })
  })

  it('categoryFilter', async () => {
    const c = flashApp().testClient()
    await c.post('/login')
    expect((await c.get('/filtered')).json).toEqual({
      warnings: ['Check your email.', 'Password expires soon.'],
      withCats: [['info', 'Check your email.']],
    })
    expect((await c.get('/')).json.all).toEqual([])
  })

  it('the messageFlashed signal fires with the message and category', async () => {
    const app = flashApp()
    const got: Array<[boolean, string, string]> = []
    const stop = messageFlashed.connect((sender, { message, category }) => { got.push([sender === app, message, category]) })
    try {
      await app.testClient().post('/login')
    } finally {
      stop()
    }
    expect(got).toEqual([[true, 'Welcome back.', 'message'], [true, 'Check your email.', 'info'], [true, 'Password expires soon.', 'warning']])
  })

  it('flash without SECRET_KEY is the SECRET_KEY error', async () => {
    const app = makeApp()
    app.config.TESTING = true
    app.get('/', function index() { flash('x'); return '' })
    await expect(app.testClient().get('/')).rejects.toThrow(/SECRET_KEY/)
  })
})
