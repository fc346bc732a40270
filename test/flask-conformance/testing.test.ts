/**
 * Test-client fidelity (issue 11 item 7), ported from Flask's
 * tests/test_testing.py: the base URL from SERVER_NAME / APPLICATION_ROOT /
 * PREFERRED_URL_SCHEME, full URLs and subdomains, client-wide defaults
 * (Flask's `environ_base`), and the scoped form that keeps the last
 * request's context (Flask's `with client:`, here `client.scoped(fn)`).
 * Flask's `client.get(path, base_url)` is `client.get(path, { baseUrl })`,
 * `url_scheme='https'` is `scheme: 'https'`, and the default user agent is
 * `Phial-TestClient` (Flask's is `Werkzeug/<version>`). Also Flask's
 * tests/test_appctx.py URL generation outside a request, and test_basic.py's
 * session-cookie tests under SERVER_NAME / APPLICATION_ROOT.
 */
import { describe, expect, it } from 'vitest'
import { Blueprint, appcontextPopped, g, redirect, request, session, urlFor, ContextError } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

describe("Flask's test_testing.py: the base URL", () => {
  it('test_environ_defaults_from_config', async () => {
    const app = makeApp()
    app.config.SERVER_NAME = 'example.com:1234'
    app.config.APPLICATION_ROOT = '/foo'
    app.get('/', function index() { return request.url })
    expect(app.testRequestContext('/', () => request.url)).toBe('http://example.com:1234/foo/')
    expect((await app.testClient().get('/')).text).toBe('http://example.com:1234/foo/')
  })

  it('test_environ_defaults', async () => {
    const app = makeApp()
    app.get('/', function index() { return request.url })
    expect(app.testRequestContext('/', () => request.url)).toBe('http://localhost/')
    const client = app.testClient()
    await client.scoped(async () => {
      expect((await client.get('/')).text).toBe('http://localhost/')
    })
  })

  it('test_specify_url_scheme', async () => {
    const app = makeApp()
    app.get('/', function index() { return request.url })
    expect(app.testRequestContext('/', { scheme: 'https' }, () => request.url)).toBe('https://localhost/')
    expect((await app.testClient().get('/', { scheme: 'https' })).text).toBe('https://localhost/')
    // PREFERRED_URL_SCHEME is the default scheme, as Flask's EnvironBuilder
    app.config.PREFERRED_URL_SCHEME = 'https'
    expect((await app.testClient().get('/')).text).toBe('https://localhost/')
  })

  it('test_path_is_url: a full URL gives the scheme, host and path', () => {
    const app = makeApp()
    app.testRequestContext('https://example.com/', () => {
      expect([request.scheme, request.host, request.rootPath, request.path]).toEqual(['https', 'example.com', '', '/'])
    })
  })

  it('test_blueprint_with_subdomain', async () => {
    const app = makeApp({ subdomainMatching: true })
    app.config.SERVER_NAME = 'example.com:1234'
    app.config.APPLICATION_ROOT = '/foo'
    const client = app.testClient()
    const bp = new Blueprint('company', { subdomain: 'xxx' })
    bp.get('/', function index() { return request.url })
    app.register(bp)
    app.testRequestContext('/', { subdomain: 'xxx' }, () => {
      expect(request.url).toBe('http://xxx.example.com:1234/foo/')
      expect(request.blueprint).toBe('company')
    })
    expect((await client.get('/', { subdomain: 'xxx' })).text).toBe('http://xxx.example.com:1234/foo/')
  })

  it('test_full_url_request', async () => {
    const app = makeApp()
    app.post('/action', function action() { return 'x' })
    const client = app.testClient()
    await client.scoped(async () => {
      const rv = await client.post('http://domain.com/action?vodka=42', { form: { gin: 43 } })
      expect(rv.status).toBe(200)
      expect(request.form.has('gin')).toBe(true)
      expect(request.args.has('vodka')).toBe(true)
      expect(request.host).toBe('domain.com')
    })
  })

  it('a base URL whose mount point is not APPLICATION_ROOT is refused with the reason', async () => {
    const app = makeApp()
    app.get('/', function index() { return '' })
    await expect(app.testClient().get('/', { baseUrl: 'http://example.com/mount' })).rejects.toThrow(/APPLICATION_ROOT/)
    await expect(app.testClient().get('/', { baseUrl: 'http://example.com/', scheme: 'https' })).rejects.toThrow(TypeError)
    await expect(app.testClient().get('/', { baseUrl: 'not a url' })).rejects.toThrow(/is not a URL/)
  })

  it('test_session_using_server_name(_and_port, _port_and_path): no cookie domain, the mount point as path', async () => {
    for (const [serverName, root, url] of [
      ['example.com', '/', 'http://example.com/'],
      ['example.com:8080', '/', 'http://example.com:8080/'],
      ['example.com:8080', '/foo', 'http://example.com:8080/foo'],
    ] as const) {
      const app = makeApp()
      Object.assign(app.config, { SECRET_KEY: 'foo', SERVER_NAME: serverName, APPLICATION_ROOT: root })
      app.get('/', function index() { session.set('testing', 42); return 'Hello World' })
      const cookie = (await app.testClient().get('/', { baseUrl: url })).headers.get('set-cookie')!.toLowerCase()
      expect(cookie).not.toContain('domain')
      expect(cookie).toContain('httponly')
      if (root !== '/') expect(cookie).toContain('path=/foo')
    }
  })

  it('test_session_using_session_settings', async () => {
    const app = makeApp()
    Object.assign(app.config, {
      SECRET_KEY: 'foo',
      SERVER_NAME: 'www.example.com:8080',
      APPLICATION_ROOT: '/test',
      SESSION_COOKIE_DOMAIN: '.example.com',
      SESSION_COOKIE_HTTPONLY: false,
      SESSION_COOKIE_SECURE: true,
      SESSION_COOKIE_PATH: '/',
    })
    app.get('/', function index() { session.set('testing', 42); return 'Hello World' })
    const cookie = (await app.testClient().get('/', { baseUrl: 'http://www.example.com:8080/test/' })).headers.get('set-cookie')!.toLowerCase()
    expect(cookie).toContain('domain=.example.com')
    expect(cookie).toContain('path=/')
    expect(cookie).toContain('secure')
    expect(cookie).not.toContain('httponly')
  })
})

