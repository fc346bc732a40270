/**
 * Hooks in Flask's order (before/after/teardown, blueprint scopes, app*
 * variants, afterThisRequest) and the request signals.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  Blueprint,
  Response,
  Signal,
  abort,
  afterThisRequest,
  appcontextTearingDown,
  g,
  gotRequestException,
  request,
  requestFinished,
  requestStarted,
  requestTearingDown,
} from '../../src/index.ts'
import { makeApp, recordLogs, withServer } from '../core/helpers.ts'

const disconnects: Array<() => void> = []
afterEach(() => {
  for (const d of disconnects.splice(0)) d()
})

describe('hook order', () => {
  function orderedApp(calls: string[]) {
    const app = makeApp()
    const bp = new Blueprint('bp', import.meta.url, { urlPrefix: '/bp' })
    const inner = new Blueprint('inner', import.meta.url, { urlPrefix: '/in' })
    app.urlValuePreprocessor(() => { calls.push('app preprocess') })
    bp.urlValuePreprocessor(() => { calls.push('bp preprocess') })
    app.beforeRequest(() => { calls.push('app before 1') })
    app.beforeRequest(() => { calls.push('app before 2') })
    bp.beforeRequest(() => { calls.push('bp before') })
    inner.beforeRequest(() => { calls.push('inner before') })
    app.afterRequest((r) => { calls.push('app after 1'); return r })
    app.afterRequest(() => { calls.push('app after 2') })
    bp.afterRequest(() => { calls.push('bp after') })
    inner.afterRequest(() => { calls.push('inner after') })
    app.teardownRequest(() => { calls.push('app teardown 1') })
    app.teardownRequest(() => { calls.push('app teardown 2') })
    bp.teardownRequest(() => { calls.push('bp teardown') })
    inner.teardownRequest(() => { calls.push('inner teardown') })
    app.teardownAppContext(() => { calls.push('appctx teardown 1') })
    app.teardownAppContext(() => { calls.push('appctx teardown 2') })
    app.get('/', function index() { calls.push('view'); afterThisRequest(() => { calls.push('afterThisRequest') }); return 'ok' })
    bp.get('/', function bpIndex() { calls.push('bp view'); return 'bp' })
    inner.get('/', function innerIndex() { calls.push('inner view'); return 'inner' })
    bp.register(inner)
    app.register(bp)
    return app
  }

  it('app routes: before in registration order, after and teardown in reverse, afterThisRequest first', async () => {
    const calls: string[] = []
    const app = orderedApp(calls)
    await app.testClient().get('/')
    expect(calls).toEqual([
      'app preprocess',
      'app before 1',
      'app before 2',
      'view',
      'afterThisRequest',
      'app after 2',
      'app after 1',
      'app teardown 2',
      'app teardown 1',
      'appctx teardown 2',
      'appctx teardown 1',
    ])
  })

  it('blueprint hooks run only for their requests, nested outer-first before and inner-first after', async () => {
    const calls: string[] = []
    const app = orderedApp(calls)
    await app.testClient().get('/bp/in/')
    expect(calls).toEqual([
      'app preprocess',
      'bp preprocess',
      'app before 1',
      'app before 2',
      'bp before',
      'inner before',
      'inner view',
      'inner after',
      'bp after',
      'app after 2',
      'app after 1',
      'inner teardown',
      'bp teardown',
      'app teardown 2',
      'app teardown 1',
      'appctx teardown 2',
      'appctx teardown 1',
    ])
    calls.length = 0
    await app.testClient().get('/bp/')
    expect(calls.filter((c) => c.startsWith('inner'))).toEqual([])
    expect(calls).toContain('bp view')
  })

  it('the same order over real HTTP (teardown after the response is sent)', async () => {
    const calls: string[] = []
    const app = orderedApp(calls)
    await withServer(app, async (srv) => {
      expect(await (await fetch(srv.url + '/bp/')).text()).toBe('bp')
      for (let i = 0; i < 50 && !calls.includes('appctx teardown 1'); i++) await new Promise((r) => setTimeout(r, 5))
    })
    expect(calls).toEqual([
      'app preprocess', 'bp preprocess', 'app before 1', 'app before 2', 'bp before', 'bp view', 'bp after',
      'app after 2', 'app after 1', 'bp teardown', 'app teardown 2', 'app teardown 1', 'appctx teardown 2', 'appctx teardown 1',
    ])
  })

  it('a beforeRequest value short-circuits: later hooks and the view do not run, after hooks do', async () => {
    const app = makeApp()
    const calls: string[] = []
    app.beforeRequest(() => { calls.push('first'); if (request.args.has('stop')) return ['stopped', 403] as [string, number] })
    app.beforeRequest(async () => { calls.push('second') })
    app.afterRequest((res) => { calls.push('after'); res.headers.set('X-After', '1') })
    app.get('/', function index() { calls.push('view'); return 'view' })
    const res = await app.testClient().get('/?stop=1')
    expect([res.status, res.text, res.headers.get('x-after')]).toEqual([403, 'stopped', '1'])
    expect(calls).toEqual(['first', 'after'])
    calls.length = 0
    expect((await app.testClient().get('/')).text).toBe('view')
    expect(calls).toEqual(['first', 'second', 'view', 'after'])
  })

  it('afterRequest may replace the response (sync or async); a bad return value is an error', async () => {
    const app = makeApp()
    app.afterRequest(async (res) => {
      if (request.path === '/replace') return new Response('replaced', { status: 201 })
      if (request.path === '/bad') return 'nope' as never
      return res
    })
    app.get('/replace', function replace() { return 'orig' })
    app.get('/bad', function bad() { return 'orig' })
    const logs = recordLogs(app, 'error')
    const c = app.testClient()
    const res = await c.get('/replace')
    expect([res.status, res.text]).toEqual([201, 'replaced'])
    expect((await c.get('/bad')).status).toBe(500)
    expect(logs.some((l) => /afterRequest hook.*returned string/.test(l.err?.message ?? ''))).toBe(true)
  })

  it('afterRequest also runs for handled errors and for the 500 response', async () => {
    const app = makeApp()
    app.config.PROPAGATE_EXCEPTIONS = false
    const seen: number[] = []
    app.afterRequest((res) => { seen.push(res.status); res.headers.set('X-Seen', 'yes') })
    app.errorHandler(404, () => ['custom 404', 404])
    app.get('/boom', function boom() { throw new Error('boom') })
    app.get('/abort', function abortView() { abort(400) })
    const c = app.testClient()
    const nf = await c.get('/missing')
    expect([nf.status, nf.text, nf.headers.get('x-seen')]).toEqual([404, 'custom 404', 'yes'])
    expect((await c.get('/abort')).headers.get('x-seen')).toBe('yes')
    const boom = await c.get('/boom')
    expect([boom.status, boom.headers.get('x-seen')]).toEqual([500, 'yes'])
    expect(seen).toEqual([404, 400, 500])
  })

  it('teardownRequest and teardownAppContext always run, with the unhandled error (null when handled)', async () => {
    const app = makeApp()
    const torn: Array<[string, unknown]> = []
    app.teardownRequest((err) => { torn.push(['request', err instanceof Error ? err.message : err]) })
    app.teardownAppContext((err) => { torn.push(['appctx', err instanceof Error ? err.message : err]) })
    app.teardownRequest(() => { throw new Error('a failing teardown is logged, not raised') })
    app.get('/ok', function ok() { return 'ok' })
    app.get('/boom', function boom() { throw new Error('boom') })
    app.get('/nf', function nf() { abort(404) })
    const c = app.testClient()
    await c.get('/ok')
    await c.get('/nf')
    await c.get('/boom')
    expect(torn).toEqual([
      ['request', null], ['appctx', null],
      ['request', null], ['appctx', null],
      ['request', 'boom'], ['appctx', 'boom'],
    ])
    torn.length = 0
    app.config.TESTING = true
    await expect(c.get('/boom')).rejects.toThrow('boom')
    expect(torn).toEqual([['request', 'boom'], ['appctx', 'boom']])
  })

  it('teardown runs over real HTTP after a 500 too', async () => {
    const app = makeApp()
    const torn: unknown[] = []
    app.teardownRequest((err) => { torn.push((err as Error | null)?.message ?? null) })
    app.get('/boom', function boom() { throw new Error('http boom') })
    await withServer(app, async (srv) => {
      expect((await fetch(srv.url + '/boom')).status).toBe(500)
      for (let i = 0; i < 50 && torn.length === 0; i++) await new Promise((r) => setTimeout(r, 5))
    })
    expect(torn).toEqual(['http boom'])
  })

  it('with app.fetch, teardown waits until a streamed body has been read', async () => {
    const app = makeApp()
    const events: string[] = []
    app.teardownRequest(() => { events.push('teardown') })
    app.get('/stream', function stream() {
      return (function* () { events.push('chunk 1'); yield 'a'; events.push('chunk 2'); yield 'b' })()
    })
    app.get('/plain', function plain() { return 'p' })
    const res = await app.fetch(new Request('http://h/stream'))
    expect(events).not.toContain('teardown')
    expect(await res.text()).toBe('ab')
    expect(events).toEqual(['chunk 1', 'chunk 2', 'teardown'])
    events.length = 0
    await app.fetch(new Request('http://h/plain'))
    expect(events).toEqual(['teardown'])
  })

  it('beforeAppRequest, afterAppRequest, teardownAppRequest, appErrorHandler and app URL hooks run for every request', async () => {
    const app = makeApp()
    const calls: string[] = []
    const bp = new Blueprint('bp', import.meta.url, { urlPrefix: '/bp' })
    bp.beforeAppRequest(() => { calls.push(`beforeApp ${request.path}`) })
    bp.afterAppRequest(() => { calls.push(`afterApp ${request.path}`) })
    bp.teardownAppRequest(() => { calls.push(`teardownApp ${request.path}`) })
    bp.appErrorHandler(418, () => 'teapot handled by the blueprint for the app')
    bp.appUrlValuePreprocessor((endpoint) => { calls.push(`preprocess ${endpoint}`) })
    bp.appUrlDefaults((_e, values) => { values.lang ??= 'en' })
    bp.beforeRequest(() => { calls.push(`bp only ${request.path}`) })
    bp.get('/x', function x() { return 'x' })
    app.get('/<lang>/tea', function tea() { abort(418) })
    app.get('/url', function url() { return app.urlFor('tea') })
    app.register(bp)
    const c = app.testClient()
    expect((await c.get('/fr/tea')).text).toBe('teapot handled by the blueprint for the app')
    expect((await c.get('/url')).text).toBe('/en/tea')
    await c.get('/bp/x')
    expect(calls).toEqual([
      'preprocess tea', 'beforeApp /fr/tea', 'afterApp /fr/tea', 'teardownApp /fr/tea',
      'preprocess url', 'beforeApp /url', 'afterApp /url', 'teardownApp /url',
      'preprocess bp.x', 'beforeApp /bp/x', 'bp only /bp/x', 'afterApp /bp/x', 'teardownApp /bp/x',
    ])
  })

  it('afterThisRequest can set cookies and replace the response', async () => {
    const app = makeApp()
    app.get('/', function index() {
      afterThisRequest((res) => { res.setCookie('visited', '1') })
      afterThisRequest(() => new Response('replaced'))
      return 'original'
    })
    const res = await app.testClient().get('/')
    expect(res.text).toBe('replaced')
    expect(() => afterThisRequest(() => {})).toThrow(/app\.appContext/)
  })
})

describe('signals', () => {
  it('request signals fire in order, with their payloads, sender the app', async () => {
    const app = makeApp()
    app.config.PROPAGATE_EXCEPTIONS = false
    const events: string[] = []
    disconnects.push(
      requestStarted.connect((sender) => { events.push(`started ${sender === app} ${request.path}`) }, { sender: app }),
      requestFinished.connect((_s, { response }) => { events.push(`finished ${response.status}`) }, { sender: app }),
      gotRequestException.connect((_s, { exception }) => { events.push(`exception ${(exception as Error).message}`) }, { sender: app }),
      requestTearingDown.connect((_s, { exc }) => { events.push(`tearing ${(exc as Error | null)?.message ?? null}`) }, { sender: app }),
      appcontextTearingDown.connect((_s, { exc }) => { events.push(`appctx tearing ${(exc as Error | null)?.message ?? null}`) }, { sender: app }),
    )
    app.get('/', function index() { events.push('view'); g.x = 1; return 'ok' })
    app.get('/boom', function boom() { throw new Error('bad') })
    const c = app.testClient()
    await c.get('/')
    expect(events).toEqual(['started true /', 'view', 'finished 200', 'tearing null', 'appctx tearing null'])
    events.length = 0
    await c.get('/boom')
    expect(events).toEqual(['started true /boom', 'exception bad', 'finished 500', 'tearing bad', 'appctx tearing bad'])
  })

  it('a receiver connected for another app hears nothing; disconnect stops it', async () => {
    const app = makeApp()
    const other = makeApp()
    let heard = 0
    const stop = requestStarted.connect(() => { heard++ }, { sender: other })
    app.get('/', function index() { return 'ok' })
    await app.testClient().get('/')
    expect(heard).toBe(0)
    stop()
  })

  it('new Signal<T>() works, with or without a name', () => {
    const userRegistered = new Signal<{ user: string }>()
    const named = new Signal<{ n: number }>('named')
    const got: string[] = []
    const stop = userRegistered.connect((_s, { user }) => { got.push(user) })
    named.connect((_s, { n }) => { got.push(String(n)) })
    userRegistered.send(null, { user: 'ada' })
    named.send(null, { n: 2 })
    stop()
    userRegistered.send(null, { user: 'bob' })
    expect(got).toEqual(['ada', '2'])
    expect(named.name).toBe('named')
    expect(typeof userRegistered.name).toBe('string')
  })
})
