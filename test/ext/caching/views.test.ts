/**
 * cache.cached() for views: Flask-Caching's test_view_cache ported, plus the
 * safety rules it lacks (methods, query strings, cookies, private responses,
 * the session, credentials).
 */
import { afterAll, describe, expect, it } from 'vitest'
import { Phial, Response, request, session } from 'phial'
import { Cache, viewCacheKey } from 'phial/caching'
import { REDIS_URL, redisUp, service, sleep } from './services.ts'

const PREFIX = `phial_test:caching_views:${process.pid}:`
const redis = await service('Redis', redisUp(), REDIS_URL)
const closers: Cache[] = []
afterAll(async () => {
  for (const c of closers) {
    await c.clear().catch(() => {})
    await c.close()
  }
})

function setup(config: Record<string, unknown> = {}): { app: Phial; cache: Cache; runs: () => number; hit: () => void } {
  const app = new Phial(import.meta.url)
  app.config.fromMapping({ SECRET_KEY: 'test-secret', CACHE_KEY_PREFIX: PREFIX, CACHE_REDIS_URL: REDIS_URL, LOG_LEVEL: 'silent', ...config })
  const cache = new Cache(app)
  closers.push(cache)
  let n = 0
  return { app, cache, runs: () => n, hit: () => void n++ }
}

describe.each([['simple', true], ['redis', redis]] as const)('cached() on %s', (type, available) => {
  const test = available ? it : it.skip

  test('serves the first response until it expires', async () => {
    const { app, cache, runs, hit } = setup({ CACHE_TYPE: type })
    app.get('/', cache.cached({ timeout: 1, hitIndication: true })(function index() {
      hit()
      return `rendered ${runs()}`
    }))
    const client = app.testClient()
    const first = await client.get('/')
    expect(first.text).toBe('rendered 1')
    expect(first.headers.get('x-cache')).toBe('MISS')
    const second = await client.get('/')
    expect(second.text).toBe('rendered 1')
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(second.headers.get('content-type')).toBe(first.headers.get('content-type'))
    await sleep(2100)
    expect((await client.get('/')).text).toBe('rendered 2')
  }, 10_000)

  test('keeps status, headers and JSON bodies', async () => {
    const { app, cache } = setup({ CACHE_TYPE: type })
    app.get('/api', cache.cached()(function api() {
      return [{ ok: true, at: 1 }, 200, { 'X-Custom': 'yes' }]
    }))
    const client = app.testClient()
    await client.get('/api')
    const hit = await client.get('/api')
    expect(hit.json).toEqual({ ok: true, at: 1 })
    expect(hit.headers.get('x-custom')).toBe('yes')
    expect(hit.mimetype).toBe('application/json')
  })
})

