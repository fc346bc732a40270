import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Blueprint, Phial, urlFor } from 'phial'
import { makeApp, makeFixture, withAdmin, type Fixture } from './fixture.ts'

let fx: Fixture
beforeAll(() => {
  fx = makeFixture()
})
afterAll(() => fx.cleanup())

describe('the static route', () => {
  it('serves files from <root>/static under /static with endpoint "static"', async () => {
    const app = makeApp(fx.root)
    const res = await app.testClient().get('/static/hello.txt')
    expect(res.status).toBe(200)
    expect(res.data.toString()).toBe('Hello, static world!')
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('content-length')).toBe('20')
    expect(res.headers.get('content-disposition')).toBe('inline; filename="hello.txt"')
    expect(res.request.endpoint).toBe('static')
    await app.testRequestContext('/', {}, () => {
      expect(urlFor('static', { filename: 'css/site.css' })).toBe('/static/css/site.css')
    })
  })

  it('serves nested paths and guesses mimetypes', async () => {
    const client = makeApp(fx.root).testClient()
    const cases: Array<[string, string]> = [
      ['/static/css/site.css', 'text/css; charset=utf-8'],
      ['/static/app.js', 'text/javascript; charset=utf-8'],
      ['/static/data.json', 'application/json'],
      ['/static/logo.png', 'image/png'],
      ['/static/noext', 'application/octet-stream'],
    ]
    for (const [path, type] of cases) {
      const res = await client.get(path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type'), path).toBe(type)
    }
  })

  it('404s for a missing file, a folder, and a folder with a trailing slash', async () => {
    const client = makeApp(fx.root).testClient()
    expect((await client.get('/static/nope.txt')).status).toBe(404)
    expect((await client.get('/static/subdir')).status).toBe(404)
    expect((await client.get('/static/subdir/')).status).toBe(404)
  })

  it('serves an empty file', async () => {
    const res = await makeApp(fx.root).testClient().get('/static/empty.txt')
    expect(res.status).toBe(200)
    expect(res.data.length).toBe(0)
    expect(res.headers.get('content-length')).toBe('0')
  })

  it('takes a custom staticUrlPath and staticFolder', async () => {
    const app = makeApp(fx.root, { staticUrlPath: '/assets' })
    const client = app.testClient()
    expect((await client.get('/assets/hello.txt')).status).toBe(200)
    expect((await client.get('/static/hello.txt')).status).toBe(404)
    await app.testRequestContext('/', {}, () => {
      expect(urlFor('static', { filename: 'hello.txt' })).toBe('/assets/hello.txt')
    })
    const other = makeApp(fx.root, { staticFolder: 'admin/static' })
    expect((await other.testClient().get('/static/admin.css')).status).toBe(200)
  })

  it('has no static route with staticFolder: null', async () => {
    const app = makeApp(fx.root, { staticFolder: null })
    expect((await app.testClient().get('/static/hello.txt')).status).toBe(404)
    expect([...app.urlMap.iterRules()].some((r) => r.endpoint === 'static')).toBe(false)
  })

  it('serves a blueprint static folder under its staticUrlPath (endpoint admin.static)', async () => {
    const app = makeApp(fx.root)
    withAdmin(app, fx.root)
    const client = app.testClient()
    const res = await client.get('/admin/admin-static/admin.css')
    expect(res.status).toBe(200)
    expect(res.data.toString()).toBe('.admin {}')
    expect(res.request.endpoint).toBe('admin.static')
    // the app's static folder is still separate
    expect((await client.get('/admin/admin-static/hello.txt')).status).toBe(404)
    expect((await client.get('/static/hello.txt')).status).toBe(200)
    await app.testRequestContext('/', {}, () => {
      expect(urlFor('admin.static', { filename: 'admin.css' })).toBe('/admin/admin-static/admin.css')
    })
  })

  it("urlFor('.static') inside a blueprint, and a query value for cache busting", async () => {
    const app = makeApp(fx.root)
    const admin = new Blueprint('admin', `${fx.root}/admin`, { staticFolder: 'static', urlPrefix: '/admin' })
    admin.get('/link', function link() {
      return urlFor('.static', { filename: 'admin.css', v: '3' })
    })
    app.register(admin)
    const client = app.testClient()
    expect((await client.get('/admin/link')).text).toBe('/admin/static/admin.css?v=3')
    const res = await client.get('/admin/static/admin.css?v=3')
    expect(res.status).toBe(200)
    expect(res.data.toString()).toBe('.admin {}')
  })

  it('serves a blueprint static folder without a url prefix', async () => {
    const app = new Phial(fx.root)
    app.config.LOG_LEVEL = 'silent'
    app.register(new Blueprint('admin', `${fx.root}/admin`, { staticFolder: 'static', staticUrlPath: '/admin-static' }))
    expect((await app.testClient().get('/admin-static/admin.css')).status).toBe(200)
  })

  it('uses SEND_FILE_MAX_AGE_DEFAULT for caching', async () => {
    const app = makeApp(fx.root)
    const client = app.testClient()
    expect((await client.get('/static/hello.txt')).headers.get('cache-control')).toBe('no-cache')
    const cached = makeApp(fx.root)
    cached.config.SEND_FILE_MAX_AGE_DEFAULT = 3600
    const res = await cached.testClient().get('/static/hello.txt')
    expect(res.headers.get('cache-control')).toBe('public, max-age=3600')
    const expires = Date.parse(res.headers.get('expires')!)
    expect(Math.abs(expires - (Date.now() + 3600_000))).toBeLessThan(5000)
  })
})

