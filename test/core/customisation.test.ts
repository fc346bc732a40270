/**
 * The customisation points extensions attach to (issue 11 item 9), each
 * through the public API, with Flask's and Werkzeug's tests ported where
 * they exist (named in the test titles): tests/test_basic.py,
 * test_helpers.py, test_appctx.py, test_config.py, test_blueprints.py and
 * werkzeug tests/test_routing.py.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  Aborter,
  AppCtxGlobals,
  Blueprint,
  BuildError,
  Config,
  HTTPException,
  NullSession,
  Phial,
  Response,
  Rule,
  Submount,
  Unauthorized,
  UrlMap,
  abort,
  g,
  redirect,
  renderTemplateString,
  session,
  urlFor,
} from '../../src/index.ts'

function tempRoot(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'phial-custom-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true })
    writeFileSync(join(root, name), text)
  }
  return root
}

function quietApp(root = tempRoot(), options = {}): Phial {
  const app = new Phial(join(root, 'app.ts'), { name: 'custom', ...options })
  app.config.LOG_LEVEL = 'silent'
  app.config.SECRET_KEY = 'customisation test secret'
  return app
}

describe('URL building: urlBuildErrorHandlers, injectUrlDefaults, isEndpointExpecting', () => {
  test('test_build_error_handler: no handler raises; a handler supplies the URL', () => {
    const app = quietApp()
    app.testRequestContext('/', () => expect(() => urlFor('spam')).toThrow(BuildError))
    let error: BuildError | null = null
    app.testRequestContext('/', () => {
      try {
        urlFor('spam')
      } catch (err) {
        error = err as BuildError
      }
    })
    expect(() => app.handleUrlBuildError(error!, 'spam', {})).toThrow(error!)
    app.urlBuildErrorHandlers.push(() => '/test_handler/')
    expect(app.testRequestContext('/', () => urlFor('spam'))).toBe('/test_handler/')
  })

  test('test_build_error_handler_reraise: a handler that throws the BuildError lets it out', () => {
    const app = quietApp()
    app.urlBuildErrorHandlers.push((error) => {
      throw error
    })
    app.testRequestContext('/', () => expect(() => urlFor('not.existing')).toThrow(BuildError))
  })

  test('a handler returning null passes to the next; a BuildError it throws is what the next sees', () => {
    const app = quietApp()
    const seen: string[] = []
    app.urlBuildErrorHandlers.push((error) => {
      seen.push(error.message.slice(0, 20))
      throw new BuildError('replaced', 'docs', {})
    })
    app.urlBuildErrorHandlers.push((error) => {
      seen.push(error.message)
      return null
    })
    app.urlBuildErrorHandlers.push((_error, endpoint) => (endpoint === 'docs' ? 'https://docs.example.com/' : null))
    expect(app.testRequestContext('/', () => urlFor('docs'))).toBe('https://docs.example.com/')
    expect(seen[1]).toContain('replaced')
    app.testRequestContext('/', () => expect(() => urlFor('other')).toThrow(/replaced/))
  })

  test('test_url_for_passes_special_values_to_build_error_handler', () => {
    const app = quietApp()
    let values: Record<string, unknown> = {}
    app.urlBuildErrorHandlers.push((_e, _endpoint, v) => {
      values = v
      return 'handled'
    })
    expect(app.testRequestContext('/', () => urlFor('/'))).toBe('handled')
    expect(values).toEqual({ _external: false, _anchor: undefined, _method: undefined, _scheme: undefined })
  })

  test('test_inject_blueprint_url_defaults: app.injectUrlDefaults runs the blueprint\'s urlDefaults', () => {
    const app = quietApp()
    const bp = new Blueprint('foo')
    bp.urlDefaults((_endpoint, values) => {
      values.page = 'login'
    })
    bp.get('/<page>', function view() {
      return ''
    })
    app.register(bp)
    const values: Record<string, unknown> = {}
    app.injectUrlDefaults('foo.view', values)
    expect(values).toEqual({ page: 'login' })
    expect(app.testRequestContext('/somepage', () => urlFor('foo.view'))).toBe('/login')
  })

  test('injectUrlDefaults can be overridden: urlFor calls the app\'s', () => {
    class MyApp extends Phial {
      override injectUrlDefaults(endpoint: string, values: Record<string, unknown>): void {
        super.injectUrlDefaults(endpoint, values)
        values.v ??= '2'
      }
    }
    const app = new MyApp(join(tempRoot(), 'app.ts'))
    app.get('/', function index() { return '' })
    expect(app.testRequestContext('/', () => urlFor('index'))).toBe('/?v=2')
  })

  test('test_url_processors: isEndpointExpecting in a urlDefaults function', async () => {
    const app = quietApp()
    app.urlDefaults((endpoint, values) => {
      if (g.lang_code != null && app.urlMap.isEndpointExpecting(endpoint, 'lang_code')) values.lang_code ??= g.lang_code
    })
    app.urlValuePreprocessor((_endpoint, values) => {
      g.lang_code = values?.lang_code ?? null
      if (values) delete values.lang_code
    })
    app.get('/<lang_code>/', function index() { return urlFor('about') })
    app.get('/<lang_code>/about', function about() { return urlFor('something_else') })
    app.get('/foo', function something_else() { return urlFor('about', { lang_code: 'en' }) })
    const client = app.testClient()
    expect((await client.get('/de/')).text).toBe('/de/about')
    expect((await client.get('/de/about')).text).toBe('/foo')
    expect((await client.get('/foo')).text).toBe('/en/about')
  })

  test('isEndpointExpecting: variables and defaults count; unknown endpoints expect nothing', () => {
    const map = new UrlMap()
    map.add(new Rule('/page/<int:n>', { endpoint: 'page' }))
    map.add(new Rule('/', { endpoint: 'page', defaults: { n: 1, size: 10 } }))
    expect(map.isEndpointExpecting('page', 'n')).toBe(true)
    expect(map.isEndpointExpecting('page', 'n', 'size')).toBe(true)
    expect(map.isEndpointExpecting('page', 'lang')).toBe(false)
    expect(map.isEndpointExpecting('nope')).toBe(false)
  })
})

describe('routing: Rule alias, Submount and app.endpoint', () => {
  test('test_alias_redirects (werkzeug): an alias redirects to the URL the endpoint builds', () => {
    const map = new UrlMap()
    for (const rule of [
      new Rule('/', { endpoint: 'index' }),
      new Rule('/index.html', { endpoint: 'index', alias: true }),
      new Rule('/users/', { defaults: { page: 1 }, endpoint: 'users' }),
      new Rule('/users/index.html', { defaults: { page: 1 }, alias: true, endpoint: 'users' }),
      new Rule('/users/page/<int:page>', { endpoint: 'users' }),
      new Rule('/users/page-<int:page>.html', { alias: true, endpoint: 'users' }),
    ]) map.add(rule)
    const location = (path: string): unknown => {
      const r = map.match(path, 'GET')
      return r.kind === 'redirect' ? r.location : r.kind
    }
    expect(location('/index.html')).toBe('/')
    expect(location('/users/index.html')).toBe('/users/')
    expect(location('/users/page-2.html')).toBe('/users/page/2')
    expect(location('/users/page-1.html')).toBe('/users/')
    expect(map.build('index')).toBe('/')
    expect(map.build('users', { page: 1 })).toBe('/users/')
    expect(map.build('users', { page: 2 })).toBe('/users/page/2')
  })

  test('an alias redirect keeps the query string; an endpoint with only an alias rule matches it', async () => {
    const app = quietApp()
    app.get('/users/', { defaults: { page: 1 } }, function users({ page }) { return `page ${page}` })
    app.urlMap.add(new Rule('/users/page-<int:page>.html', { alias: true, endpoint: 'users', methods: ['GET'] }))
    app.urlMap.add(new Rule('/only-alias', { alias: true, endpoint: 'lonely', methods: ['GET'] }))
    app.endpoint('lonely', function lonely() { return 'lonely' })
    const client = app.testClient()
    const res = await client.get('/users/page-1.html?foo=bar')
    expect(res.status).toBe(308)
    expect(res.headers.get('location')).toMatch(/\/users\/\?foo=bar$/)
    expect((await client.get('/only-alias')).text).toBe('lonely')
  })

  test('test_endpoint_decorator: rules from a Submount, views from app.endpoint', async () => {
    const app = quietApp()
    app.urlMap.add(new Submount('/foo', [new Rule('/bar', { endpoint: 'bar' }), new Rule('/', { endpoint: 'index' })]))
    app.endpoint('bar', function bar() { return 'bar' })
    app.endpoint('index')(function index() { return 'index' })
    const client = app.testClient()
    expect((await client.get('/foo/')).text).toBe('index')
    expect((await client.get('/foo/bar')).text).toBe('bar')
  })

  test('Submount: nested, the same templates mounted twice, options kept', () => {
    const map = new UrlMap()
    const rules = [new Rule('/items/<int:id>', { endpoint: 'item', methods: ['POST'], defaults: { fmt: 'json' } })]
    map.add(new Submount('/api/', [new Submount('/v1', rules)]))
    map.add(new Submount('/old', rules))
    const r = map.match('/api/v1/items/3', 'POST')
    expect(r.kind === 'match' && r.args).toEqual({ id: 3, fmt: 'json' })
    expect(map.match('/old/items/3', 'GET').kind).toBe('methodNotAllowed')
    expect(map.rules().map((x) => x.rule)).toEqual(['/api/v1/items/<int:id>', '/old/items/<int:id>'])
    expect(rules[0].map).toBeNull()
  })

  test('test_rule_emptying (werkzeug): a rule made from getEmptyOptions is equal and independent', () => {
    const rule = new Rule('/foo', { defaults: { meh: 'muh' }, endpoint: 'x', methods: ['POST'], strictSlashes: false, alias: true })
    const copy = new Rule(rule.rule, rule.getEmptyOptions())
    for (const key of ['rule', 'endpoint', 'defaults', 'strictSlashes', 'alias', 'redirectTo', 'subdomain', 'host'] as const) {
      expect(copy[key]).toEqual(rule[key])
    }
    expect([...copy.methods!]).toEqual([...rule.methods!])
    expect(copy.methods).not.toBe(rule.methods)
    expect(copy.defaults).not.toBe(rule.defaults)
  })

  test('app.endpoint is a setup method and needs a function', async () => {
    const app = quietApp()
    expect(() => app.endpoint('x', 'nope' as never)).toThrow(/must be a function/)
    app.get('/', function index() { return '' })
    await app.testClient().get('/')
    expect(() => app.endpoint('late', () => '')).toThrow(/can no longer be called/)
  })
})

describe('redirect and abort go through the app', () => {
  test('test_redirect_no_app / test_redirect_with_app: app.redirect replaces every redirect()', async () => {
    const plain = redirect('https://localhost', 307)
    expect(plain.location).toBe('https://localhost')
    expect(plain.status).toBe(307)
    const app = quietApp()
    app.redirect = () => {
      throw new RangeError('custom redirect')
    }
    app.appContext(() => expect(() => redirect('other')).toThrow('custom redirect'))
  })

  test('an overridden redirect (a subclass) is used by views', async () => {
    class SeeOther extends Phial {
      override redirect(location: string, code = 303): Response {
        return super.redirect(location, code === 302 ? 303 : code)
      }
    }
    const app = new SeeOther(join(tempRoot(), 'app.ts'))
    app.post('/form', function form() { return redirect('/done') })
    const res = await app.testClient().post('/form')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/done')
  })

  test('test_abort_no_app: the standard classes; an unknown code is an error', () => {
    expect(() => abort(401)).toThrow(Unauthorized)
    expect(() => abort(900)).toThrow(/No HTTP exception for status 900/)
  })

  test('test_app_aborter_class: aborterClass makes app.aborter', () => {
    class MyAborter extends Aborter {}
    class MyPhial extends Phial {
      static override aborterClass = MyAborter
    }
    const app = new MyPhial(join(tempRoot(), 'app.ts'))
    expect(app.aborter).toBeInstanceOf(MyAborter)
    expect(typeof app.aborter).toBe('function')
  })

  test('test_abort_with_app: a code added to app.aborter.mapping', async () => {
    class My900Error extends HTTPException {
      static override code = 900
      static override description = 'Nine hundred.'
    }
    const app = quietApp()
    app.aborter.mapping.set(900, My900Error)
    app.appContext(() => expect(() => abort(900)).toThrow(My900Error))
    app.get('/', function index() { return abort(900) })
    app.errorHandler(My900Error, (e) => [`handled ${e.code}`, 200])
    expect((await app.testClient().get('/')).text).toBe('handled 900')
    expect(() => abort(900)).toThrow(/No HTTP exception/) // outside the app: Werkzeug's defaults
  })

  test('the aborter keeps abort()\'s rules: a Response, a description, MethodNotAllowed', () => {
    const app = quietApp()
    app.appContext(() => {
      expect(() => app.aborter(new Response('teapot', { status: 418 }))).toThrow(HTTPException)
      try {
        abort(404, 'No such post.')
      } catch (err) {
        expect((err as HTTPException).description).toBe('No such post.')
      }
      expect(() => abort(405)).toThrow(/Method Not Allowed|method/i)
    })
  })
})

describe('static files: sendStaticFile and getSendFileMaxAge on app and blueprint', () => {
  const files = { 'static/index.html': '<h1>Hello World!</h1>', 'bp/static/index.html': '<h1>bp</h1>' }

  test('test_static_file: SEND_FILE_MAX_AGE_DEFAULT by default; an app subclass overrides getSendFileMaxAge', async () => {
    const root = tempRoot(files)
    const app = quietApp(root)
    await app.testRequestContext('/', async () => {
      expect((await app.sendStaticFile('index.html')).headers.get('cache-control')).toBe('no-cache')
      app.config.SEND_FILE_MAX_AGE_DEFAULT = 3600
      expect((await app.sendStaticFile('index.html')).headers.get('cache-control')).toBe('public, max-age=3600')
    })
    class StaticFileApp extends Phial {
      override getSendFileMaxAge(): number {
        return 10
      }
    }
    const custom = new StaticFileApp(join(root, 'app.ts'))
    await custom.testRequestContext('/', async () => {
      expect((await custom.sendStaticFile('index.html')).headers.get('cache-control')).toBe('public, max-age=10')
    })
    expect((await custom.testClient().get('/static/index.html')).headers.get('cache-control')).toBe('public, max-age=10')
  })

  test('test_templates_and_static (blueprints): a blueprint subclass overrides getSendFileMaxAge', async () => {
    class MyBlueprint extends Blueprint {
      override getSendFileMaxAge(): number {
        return 100
      }
    }
    const root = tempRoot(files)
    const app = quietApp(root)
    const bp = new MyBlueprint('blueprint', { rootPath: join(root, 'bp'), staticFolder: 'static', urlPrefix: '/bp' })
    app.register(bp)
    app.config.SEND_FILE_MAX_AGE_DEFAULT = 3600
    await app.testRequestContext('/', async () => {
      const res = await bp.sendStaticFile('index.html')
      expect(res.headers.get('cache-control')).toBe('public, max-age=100')
    })
    const res = await app.testClient().get('/bp/static/index.html')
    expect(res.text).toBe('<h1>bp</h1>')
    expect(res.headers.get('cache-control')).toBe('public, max-age=100')
  })

  test('an overridden sendStaticFile serves /static/; no static folder is an error; traversal stays a 404', async () => {
    class Tagged extends Phial {
      override async sendStaticFile(filename: string): Promise<Response> {
        const res = await super.sendStaticFile(filename)
        res.headers.set('x-static', filename)
        return res
      }
    }
    const app = new Tagged(join(tempRoot(files), 'app.ts'))
    const client = app.testClient()
    expect((await client.get('/static/index.html')).headers.get('x-static')).toBe('index.html')
    expect((await client.get('/static/../app.ts')).status).toBe(404)
    const bare = quietApp(tempRoot(), { staticFolder: null })
    await bare.testRequestContext('/', () => expect(bare.sendStaticFile('x')).rejects.toThrow(/no static folder/))
  })
})

describe('resources, config class, g class, session.setDefault, response.vary', () => {
  for (const mode of ['r', 'rb', 'rt'] as const) {
    test(`test_open_resource: mode ${mode}`, async () => {
      const app = quietApp(tempRoot({ 'static/index.html': '<h1>Hello World!</h1>' }))
      const f = await app.openResource('static/index.html', mode)
      try {
        expect(await f.readFile('utf8')).toContain('<h1>Hello World!</h1>')
      } finally {
        await f.close()
      }
    })
  }

  for (const mode of ['w', 'x', 'a', 'r+'] as const) {
    test(`test_open_resource_exceptions: mode ${mode} is refused`, async () => {
      const app = quietApp(tempRoot({ 'static/index.html': 'x' }))
      await expect(app.openResource('static/index.html', mode)).rejects.toThrow(/only be opened for reading/)
    })
  }

  test('openResource on a blueprint reads beside it; openInstanceResource writes in the instance folder', async () => {
    const root = tempRoot({ 'bp/schema.sql': 'CREATE TABLE t (id int);', 'instance/.keep': '' })
    const app = quietApp(root)
    const bp = new Blueprint('bp', { rootPath: join(root, 'bp') })
    const f = await bp.openResource('schema.sql')
    expect(await f.readFile('utf8')).toBe('CREATE TABLE t (id int);')
    await f.close()
    const w = await app.openInstanceResource('app.cfg', 'w')
    await w.writeFile('DEBUG = false\n')
    await w.close()
    expect(readFileSync(join(root, 'instance', 'app.cfg'), 'utf8')).toBe('DEBUG = false\n')
    await expect(app.openInstanceResource('app.cfg', 'q' as never)).rejects.toThrow(/not a file mode/)
    await expect(app.openResource('missing.txt')).rejects.toThrow(/ENOENT/)
    await expect(new Blueprint('rootless').openResource('x.sql')).rejects.toThrow(/import\.meta\.url/)
  })

  test('test_custom_config_class: configClass makes app.config', () => {
    class MyConfig extends Config {
      get isProduction(): boolean {
        return !this.DEBUG
      }
    }
    class MyPhial extends Phial {
      static override configClass = MyConfig
    }
    const app = new MyPhial(join(tempRoot(), 'app.ts'))
    expect(app.config).toBeInstanceOf(MyConfig)
    app.config.fromMapping({ TEST_KEY: 'foo', SECRET_KEY: 'config' })
    expect(app.config.TEST_KEY).toBe('foo')
    expect((app.config as MyConfig).isProduction).toBe(true)
  })

  test('test_custom_app_ctx_globals_class: g is an instance of appCtxGlobalsClass', async () => {
    const app = quietApp()
    app.appCtxGlobalsClass = class CustomRequestGlobals {
      spam = 'eggs'
    }
    expect(await app.appContext(() => renderTemplateString('{{ g.spam }}'))).toBe('eggs')
    app.appCtxGlobalsClass = class extends AppCtxGlobals {
      spam = 'ham'
    }
    app.appContext(() => {
      expect(g.spam).toBe('ham')
      expect(g.get('spam')).toBe('ham')
    })
  })

  test('session.setDefault: stores once, returns what is there, Vary: Cookie; a NullSession refuses it', async () => {
    const app = quietApp()
    app.get('/setdefault', function setdefault() {
      const first = session.setDefault('test', 'default')
      const again = session.setDefault('test', 'other')
      return `${first} ${again}`
    })
    app.get('/read', function read() { return String(session.get('test')) })
    const client = app.testClient()
    const res = await client.get('/setdefault')
    expect(res.text).toBe('default default')
    expect(res.headers.get('vary')).toBe('Cookie')
    expect(res.headers.get('set-cookie')).toContain('session=')
    expect((await client.get('/read')).text).toBe('default')
    const nothing = new NullSession()
    expect(() => nothing.setDefault('x', 1)).toThrow(/no secret key/)
  })

  test('response.vary: a live set of tokens, case-insensitive, assignable', () => {
    const res = new Response('x')
    expect(res.vary.size).toBe(0)
    res.vary.add('Cookie').add('accept-encoding')
    res.vary.add('cookie')
    expect(res.headers.get('vary')).toBe('Cookie, accept-encoding')
    expect(res.vary.has('COOKIE')).toBe(true)
    expect([...res.vary]).toEqual(['Cookie', 'accept-encoding'])
    expect(res.vary.delete('Accept-Encoding')).toBe(true)
    expect(String(res.vary)).toBe('Cookie')
    res.vary = ['Accept', 'Accept-Language']
    expect(res.headers.get('vary')).toBe('Accept, Accept-Language')
    res.vary.clear()
    expect(res.headers.has('vary')).toBe(false)
    expect(() => res.vary.add('a, b')).toThrow(/not a header token/)
  })
})