describe('cached() rules', () => {
  it('caches GET and HEAD only; other methods always run the view', async () => {
    const { app, cache, runs, hit } = setup()
    app.route('/form', { methods: ['GET', 'POST'] }, cache.cached()(function form() {
      hit()
      return `run ${runs()} ${request.method}`
    }))
    const client = app.testClient()
    expect((await client.get('/form')).text).toBe('run 1 GET')
    expect((await client.post('/form')).text).toBe('run 2 POST')
    expect((await client.post('/form')).text).toBe('run 3 POST')
    expect((await client.get('/form')).text).toBe('run 1 GET')
    const head = await client.head('/form')
    expect(head.status).toBe(200)
    expect(runs()).toBe(3)
  })

  it('keys on the query string, whatever the order of its parameters', async () => {
    const { app, cache, runs, hit } = setup()
    app.get('/search', cache.cached()(function search() {
      hit()
      return `${request.args.get('q')} ${request.args.get('page')} (${runs()})`
    }))
    const client = app.testClient()
    expect((await client.get('/search?q=a&page=1')).text).toBe('a 1 (1)')
    expect((await client.get('/search?page=1&q=a')).text).toBe('a 1 (1)')
    expect((await client.get('/search?q=a&page=2')).text).toBe('a 2 (2)')
    expect((await client.get('/search')).text).toBe('undefined undefined (3)')
  })

  it('query: false shares one entry for every query (Flask-Caching\'s default)', async () => {
    const { app, cache } = setup()
    app.get('/p', cache.cached({ query: false })(function p() { return String(request.args.get('x')) }))
    const client = app.testClient()
    expect((await client.get('/p?x=1')).text).toBe('1')
    expect((await client.get('/p?x=2')).text).toBe('1')
  })

  it('never stores a response that sets a cookie', async () => {
    const { app, cache, runs, hit } = setup()
    app.get('/c', cache.cached()(function c() {
      hit()
      return new Response(`run ${runs()}`).setCookie('tracking', String(runs()))
    }))
    const client = app.testClient()
    await client.get('/c')
    const second = await client.get('/c')
    expect(second.text).toBe('run 2')
    expect(second.headers.get('set-cookie')).toContain('tracking=2')
  })

  it('never stores private, no-store or Vary: Cookie responses', async () => {
    const { app, cache, runs, hit } = setup()
    for (const [path, name, value] of [['/private', 'cache-control', 'private, max-age=60'], ['/nostore', 'cache-control', 'no-store'], ['/vary', 'vary', 'Accept-Encoding, Cookie']] as const) {
      app.get(path, { endpoint: path }, cache.cached()(function personal() {
        hit()
        return [`run ${runs()}`, 200, { [name]: value }]
      }))
    }
    const client = app.testClient()
    for (const path of ['/private', '/nostore', '/vary']) {
      await client.get(path)
      await client.get(path)
    }
    expect(runs()).toBe(6)
  })

  it('a visitor whose session holds data gets the view itself; a page made for an empty session is shared', async () => {
    const { app, cache, runs, hit } = setup()
    app.post('/login/<name>', function login({ name }: { name: string }) {
      session.set('user', name)
      return 'ok'
    })
    app.get('/home', cache.cached()(function home() {
      hit()
      return `hello ${session.get('user') ?? 'stranger'} (${runs()})`
    }))
    const alice = app.testClient()
    const bob = app.testClient()
    expect((await app.testClient().get('/home')).text).toBe('hello stranger (1)')
    expect((await app.testClient().get('/home')).text).toBe('hello stranger (1)')
    await alice.post('/login/alice')
    await bob.post('/login/bob')
    expect((await alice.get('/home')).text).toBe('hello alice (2)')
    expect((await bob.get('/home')).text).toBe('hello bob (3)')
    expect((await alice.get('/home')).text).toBe('hello alice (4)')
    // and what they saw was never stored for the others
    expect((await app.testClient().get('/home')).text).toBe('hello stranger (1)')
  })

  it('a page whose view put data in the session is not stored', async () => {
    const { app, cache, runs, hit } = setup()
    app.get('/welcome', cache.cached()(function welcome() {
      hit()
      session.set('welcomed', true)
      return `welcome (${runs()})`
    }))
    expect((await app.testClient().get('/welcome')).text).toBe('welcome (1)')
    expect((await app.testClient().get('/welcome')).text).toBe('welcome (2)')
  })

  it('bypasses the cache for requests with Authorization', async () => {
    const { app, cache, runs, hit } = setup()
    app.get('/token', cache.cached()(function token() {
      hit()
      return `for ${request.headers.get('authorization') ?? 'anyone'}`
    }))
    const client = app.testClient()
    await client.get('/token')
    expect((await client.get('/token', { headers: { Authorization: 'Bearer secret' } })).text).toBe('for Bearer secret')
    expect((await client.get('/token')).text).toBe('for anyone')
    expect(runs()).toBe(2)
  })

  it('stores status 200 only, unless responseFilter says otherwise', async () => {
    const { app, cache, runs, hit } = setup()
    app.get('/missing', cache.cached()(function missing() {
      hit()
      return ['gone', 404]
    }))
    app.get('/accepted', cache.cached({ responseFilter: (r) => r.status === 202 })(function accepted() {
      hit()
      return ['queued', 202]
    }))
    const client = app.testClient()
    await client.get('/missing')
    await client.get('/missing')
    expect(runs()).toBe(2)
    await client.get('/accepted')
    expect((await client.get('/accepted')).status).toBe(202)
    expect(runs()).toBe(3)
  })

  it('a view that throws is not cached and the error is handled as usual', async () => {
    const { app, cache, runs, hit } = setup()
    app.get('/boom', cache.cached()(function boom(): string {
      hit()
      throw new Error('boom')
    }))
    const client = app.testClient()
    app.config.PROPAGATE_EXCEPTIONS = false
    expect((await client.get('/boom')).status).toBe(500)
    expect((await client.get('/boom')).status).toBe(500)
    expect(runs()).toBe(2)
  })

  it('unless skips the cache; forcedUpdate replaces the entry', async () => {
    const { app, cache, runs, hit } = setup()
    app.get('/u', cache.cached({
      unless: () => request.args.has('fresh'),
      forcedUpdate: () => request.args.has('refresh'),
      query: false,
    })(function u() {
      hit()
      return `run ${runs()}`
    }))
    const client = app.testClient()
    expect((await client.get('/u')).text).toBe('run 1')
    expect((await client.get('/u?fresh=1')).text).toBe('run 2')
    expect((await client.get('/u')).text).toBe('run 1')
    expect((await client.get('/u?refresh=1')).text).toBe('run 3')
    expect((await client.get('/u')).text).toBe('run 3')
  })

  it('keyPrefix, makeCacheKey and timeout as a function', async () => {
    const { app, cache } = setup()
    let n = 0
    app.get('/a', cache.cached({ keyPrefix: 'shared' })(function a() { return `a${++n}` }))
    app.get('/b', cache.cached({ keyPrefix: () => 'shared' })(function b() { return `b${++n}` }))
    app.get('/lang', cache.cached({ makeCacheKey: () => `lang:${request.headers.get('accept-language')}`, timeout: (r) => (r.status === 200 ? 60 : 1) })(function lang() {
      return `lang ${++n}`
    }))
    const client = app.testClient()
    expect((await client.get('/a')).text).toBe('a1')
    expect((await client.get('/b')).text).toBe('a1')
    expect((await client.get('/lang', { headers: { 'Accept-Language': 'fr' } })).text).toBe('lang 2')
    expect((await client.get('/lang', { headers: { 'Accept-Language': 'fr' } })).text).toBe('lang 2')
    expect((await client.get('/lang', { headers: { 'Accept-Language': 'de' } })).text).toBe('lang 3')
    expect(await cache.has('lang:fr')).toBe(true)
  })

  it('a cached page is deleted with viewCacheKey', async () => {
    const { app, cache, runs, hit } = setup()
    app.get('/posts', cache.cached()(function posts() {
      hit()
      return `posts ${runs()}`
    }))
    const client = app.testClient()
    await client.get('/posts')
    await client.get('/posts?page=2')
    expect(await cache.delete(viewCacheKey('/posts'))).toBe(true)
    expect(await cache.delete(viewCacheKey('/posts', 'page=2'))).toBe(true)
    expect((await client.get('/posts')).text).toBe('posts 3')
  })

  it('concurrent misses run the view once (stampede protection)', async () => {
    const { app, cache, runs, hit } = setup()
    app.get('/slow', cache.cached()(async function slow() {
      hit()
      await sleep(100)
      return `slow ${runs()}`
    }))
    const client = app.testClient()
    const responses = await Promise.all(Array.from({ length: 8 }, () => client.get('/slow')))
    expect(runs()).toBe(1)
    expect(responses.map((r) => r.text)).toEqual(Array(8).fill('slow 1'))
  })

  it('requests waiting on a response that may not be shared run the view themselves', async () => {
    const { app, cache, runs, hit } = setup()
    app.get('/mine', cache.cached()(async function mine() {
      hit()
      const n = runs()
      await sleep(50)
      return new Response(`yours ${n}`).setCookie('n', String(n))
    }))
    const client = app.testClient()
    const texts = (await Promise.all(Array.from({ length: 4 }, () => client.get('/mine')))).map((r) => r.text)
    expect(new Set(texts).size).toBe(4)
  })

  it('keeps the endpoint name of the view and exposes the uncached view', () => {
    const { app, cache } = setup()
    function listing(): string {
      return 'x'
    }
    const wrapped = cache.cached()(listing)
    app.get('/listing', wrapped)
    expect(Object.keys(app.viewFunctions)).toContain('listing')
    expect(wrapped.uncached).toBe(listing)
  })
})