describe("Flask's test_appctx.py: urlFor outside a request", () => {
  it('test_basic_url_generation: SERVER_NAME, APPLICATION_ROOT and PREFERRED_URL_SCHEME', () => {
    const app = makeApp()
    app.config.SERVER_NAME = 'localhost'
    app.config.PREFERRED_URL_SCHEME = 'https'
    app.get('/', function index() { return '' })
    expect(app.appContext(() => urlFor('index'))).toBe('https://localhost/')
    app.config.SERVER_NAME = 'example.com:1234'
    app.config.APPLICATION_ROOT = '/foo'
    expect(app.appContext(() => urlFor('index'))).toBe('https://example.com:1234/foo/')
    expect(app.appContext(() => urlFor('index', {}, { _external: false }))).toBe('/foo/')
  })

  it('test_url_generation_requires_server_name and test_url_generation_without_context_fails', () => {
    const app = makeApp()
    app.get('/', function index() { return '' })
    expect(() => app.appContext(() => urlFor('index'))).toThrow(/without 'SERVER_NAME' configured/)
    expect(() => urlFor('index')).toThrow(ContextError)
  })
})

describe("Flask's test_testing.py: client-wide defaults", () => {
  it('test_environ_base_default', async () => {
    const app = makeApp()
    app.get('/', function index() {
      g.remote_addr = request.remoteAddr
      g.user_agent = request.userAgent
      return ''
    })
    const client = app.testClient()
    await client.scoped(async () => {
      await client.get('/')
      expect(g.remote_addr).toBe('127.0.0.1')
      expect(g.user_agent).toBe('Phial-TestClient')
    })
  })

  it('test_environ_base_modified', async () => {
    const app = makeApp()
    app.get('/', function index() {
      g.remote_addr = request.remoteAddr
      g.user_agent = request.userAgent
      return ''
    })
    const client = app.testClient()
    client.defaults.remoteAddr = '192.168.0.22'
    client.defaults.headers['user-agent'] = 'Foo'
    await client.scoped(async () => {
      await client.get('/')
      expect(g.remote_addr).toBe('192.168.0.22')
      expect(g.user_agent).toBe('Foo')
    })
    // given at creation, and a request's own options win
    const other = app.testClient({ defaults: { remoteAddr: '10.0.0.1', headers: { 'User-Agent': 'Bar' } } })
    await other.scoped(async () => {
      await other.get('/', { headers: { 'User-Agent': 'Mine' } })
      expect([g.remote_addr, g.user_agent]).toEqual(['10.0.0.1', 'Mine'])
    })
  })

  it('a default baseUrl applies to every request of the client', async () => {
    const app = makeApp({ subdomainMatching: true })
    app.config.SERVER_NAME = 'example.com'
    app.get('/', { subdomain: 'api' }, function api() { return request.host })
    const client = app.testClient({ defaults: { baseUrl: 'https://api.example.com/' } })
    expect((await client.get('/')).text).toBe('api.example.com')
    expect((await client.get('/', { subdomain: 'api', scheme: 'http' })).text).toBe('api.example.com')
  })
})

