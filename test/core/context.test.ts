/**
 * The context: request, g, currentApp and session globals; appContext,
 * testRequestContext; errors outside a context; g isolation.
 */
import { describe, expect, it } from 'vitest'
import {
  ContextError,
  currentApp,
  currentContext,
  g,
  hasContext,
  hasRequestContext,
  request,
  session,
  urlFor,
  type Context,
} from '../../src/index.ts'
import { makeApp, sleep, withServer } from './helpers.ts'

describe('globals', () => {
  it('resolve to the current request in views and hooks; ctx is the same context', async () => {
    const app = makeApp()
    app.config.SECRET_KEY = 'k'
    app.beforeRequest((ctx) => {
      g.userName = 'ada'
      expect(ctx).toBe(currentContext())
    })
    app.get('/', function index(_args, ctx: Context) {
      session.set('seen', true)
      return {
        path: request.path,
        same: ctx.request === currentContext().request && ctx.g.userName === g.userName,
        user: g.userName,
        app: currentApp.name,
        isApp: currentApp === app || currentApp.config === app.config,
        has: [hasContext(), hasRequestContext()],
        inG: 'userName' in g,
        gGet: g.get('missing', 'fallback'),
        session: session.get('seen'),
      }
    })
    const res = await app.testClient().get('/')
    expect(res.json).toEqual({ path: '/', same: true, user: 'ada', app: app.name, isApp: true, has: [true, true], inG: true, gGet: 'fallback', session: true })
  })

  it('outside a context every global throws an error that says how to fix it', () => {
    expect(hasContext()).toBe(false)
    expect(() => request.path).toThrow(ContextError)
    expect(() => request.path).toThrow(/app\.testRequestContext|app\.appContext/)
    expect(() => g.x).toThrow(/outside of application context.*app\.appContext/s)
    expect(() => currentApp.name).toThrow(/app\.appContext/)
    expect(() => session.get('a')).toThrow(/app\.appContext/)
    expect(() => urlFor('x')).toThrow(ContextError)
  })

  it('request inside appContext (no request) throws, naming testRequestContext', () => {
    const app = makeApp()
    app.appContext(() => {
      expect(currentApp.name).toBe(app.name)
      expect(hasRequestContext()).toBe(false)
      expect(() => request.path).toThrow(/outside of request context.*testRequestContext/s)
    })
  })

  it('g helpers: get, pop, setDefault, in, delete', () => {
    const app = makeApp()
    app.appContext(() => {
      expect(g.setDefault('a', 1)).toBe(1)
      expect(g.setDefault('a', 2)).toBe(1)
      expect('a' in g).toBe(true)
      expect(g.pop('a')).toBe(1)
      expect(g.pop('a', 'none')).toBe('none')
      g.b = 2
      delete g.b
      expect(g.get('b')).toBeUndefined()
    })
  })
})

describe('appContext', () => {
  it('runs sync code with currentApp and g, then teardown', () => {
    const app = makeApp()
    const torn: unknown[] = []
    app.teardownAppContext((err) => { torn.push(err) })
    const result = app.appContext((ctx) => {
      g.value = 41
      expect(ctx.g.value).toBe(41)
      return (g.value as number) + 1
    })
    expect(result).toBe(42)
    expect(torn).toEqual([null])
    expect(hasContext()).toBe(false)
  })

  it('runs async code; context survives awaits; teardown gets the error', async () => {
    const app = makeApp()
    const torn: unknown[] = []
    app.teardownAppContext((err) => { torn.push(err instanceof Error ? err.message : err) })
    const v = await app.appContext(async () => {
      g.n = 1
      await sleep(5)
      await Promise.all([sleep(1), sleep(2)])
      return [g.n, currentApp.name]
    })
    expect(v).toEqual([1, app.name])
    await expect(app.appContext(async () => { await sleep(1); throw new Error('async boom') })).rejects.toThrow('async boom')
    expect(() => app.appContext(() => { throw new Error('sync boom') })).toThrow('sync boom')
    await sleep(5)
    expect(torn).toEqual([null, 'async boom', 'sync boom'])
  })

  it('each appContext has its own g; nesting another app switches currentApp', () => {
    const a = makeApp({ name: 'a' })
    const b = makeApp({ name: 'b' })
    a.appContext(() => {
      g.who = 'a'
      b.appContext(() => {
        expect(currentApp.name).toBe('b')
        expect(g.get('who')).toBeUndefined()
      })
      expect(currentApp.name).toBe('a')
      expect(g.who).toBe('a')
    })
  })
})

