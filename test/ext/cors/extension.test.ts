import { describe, expect, it } from 'vitest'
import { Blueprint, NotFound, Phial } from 'phial'
import { CORS } from 'phial/cors'
import { ORIGIN, makeApp, preflight } from './app.ts'

describe('CORS(app) with the defaults (Flask-CORS: any origin, reflected)', () => {
  it('stores itself in app.extensions and reflects an allowed origin with Vary: Origin', async () => {
    const app = makeApp({})
    expect(app.extensions.cors).toBeInstanceOf(CORS)
    const res = await app.testClient().get('/page', { headers: { Origin: ORIGIN } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(res.headers.get('vary')).toBe('Origin')
    expect(res.headers.get('access-control-allow-credentials')).toBeNull()
  })

  it('adds Vary: Origin but no CORS header to a request without Origin (so a cache cannot serve it cross-origin)', async () => {
    const res = await makeApp({}).testClient().get('/page')
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('vary')).toBe('Origin')
  })

  it('merges Vary with the one the view set, once', async () => {
    const res = await makeApp({}).testClient().get('/api/vary', { headers: { Origin: ORIGIN } })
    expect(res.headers.get('vary')).toBe('Accept-Encoding, Origin')
  })

  it('leaves a response whose view set Access-Control-Allow-Origin alone', async () => {
    const res = await makeApp({}).testClient().get('/api/own', { headers: { Origin: ORIGIN } })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://mine.test')
  })

  it('sends a literal * with sendWildcard, and then no Vary', async () => {
    const res = await makeApp({ sendWildcard: true }).testClient().get('/page', { headers: { Origin: ORIGIN } })
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
    expect(res.headers.get('vary')).toBeNull()
  })
})

describe('preflight', () => {
  it('is answered without running the view: 204, methods, requested headers, max age', async () => {
    const app = makeApp({ maxAge: 600 })
    const client = app.testClient()
    const res = await client.options('/api/items', { headers: preflight(ORIGIN, 'PUT', 'X-Custom, Content-Type') })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect(res.headers.get('access-control-allow-methods')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT')
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, x-custom')
    expect(res.headers.get('access-control-max-age')).toBe('600')
    expect(res.headers.get('vary')).toBe('Origin, Access-Control-Request-Headers')
    expect(res.text).toBe('')
    // the view never ran: the first real call counts 1
    expect((await client.get('/api/items')).json).toEqual({ calls: 1 })
  })

  it('allows only the configured methods and headers', async () => {
    const app = makeApp({ methods: ['GET', 'put'], allowHeaders: ['Content-Type', /^x-app-.*$/] })
    const client = app.testClient()
    const ok = await client.options('/api/items', { headers: preflight(ORIGIN, 'PUT', 'content-type, x-app-token, x-other') })
    expect(ok.headers.get('access-control-allow-methods')).toBe('GET, PUT')
    expect(ok.headers.get('access-control-allow-headers')).toBe('content-type, x-app-token')
    const refused = await client.options('/api/items', { headers: preflight(ORIGIN, 'DELETE') })
    expect(refused.status).toBe(204)
    expect(refused.headers.get('access-control-allow-methods')).toBeNull()
  })

  it('answers a preflight to a route without OPTIONS in its methods (the automatic 405 is not reached)', async () => {
    const app = makeApp({}, { PROVIDE_AUTOMATIC_OPTIONS: false })
    const res = await app.testClient().options('/api/items', { headers: preflight(ORIGIN) })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
  })

  it('leaves a plain OPTIONS (no Access-Control-Request-Method) to the automatic answer, with CORS headers', async () => {
    const res = await makeApp({}).testClient().options('/api/items', { headers: { Origin: ORIGIN } })
    expect(res.status).toBe(200)
    expect(res.headers.get('allow')).toContain('PUT')
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
  })

  it('with automaticOptions: false goes to routing like any OPTIONS', async () => {
    const res = await makeApp({ automaticOptions: false }).testClient().options('/api/items', { headers: preflight(ORIGIN) })
    expect(res.status).toBe(200)
    expect(res.headers.get('allow')).toContain('PUT')
    expect(res.headers.get('access-control-allow-methods')).toBeNull()
  })

  it('answers Private Network Access preflights only when allowed', async () => {
    const headers = { ...preflight(ORIGIN, 'GET'), 'Access-Control-Request-Private-Network': 'true' }
    const off = await makeApp({}).testClient().options('/api/items', { headers })
    expect(off.headers.get('access-control-allow-private-network')).toBeNull()
    const on = await makeApp({ allowPrivateNetwork: true }).testClient().options('/api/items', { headers })
    expect(on.headers.get('access-control-allow-private-network')).toBe('true')
  })
})

describe('exposeHeaders, vary: false, bad options', () => {
  it('exposes the listed headers on actual responses', async () => {
    const res = await makeApp({ exposeHeaders: ['X-Total', 'X-Page'] }).testClient().get('/page', { headers: { Origin: ORIGIN } })
    expect(res.headers.get('access-control-expose-headers')).toBe('X-Page, X-Total')
  })

  it('vary: false never touches Vary', async () => {
    const res = await makeApp({ vary: false }).testClient().get('/page', { headers: { Origin: ORIGIN } })
    expect(res.headers.get('vary')).toBeNull()
  })

  it('refuses malformed options at init with a message naming them', () => {
    expect(() => makeApp({ maxAge: -1 })).toThrow(/maxAge/)
    expect(() => makeApp({ methods: ['GET POST'] })).toThrow(/methods/)
    expect(() => makeApp({ exposeHeaders: ['X\r\nY'] })).toThrow(/exposeHeaders/)
    expect(() => makeApp({ origins: [42 as never] })).toThrow(/strings, RegExps or functions/)
    expect(() => makeApp({ resources: 42 as never })).toThrow(/resources/)
    expect(() => new CORS({} as never)).toThrow(/a Phial app or a Blueprint/)
  })
})

describe('resources', () => {
  const app = makeApp({
    resources: { '/api/public/*': { origins: '*', sendWildcard: true }, '/api/*': { origins: ['https://a.test'], maxAge: 60 } },
  })
  const client = app.testClient()

  it('the most specific pattern wins; uncovered paths get nothing', async () => {
    const feed = await client.get('/api/public/feed', { headers: { Origin: 'https://z.test' } })
    expect(feed.headers.get('access-control-allow-origin')).toBe('*')
    const items = await client.get('/api/items', { headers: { Origin: 'https://a.test' } })
    expect(items.headers.get('access-control-allow-origin')).toBe('https://a.test')
    const refused = await client.get('/api/items', { headers: { Origin: 'https://z.test' } })
    expect(refused.headers.get('access-control-allow-origin')).toBeNull()
    const page = await client.get('/page', { headers: { Origin: 'https://a.test' } })
    expect(page.headers.get('access-control-allow-origin')).toBeNull()
    expect(page.headers.get('vary')).toBeNull()
    const pre = await client.options('/api/items', { headers: preflight('https://a.test') })
    expect(pre.headers.get('access-control-max-age')).toBe('60')
  })

  it("'/api/*' covers /api but not /apiary, and matching is case-sensitive", async () => {
    const a = makeApp({ resources: '/api/*' })
    a.get('/api', function apiRoot() {
      return 'root'
    })
    a.get('/apiary', function apiary() {
      return 'bees'
    })
    const c = a.testClient()
    const h = { headers: { Origin: ORIGIN } }
    expect((await c.get('/api', h)).headers.get('access-control-allow-origin')).toBe(ORIGIN)
    expect((await c.get('/apiary', h)).headers.get('access-control-allow-origin')).toBeNull()
    expect((await c.get('/API/items', h)).headers.get('access-control-allow-origin')).toBeNull()
  })

  it('takes RegExps as [pattern, options] pairs and lists of patterns, and CORS_RESOURCES from config', async () => {
    const a = makeApp({ resources: [[/^\/api\/i.*$/, { origins: 'https://r.test' }]] })
    const c = a.testClient()
    expect((await c.get('/api/items', { headers: { Origin: 'https://r.test' } })).headers.get('access-control-allow-origin')).toBe('https://r.test')
    expect((await c.get('/api/public/feed', { headers: { Origin: 'https://r.test' } })).headers.get('access-control-allow-origin')).toBeNull()
    const b = makeApp({}, { CORS_RESOURCES: ['/api/public/*'], CORS_ORIGINS: ['https://cfg.test'] })
    const d = b.testClient()
    expect((await d.get('/api/public/feed', { headers: { Origin: 'https://cfg.test' } })).headers.get('access-control-allow-origin')).toBe('https://cfg.test')
    expect((await d.get('/api/items', { headers: { Origin: 'https://cfg.test' } })).headers.get('access-control-allow-origin')).toBeNull()
  })

  it('options: resource > constructor > config > defaults', async () => {
    const a = makeApp({ maxAge: 10, resources: { '/api/*': { maxAge: 20 }, '/*': {} } }, { CORS_MAX_AGE: 5, CORS_EXPOSE_HEADERS: 'X-Cfg' })
    const c = a.testClient()
    expect((await c.options('/api/items', { headers: preflight(ORIGIN) })).headers.get('access-control-max-age')).toBe('20')
    expect((await c.options('/page', { headers: preflight(ORIGIN, 'GET') })).headers.get('access-control-max-age')).toBe('10')
    expect((await c.get('/page', { headers: { Origin: ORIGIN } })).headers.get('access-control-expose-headers')).toBe('X-Cfg')
  })
})

describe('error responses carry the CORS headers', () => {
  const client = makeApp({ origins: ['https://a.test'] }).testClient()
  const h = { headers: { Origin: 'https://a.test' } }

  it('a 404 raised in a view, an unknown path, a 500, and the automatic 405', async () => {
    for (const [method, path, status] of [
      ['get', '/api/missing', 404],
      ['get', '/nowhere', 404],
      ['get', '/api/boom', 500],
      ['post', '/api/items', 405],
    ] as const) {
      const res = await client[method](path, h)
      expect(res.status, path).toBe(status)
      expect(res.headers.get('access-control-allow-origin'), path).toBe('https://a.test')
      expect(res.headers.get('vary'), path).toContain('Origin')
    }
  })

  it('an error handler response too', async () => {
    const app = makeApp({})
    app.errorHandler(NotFound, () => [{ error: 'Not found' }, 404])
    const res = await app.testClient().get('/nowhere', { headers: { Origin: ORIGIN } })
    expect(res.json).toEqual({ error: 'Not found' })
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN)
  })
})

describe('with an authentication hook registered after CORS', () => {
  it('the preflight is answered before it; the refused request still carries CORS headers', async () => {
    const app = makeApp({ origins: ORIGIN })
    app.beforeRequest((ctx) => (ctx.request.headers.get('authorization') ? undefined : [{ error: 'login first' }, 401]))
    const client = app.testClient()
    const pre = await client.options('/api/items', { headers: preflight(ORIGIN, 'PUT', 'Authorization') })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-allow-headers')).toBe('authorization')
    const refused = await client.put('/api/items', { headers: { Origin: ORIGIN } })
    expect(refused.status).toBe(401)
    expect(refused.headers.get('access-control-allow-origin')).toBe(ORIGIN)
  })
})

describe('CORS(blueprint)', () => {
  it('covers only the blueprint routes', async () => {
    const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
    app.config.LOG_LEVEL = 'silent'
    const api = new Blueprint('api', import.meta.url, { urlPrefix: '/api' })
    new CORS(api, { origins: 'https://a.test', maxAge: 30 })
    api.route('/items', { methods: ['GET', 'PUT'] }, function items() {
      return []
    })
    app.register(api)
    app.get('/page', function page() {
      return 'page'
    })
    const c = app.testClient()
    const h = { headers: { Origin: 'https://a.test' } }
    expect((await c.get('/api/items', h)).headers.get('access-control-allow-origin')).toBe('https://a.test')
    expect((await c.get('/page', h)).headers.get('access-control-allow-origin')).toBeNull()
    const pre = await c.options('/api/items', { headers: preflight('https://a.test') })
    expect(pre.status).toBe(204)
    expect(pre.headers.get('access-control-max-age')).toBe('30')
    expect(app.extensions.cors).toBeUndefined()
  })

  it('one instance serves many apps (the factory pattern)', async () => {
    const cors = new CORS(undefined, { origins: 'https://a.test' })
    for (const origin of ['https://a.test', 'https://b.test']) {
      const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
      app.config.LOG_LEVEL = 'silent'
      cors.initApp(app, { origins: origin })
      app.get('/', function index() {
        return 'x'
      })
      const res = await app.testClient().get('/', { headers: { Origin: origin } })
      expect(res.headers.get('access-control-allow-origin')).toBe(origin)
    }
  })
})

describe('the hot path', () => {
  it('an uncovered path never matches origins, and a covered one matches once per request', async () => {
    let calls = 0
    const app = makeApp({
      resources: { '/api/*': { origins: () => (calls++, true) } },
    })
    const client = app.testClient()
    for (let i = 0; i < 5; i++) await client.get('/page', { headers: { Origin: ORIGIN } })
    expect(calls).toBe(0)
    await client.get('/api/items', { headers: { Origin: ORIGIN } })
    expect(calls).toBe(1)
  })

  it("a CORS blueprint adds no hook to the app's other routes", () => {
    const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
    const api = new Blueprint('api', import.meta.url, { urlPrefix: '/api' })
    new CORS(api)
    api.get('/x', function x() {
      return 'x'
    })
    app.register(api)
    expect(app.beforeRequestFuncs.get(null) ?? []).toEqual([])
    expect(app.afterRequestFuncs.get(null) ?? []).toEqual([])
    expect(app.afterRequestFuncs.get('api')?.length).toBe(1)
  })
})