describe("Flask's test_testing.py: with client (client.scoped)", () => {
  it('test_redirect_session', async () => {
    const app = makeApp()
    app.config.SECRET_KEY = 'testing'
    app.get('/redirect', function index() { session.set('redirect', true); return redirect('/target') })
    app.get('/target', function target() { session.set('target', true); return '' })
    const client = app.testClient()
    await client.scoped(async () => {
      await client.get('/redirect', { followRedirects: true })
      expect(session.get('redirect')).toBe(true)
      expect(session.get('target')).toBe(true)
    })
  })

  it('test_redirect_keep_session', async () => {
    const app = makeApp()
    app.config.SECRET_KEY = 'testing'
    app.route('/', { methods: ['GET', 'POST'] }, function index() {
      if (request.method === 'POST') return redirect('/getsession')
      session.set('data', 'foo')
      return 'index'
    })
    app.get('/getsession', function getsession() { return String(session.get('data') ?? '<missing>') })
    const client = app.testClient()
    await client.scoped(async () => {
      expect((await client.get('/getsession')).text).toBe('<missing>')
      expect((await client.get('/')).text).toBe('index')
      expect(session.get('data')).toBe('foo')
      expect((await client.post('/', { form: {}, followRedirects: true })).text).toBe('foo')
      expect(session.get('data')).toBe('foo')
      expect((await client.get('/getsession')).text).toBe('foo')
    })
  })

  it('test_session_transactions', async () => {
    const app = makeApp()
    app.config.SECRET_KEY = 'testing'
    app.get('/', function index() { return JSON.stringify(session.get('foo')) })
    const client = app.testClient()
    await client.scoped(async () => {
      await client.sessionTransaction((sess) => {
        expect(sess.size).toBe(0)
        sess.set('foo', [42])
        expect(sess.size).toBe(1)
      })
      expect((await client.get('/')).text).toBe('[42]')
      await client.sessionTransaction((sess) => {
        expect(sess.size).toBe(1)
        expect(sess.get('foo')).toEqual([42])
      })
    })
  })

  it('test_session_transactions_no_null_sessions', async () => {
    const app = makeApp()
    const client = app.testClient()
    await client.scoped(async () => {
      await expect(client.sessionTransaction(() => {})).rejects.toThrow(/Session backend did not open a session/)
    })
  })

  it('test_test_client_context_binding', async () => {
    const app = makeApp()
    app.testing = false
    app.get('/', function index() { g.value = 42; return 'Hello World!' })
    app.get('/other', function other() { throw new RangeError('division by zero') })
    const client = app.testClient()
    await client.scoped(async () => {
      const resp = await client.get('/')
      expect(g.value).toBe(42)
      expect([resp.text, resp.status]).toEqual(['Hello World!', 200])
    })
    await client.scoped(async () => {
      const resp = await client.get('/other')
      expect('value' in g).toBe(false)
      expect(resp.text).toContain('Internal Server Error')
      expect(resp.status).toBe(500)
      g.value = 23
    })
    expect(() => g.value).toThrow(ContextError)
  })

  it('test_reuse_client', async () => {
    const app = makeApp()
    const client = app.testClient()
    await client.scoped(async () => { expect((await client.get('/')).status).toBe(404) })
    await client.scoped(async () => { expect((await client.get('/')).status).toBe(404) })
  })

  it('test_test_client_calls_teardown_handlers', async () => {
    const app = makeApp()
    const called: unknown[] = []
    app.teardownRequest((error) => { called.push(error) })
    const client = app.testClient()
    await client.scoped(async () => {
      expect(called).toEqual([])
      await client.get('/')
      expect(called).toEqual([])
    })
    expect(called).toEqual([null])
    called.length = 0
    await client.scoped(async () => {
      expect(called).toEqual([])
      await client.get('/')
      expect(called).toEqual([])
      await client.get('/')
      expect(called).toEqual([null])
    })
    expect(called).toEqual([null, null])
  })

  it('test_client_json_no_app_context: one app context per request', async () => {
    const app = makeApp()
    app.post('/hello', function hello() { return `Hello, ${(request.json as { name: string }).name}!` })
    let count = 0
    const rv = await appcontextPopped.connectedTo(() => { count++ }, { sender: app }, () =>
      app.testClient().post('/hello', { json: { name: 'Flask' } }),
    )
    expect(rv.text).toBe('Hello, Flask!')
    expect(count).toBe(1)
  })

  it('before the first request only the app context is there; scoped does not nest', async () => {
    const app = makeApp()
    const client = app.testClient()
    await client.scoped(async () => {
      expect(() => request.path).toThrow(/outside of request context/)
      g.before = 1
      await expect(client.scoped(() => 1)).rejects.toThrow(/does not nest/)
    })
  })
})

describe('DEBUG does not swallow what TESTING propagates', () => {
  it('with TESTING and DEBUG both on, a view error reaches the test', async () => {
    const app = makeApp()
    Object.assign(app.config, { TESTING: true, DEBUG: true })
    app.get('/boom', function boom() { throw new Error('boom') })
    await expect(app.testClient().get('/boom')).rejects.toThrow('boom')
    Object.assign(app.config, { TESTING: false, DEBUG: true, PROPAGATE_EXCEPTIONS: true })
    await expect(app.testClient().get('/boom')).rejects.toThrow('boom')
  })
})