describe('testRequestContext', () => {
  it('fakes a request: args, method, json, matched endpoint, urlFor, session', () => {
    const app = makeApp()
    app.config.SECRET_KEY = 'k'
    app.route('/search/<int:page>', { methods: ['GET', 'POST'] }, function search() { return '' })
    const out = app.testRequestContext('/search/2?q=phial', { method: 'POST', json: { a: 1 }, headers: { 'X-T': 't' } }, (ctx) => {
      session.set('k', 'v')
      return {
        q: request.args.get('q'),
        method: request.method,
        json: request.json,
        header: request.headers.get('x-t'),
        endpoint: request.endpoint,
        viewArgs: request.viewArgs,
        url: urlFor('search', { page: 3 }),
        sessionModified: ctx.session.modified,
      }
    })
    expect(out).toEqual({ q: 'phial', method: 'POST', json: { a: 1 }, header: 't', endpoint: 'search', viewArgs: { page: 2 }, url: '/search/3', sessionModified: true })
  })

  it('form bodies are readable at once; a multipart body after await request.loadBody()', async () => {
    const app = makeApp()
    expect(app.testRequestContext('/', { method: 'POST', form: { a: 'b' } }, () => request.form.get('a'))).toBe('b')
    const name = await app.testRequestContext('/', { method: 'POST', files: { f: { content: 'x', filename: 'f.txt' } } }, async () => {
      await request.loadBody()
      return request.files.get('f')?.filename
    })
    expect(name).toBe('f.txt')
  })

  it('async functions keep the context', async () => {
    const app = makeApp()
    const path = await app.testRequestContext('/a/b', {}, async () => { await sleep(2); return request.path })
    expect(path).toBe('/a/b')
  })
})

describe('isolation', () => {
  it('g and request are isolated between two overlapping async requests', async () => {
    const app = makeApp()
    app.get('/slow/<name>', async function slow({ name }) {
      g.name = name
      await sleep(name === 'first' ? 30 : 5)
      await Promise.resolve()
      return { g: g.name, path: request.path, arg: request.args.get('x') }
    })
    const c = app.testClient()
    const [a, b] = await Promise.all([c.get('/slow/first?x=1'), c.get('/slow/second?x=2')])
    expect(a.json).toEqual({ g: 'first', path: '/slow/first', arg: '1' })
    expect(b.json).toEqual({ g: 'second', path: '/slow/second', arg: '2' })
    await withServer(app, async (srv) => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => fetch(`${srv.url}/slow/${i % 2 ? 'first' : `n${i}`}?x=${i}`).then((r) => r.json())),
      )
      results.forEach((r, i) => expect(r).toEqual({ g: i % 2 ? 'first' : `n${i}`, path: `/slow/${i % 2 ? 'first' : `n${i}`}`, arg: String(i) }))
    })
  })

  it('the context follows timers, promises and event emitters started in a view', async () => {
    const app = makeApp()
    app.get('/', async function index() {
      g.id = request.args.get('id')
      const fromTimer = await new Promise((r) => setTimeout(() => r(g.id), 2))
      const fromMicrotask = await new Promise((r) => queueMicrotask(() => r(request.args.get('id'))))
      return { fromTimer, fromMicrotask }
    })
    const c = app.testClient()
    const [a, b] = await Promise.all([c.get('/?id=a'), c.get('/?id=b')])
    expect([a.json, b.json]).toEqual([{ fromTimer: 'a', fromMicrotask: 'a' }, { fromTimer: 'b', fromMicrotask: 'b' }])
  })
})
