/**
 * Subdomain and host routing (issue 11 item 2), ported from Flask's
 * tests/test_basic.py (test_subdomain_basic_support, test_subdomain_matching,
 * test_subdomain_matching_with_ports, test_subdomain_matching_other_name,
 * test_server_name_matching, test_server_name_subdomain,
 * test_static_route_with_host_matching), tests/test_blueprints.py
 * (test_nesting_subdomains, test_child_and_parent_subdomain) and the
 * app-level half of Werkzeug's tests/test_routing.py
 * (test_host_matching_building, test_http_host_before_server_name,
 * test_server_name_casing, test_external_building_with_port*).
 *
 * Flask's `client.get('/', 'http://x/')` passes a base URL; Phial's is
 * `client.get('/', { baseUrl: 'http://x/' })`, or a full URL as the path.
 * One deliberate difference: with subdomain matching, a host that is not
 * under SERVER_NAME is a 404 (Werkzeug ≤ 3.1 routed it as the subdomain
 * "<invalid>", which a `<name>` rule still matched; Werkzeug 3.2 routes it
 * as the default subdomain, so any Host reaches the main site).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Blueprint, DuplicateRuleError, Phial, request, urlFor } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

describe("Flask's test_basic.py: subdomains", () => {
  it('test_subdomain_basic_support', async () => {
    const app = makeApp({ subdomainMatching: true })
    app.config.SERVER_NAME = 'localhost.localdomain'
    const client = app.testClient()
    app.get('/', function normal_index() { return 'normal index' })
    app.get('/', { subdomain: 'test' }, function test_index() { return 'test index' })
    expect((await client.get('/', { baseUrl: 'http://localhost.localdomain/' })).text).toBe('normal index')
    expect((await client.get('/', { baseUrl: 'http://test.localhost.localdomain/' })).text).toBe('test index')
  })

  it('test_subdomain_matching', async () => {
    const app = makeApp({ subdomainMatching: true })
    const client = app.testClient()
    app.config.SERVER_NAME = 'localhost.localdomain'
    app.get('/', { subdomain: '<user>' }, function index({ user }) { return `index for ${user}` })
    expect((await client.get('/', { baseUrl: 'http://mitsuhiko.localhost.localdomain/' })).text).toBe('index for mitsuhiko')
  })

  it('test_subdomain_matching_with_ports', async () => {
    const app = makeApp({ subdomainMatching: true })
    app.config.SERVER_NAME = 'localhost.localdomain:3000'
    const client = app.testClient()
    app.get('/', { subdomain: '<user>' }, function index({ user }) { return `index for ${user}` })
    expect((await client.get('/', { baseUrl: 'http://mitsuhiko.localhost.localdomain:3000/' })).text).toBe('index for mitsuhiko')
  })

  for (const matching of [false, true]) {
    it(`test_subdomain_matching_other_name[${matching}]`, async () => {
      const app = makeApp({ subdomainMatching: matching })
      app.config.SERVER_NAME = 'localhost.localdomain:3000'
      const client = app.testClient()
      app.get('/', function index() { return ['', 204] })
      // an IP address cannot match the name
      expect((await client.get('/', { baseUrl: 'http://127.0.0.1:3000/' })).status).toBe(matching ? 404 : 204)
      // every subdomain is allowed when matching is off
      expect((await client.get('/', { baseUrl: 'http://www.localhost.localdomain:3000/' })).status).toBe(matching ? 404 : 204)
    })
  }

  const serverNameCases = [
    // [subdomainMatching, hostMatching, base, abc, xyz]; Flask's xyz with subdomain matching is "<invalid>" (Werkzeug 3.2: "default"); Phial: 404
    [false, false, 'default', 'default', 'default'],
    [true, false, 'default', 'abc', null],
    [false, true, 'default', 'abc', 'default'],
  ] as const
  for (const [subdomainMatching, hostMatching, base, abc, xyz] of serverNameCases) {
    it(`test_server_name_matching[${subdomainMatching}-${hostMatching}]`, async () => {
      const app = makeApp({ subdomainMatching, hostMatching })
      app.config.SERVER_NAME = 'example.test'
      const index = ({ name }: { name: string }): string => name
      app.get('/', { defaults: { name: 'default' }, host: '<name>', endpoint: 'index' }, index)
      app.get('/', { subdomain: '<name>', host: '<name>.example.test', endpoint: 'index' }, index)
      const client = app.testClient()
      expect((await client.get('/', { baseUrl: 'http://example.test' })).text).toBe(base)
      expect((await client.get('/', { baseUrl: 'http://abc.example.test' })).text).toBe(abc)
      const other = await client.get('/', { baseUrl: 'http://xyz.other.test' })
      if (xyz === null) expect(other.status).toBe(404)
      else expect(other.text).toBe(xyz)
    })
  }

  it('test_server_name_subdomain', async () => {
    const app = makeApp({ subdomainMatching: true })
    const client = app.testClient()
    app.get('/', function index() { return 'default' })
    app.get('/', { subdomain: 'foo' }, function subdomain() { return 'subdomain' })
    app.config.SERVER_NAME = 'dev.local:5000'
    expect((await client.get('/')).text).toBe('default')
    expect((await client.get('/', { baseUrl: 'http://dev.local:5000' })).text).toBe('default')
    expect((await client.get('/', { baseUrl: 'https://dev.local:5000' })).text).toBe('default')
    app.config.SERVER_NAME = 'dev.local:443'
    expect((await client.get('/', { baseUrl: 'https://dev.local' })).text).toBe('default') // :443 is https's own port
    app.config.SERVER_NAME = 'dev.local'
    expect((await client.get('/', { baseUrl: 'https://dev.local' })).text).toBe('default')
    expect((await client.get('/', { baseUrl: 'http://foo.localhost' })).status).toBe(404)
    expect((await client.get('/', { baseUrl: 'http://foo.dev.local' })).text).toBe('subdomain')
  })

  it('test_static_route_with_host_matching', async () => {
    const root = mkdtempSync(join(tmpdir(), 'phial-static-host-'))
    mkdirSync(join(root, 'static'))
    writeFileSync(join(root, 'static', 'index.html'), '<h1>Hello World!</h1>')
    const app = new Phial(import.meta.url, { rootPath: root, templateFolder: null, hostMatching: true, staticHost: 'example.com' })
    app.config.LOG_LEVEL = 'silent'
    const c = app.testClient()
    expect((await c.get('http://example.com/static/index.html')).status).toBe(200)
    expect((await c.get('http://other.com/static/index.html')).status).toBe(404)
    await app.testRequestContext('/', () => {
      expect(urlFor('static', { filename: 'index.html' }, { _external: true })).toBe('http://example.com/static/index.html')
      expect(urlFor('static', { filename: 'index.html' })).toBe('http://example.com/static/index.html') // another host: absolute
    })
    // Flask asserts static_host == host_matching when there is a static folder
    expect(() => new Phial(import.meta.url, { rootPath: root, staticHost: 'example.com' })).toThrow(/staticHost needs hostMatching/)
    expect(() => new Phial(import.meta.url, { rootPath: root, hostMatching: true })).toThrow(/staticHost/)
    expect(() => new Phial(import.meta.url, { rootPath: root, hostMatching: true, staticFolder: null })).not.toThrow()
  })

  it('a duplicate route is a DuplicateRuleError, and the first view stays', async () => {
    const app = makeApp()
    app.get('/', function index() { return 'first' })
    expect(() => app.get('/', function other() { return 'second' })).toThrow(DuplicateRuleError)
    app.post('/', function create() { return 'posted' }) // other methods: not a duplicate
    app.get('/', { subdomain: 'api' }, function api() { return 'api' }) // another subdomain: not a duplicate
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('first')
    expect((await client.post('/')).text).toBe('posted')
    expect(app.viewFunctions.other).toBeUndefined()
  })

  it("Flask's tutorial: app.addUrlRule('/', 'index', null) beside the blog's '/' names the URL, it is no duplicate", async () => {
    const app = makeApp()
    const blog = new Blueprint('blog')
    blog.get('/', function index() { return urlFor('index') })
    app.register(blog)
    app.addUrlRule('/', 'index', null)
    expect((await app.testClient().get('/')).text).toBe('/')
  })
})

describe("Flask's test_blueprints.py: subdomains", () => {
  it('test_nesting_subdomains', async () => {
    const app = makeApp()
    app.subdomainMatching = true
    app.config.SERVER_NAME = 'example.test'
    const parent = new Blueprint('parent')
    const child = new Blueprint('child')
    child.get('/child/', function index() { return 'child' })
    parent.register(child)
    app.register(parent, { subdomain: 'api' })
    const response = await app.testClient().get('/child/', { baseUrl: 'http://api.example.test' })
    expect(response.status).toBe(200)
  })

  it('test_child_and_parent_subdomain', async () => {
    const app = makeApp()
    app.subdomainMatching = true
    app.config.SERVER_NAME = 'example.test'
    const parent = new Blueprint('parent')
    const child = new Blueprint('child', { subdomain: 'api' })
    child.get('/', function index() { return 'child' })
    parent.register(child)
    app.register(parent, { subdomain: 'parent' })
    const client = app.testClient()
    expect((await client.get('/', { baseUrl: 'http://api.parent.example.test' })).status).toBe(200)
    expect((await client.get('/', { baseUrl: 'http://parent.example.test' })).status).toBe(404)
  })

  it("a blueprint's subdomain is its rules' default; a route's own subdomain wins", async () => {
    const app = makeApp({ subdomainMatching: true })
    app.config.SERVER_NAME = 'example.test'
    const bp = new Blueprint('admin', { subdomain: 'admin', urlPrefix: '/a' })
    bp.get('/', function home() { return `admin ${request.blueprint}` })
    bp.get('/status', { subdomain: 'status' }, function status() { return 'ok' })
    app.register(bp)
    const client = app.testClient()
    expect((await client.get('/a/', { subdomain: 'admin' })).text).toBe('admin admin')
    expect((await client.get('/a/')).status).toBe(404)
    expect((await client.get('/a/status', { subdomain: 'status' })).text).toBe('ok')
  })
})

describe('urlFor across subdomains and hosts', () => {
  it("test_http_host_before_server_name: relative on the rule's own subdomain, absolute from another", async () => {
    const app = makeApp({ subdomainMatching: true })
    app.config.SERVER_NAME = 'example.com'
    app.get('/', { subdomain: 'wiki' }, function index() {
      return [urlFor('index'), urlFor('index', {}, { _external: true })].join(' ')
    })
    app.get('/admin', { subdomain: 'admin' }, function admin() { return urlFor('index') })
    const client = app.testClient()
    expect((await client.get('http://wiki.example.com/')).text).toBe('/ http://wiki.example.com/')
    expect((await client.get('http://admin.example.com/admin')).text).toBe('http://wiki.example.com/')
  })

  it('test_subdomain (test_testing.py): outside a request, SERVER_NAME builds the subdomain URL, which the client can open', async () => {
    const app = makeApp({ subdomainMatching: true })
    app.config.SERVER_NAME = 'example.com'
    app.get('/', { subdomain: '<company_id>' }, function view({ company_id }) { return company_id })
    app.get('/plain', function plain() { return '' })
    const url = app.appContext(() => urlFor('view', { company_id: 'xxx' }))
    expect(url).toBe('http://xxx.example.com/')
    const response = await app.testClient().get(url)
    expect([response.status, response.text]).toEqual([200, 'xxx'])
    // outside a request, the current subdomain is SERVER_NAME's own: a rule there is still relative unless _external
    expect(app.appContext(() => urlFor('plain', {}, { _external: false }))).toBe('/plain')
  })

  it('test_nosubdomain (test_testing.py): a plain rule under SERVER_NAME', async () => {
    const app = makeApp()
    app.config.SERVER_NAME = 'example.com'
    app.get('/<company_id>', function view({ company_id }) { return company_id })
    const url = app.appContext(() => urlFor('view', { company_id: 'xxx' }))
    expect(url).toBe('http://example.com/xxx')
    const response = await app.testClient().get(url)
    expect([response.status, response.text]).toEqual([200, 'xxx'])
  })

  it('without subdomainMatching, a subdomain rule is built absolute (as Flask) and never matched', async () => {
    const app = makeApp()
    app.get('/', { subdomain: 'api' }, function api() { return 'api' })
    app.get('/here', function here() { return urlFor('api') })
    const client = app.testClient()
    expect((await client.get('/here')).text).toBe('http://api.localhost/')
    expect((await client.get('http://api.localhost/')).status).toBe(404)
  })

  it('test_host_matching_building: relative on the same host, absolute across hosts; the scheme follows the request', async () => {
    const app = makeApp({ hostMatching: true })
    app.get('/', { host: 'www.domain.com' }, function index() { return urlFor('foo') })
    app.get('/', { host: 'my.domain.com' }, function foo() { return [urlFor('foo'), urlFor('index')].join(' ') })
    const client = app.testClient()
    expect((await client.get('http://www.domain.com/')).text).toBe('http://my.domain.com/')
    expect((await client.get('https://my.domain.com/')).text).toBe('/ https://www.domain.com/')
    expect((await client.get('http://other.com/')).status).toBe(404)
  })

  it('test_server_name_casing and test_external_building_with_port: the host is compared without case, a custom port kept', async () => {
    const app = makeApp({ subdomainMatching: true })
    app.config.SERVER_NAME = 'example.com:5000'
    app.get('/', { subdomain: 'foo' }, function index() { return urlFor('index', {}, { _external: true }) })
    const client = app.testClient()
    expect((await client.get('/', { baseUrl: 'http://FOO.EXAMPLE.COM:5000/' })).text).toBe('http://foo.example.com:5000/')
    expect((await client.get('/', { baseUrl: 'http://127.0.0.1:5000/' })).status).toBe(404)
  })

  it('a canonical redirect onto another subdomain is absolute', async () => {
    const app = makeApp({ subdomainMatching: true })
    app.config.SERVER_NAME = 'localhost'
    const view = ({ foo }: { foo: number }): string => String(foo)
    app.get('/', { defaults: { foo: 42 }, subdomain: 'test', endpoint: 'foo' }, view)
    app.get('/<int:foo>', { subdomain: 'other', endpoint: 'foo' }, view)
    const res = await app.testClient().get('http://other.localhost/42')
    expect([res.status, res.location]).toEqual([308, 'http://test.localhost/'])
  })

  it('automatic OPTIONS answers with the methods of the rules on the request\'s domain', async () => {
    const app = makeApp({ subdomainMatching: true })
    app.config.SERVER_NAME = 'example.com'
    app.route('/x', { subdomain: 'api', methods: ['GET', 'POST'] }, function x() { return '' })
    app.get('/x', function plain() { return '' })
    const client = app.testClient()
    expect((await client.options('/x', { subdomain: 'api' })).headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST')
    expect((await client.options('/x')).headers.get('allow')).toBe('GET, HEAD, OPTIONS')
  })
})