describe('path traversal over the test client', () => {
  // Every one of these must be a 404, and never the secret's content.
  const attempts = [
    '/static/../secret.txt',
    '/static/%2e%2e/secret.txt',
    '/static/%2E%2E/secret.txt',
    '/static/..%2fsecret.txt',
    '/static/..%2Fsecret.txt',
    '/static/%2e%2e%2fsecret.txt',
    '/static/..%5csecret.txt',
    '/static/..%5Csecret.txt',
    '/static/..\\secret.txt',
    '/static/subdir/../../secret.txt',
    '/static/subdir/%2e%2e/%2e%2e/secret.txt',
    '/static/C:%5cWindows%5cwin.ini',
    '/static/hello.txt%00.png',
    '/static/%00',
    '/static/..',
    '/static/%2e%2e',
  ]
  it.each(attempts)('%s → 404', async (path) => {
    const app = makeApp(fx.root)
    withAdmin(app, fx.root)
    const res = await app.testClient().get(path)
    expect(res.status).toBe(404)
    expect(res.data.toString()).not.toContain('top secret')
  })

  it('an absolute path after /static/ is merged by routing (308 to /static/etc/passwd), then 404', async () => {
    const app = makeApp(fx.root)
    for (const path of ['/static//etc/passwd', '/static/%2fetc%2fpasswd']) {
      const res = await app.testClient().get(path, { followRedirects: true })
      expect(res.status, path).toBe(404)
      expect(res.request.path, path).toBe('/static/etc/passwd')
    }
  })

  it('from a blueprint static folder too', async () => {
    const app = makeApp(fx.root)
    withAdmin(app, fx.root)
    for (const path of ['/admin/admin-static/../../secret.txt', '/admin/admin-static/%2e%2e/%2e%2e/secret.txt', '/admin/admin-static/..%5c..%5csecret.txt']) {
      const res = await app.testClient().get(path)
      expect(res.status, path).toBe(404)
    }
  })

  it('a double-encoded %252e%252e reaches a folder literally named "%2e%2e", not the parent', async () => {
    const res = await makeApp(fx.root).testClient().get('/static/%252e%252e/secret.txt')
    expect(res.status).toBe(200)
    expect(res.data.toString()).toBe('literal percent folder')
  })
})
