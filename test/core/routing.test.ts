/**
 * Routing through the app (converters, Werkzeug behaviours, HEAD/OPTIONS/405)
 * and urlFor, over the test client and real HTTP.
 */
import { describe, expect, it } from 'vitest'
import {
  BaseConverter,
  Blueprint,
  BuildError,
  ValidationError,
  g,
  request,
  urlFor,
} from '../../src/index.ts'
import { makeApp, rawRequest, withServer } from './helpers.ts'

describe('converters through the app', () => {
  it('default converters and their arguments', async () => {
    const app = makeApp()
    app.get('/s/<name>', function s({ name }) { return { name } })
    app.get('/len/<string(length=2):code>', function len({ code }) { return { code } })
    app.get('/min/<string(minlength=3, maxlength=4):w>', function minlen({ w }) { return { w } })
    app.get('/i/<int:n>', function i({ n }) { return { n } })
    app.get('/r/<int(min=1, max=10):n>', function r({ n }) { return { n } })
    app.get('/y/<int(fixed_digits=4):year>', function y({ year }) { return { year } })
    app.get('/sg/<int(signed=True):n>', function sg({ n }) { return { n } })
    app.get('/f/<float:x>', function f({ x }) { return { x } })
    app.get('/p/<path:rest>', function p({ rest }) { return { rest } })
    app.get('/u/<uuid:id>', function u({ id }) { return { id } })
    app.get('/a/<any(about, help):page>', function a({ page }) { return { page } })
    const c = app.testClient()
    expect((await c.get('/s/bob')).json).toEqual({ name: 'bob' })
    expect((await c.get('/len/fr')).json).toEqual({ code: 'fr' })
    expect((await c.get('/len/fra')).status).toBe(404)
    expect((await c.get('/min/ab')).status).toBe(404)
    expect((await c.get('/min/abcd')).json).toEqual({ w: 'abcd' })
    expect((await c.get('/min/abcde')).status).toBe(404)
    expect((await c.get('/i/42')).json).toEqual({ n: 42 })
    expect((await c.get('/i/-1')).status).toBe(404)
    expect((await c.get('/i/x')).status).toBe(404)
    expect((await c.get('/r/10')).json).toEqual({ n: 10 })
    expect((await c.get('/r/11')).status).toBe(404)
    expect((await c.get('/r/0')).status).toBe(404)
    expect((await c.get('/y/2024')).json).toEqual({ year: 2024 })
    expect((await c.get('/y/24')).status).toBe(404)
    expect((await c.get('/sg/-5')).json).toEqual({ n: -5 })
    expect((await c.get('/f/1.5')).json).toEqual({ x: 1.5 })
    expect((await c.get('/f/1')).status).toBe(404)
    expect((await c.get('/p/a/b/c.txt')).json).toEqual({ rest: 'a/b/c.txt' })
    const id = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f'
    expect((await c.get(`/u/${id}`)).json).toEqual({ id })
    expect((await c.get('/u/not-a-uuid')).status).toBe(404)
    expect((await c.get('/a/help')).json).toEqual({ page: 'help' })
    expect((await c.get('/a/other')).status).toBe(404)
  })

  it('a custom converter registered on app.urlMap.converters', async () => {
    class ListConverter extends BaseConverter {
      override regex = '[^/,]+(?:,[^/,]+)*'
      override toValue(value: string): string[] { return value.split(',') }
      override toUrl(value: unknown): string { return (value as string[]).map(encodeURIComponent).join(',') }
    }
    class EvenConverter extends BaseConverter {
      override regex = '\\d+'
      override toValue(value: string): number {
        const n = Number(value)
        if (n % 2) throw new ValidationError('odd')
        return n
      }
    }
    const app = makeApp()
    app.urlMap.converters.list = ListConverter
    app.urlMap.converters.even = EvenConverter
    app.get('/tags/<list:tags>', function tags({ tags }) { return { tags, url: urlFor('tags', { tags: ['x', 'y z'] }) } })
    app.get('/n/<even:n>', function even({ n }) { return { n } })
    const c = app.testClient()
    expect((await c.get('/tags/a,b,c')).json).toEqual({ tags: ['a', 'b', 'c'], url: '/tags/x,y%20z' })
    expect((await c.get('/n/4')).json).toEqual({ n: 4 })
    expect((await c.get('/n/3')).status).toBe(404)
  })

  it('static parts win over converters, whatever the registration order', async () => {
    const app = makeApp()
    app.get('/user/<name>', function user({ name }) { return `user ${name}` })
    app.get('/user/me', function me() { return 'me' })
    app.get('/n/<path:p>', function anyPath({ p }) { return `path ${p}` })
    app.get('/n/<int:i>', function num({ i }) { return `int ${i}` })
    const c = app.testClient()
    expect((await c.get('/user/me')).text).toBe('me')
    expect((await c.get('/user/bob')).text).toBe('user bob')
    expect((await c.get('/n/5')).text).toBe('int 5')
    expect((await c.get('/n/5/x')).text).toBe('path 5/x')
  })
})

describe('Werkzeug behaviours', () => {
  it('a rule with a trailing slash redirects the slashless URL with 308, keeping the query', async () => {
    const app = makeApp()
    app.get('/docs/', function docs() { return 'docs' })
    app.get('/café/', function cafe() { return 'café' })
    app.get('/strict', { strictSlashes: false }, function loose() { return 'loose' })
    const c = app.testClient()
    const res = await c.get('/docs?page=2&q=a+b')
    expect(res.status).toBe(308)
    expect(res.location).toBe('/docs/?page=2&q=a+b')
    expect((await c.get('/docs', { followRedirects: true })).text).toBe('docs')
    const uni = await c.get('/caf%C3%A9')
    expect(uni.status).toBe(308)
    expect(uni.location).toBe('/caf%C3%A9/')
    expect((await c.get('/caf%C3%A9', { followRedirects: true })).text).toBe('café')
    expect((await c.get('/docs/')).text).toBe('docs')
    expect((await c.get('/strict/')).text).toBe('loose') // strictSlashes: false accepts both
    await withServer(app, async (srv) => {
      const r = await fetch(srv.url + '/docs?x=1', { redirect: 'manual' })
      expect(r.status).toBe(308)
      expect(r.headers.get('location')).toBe('/docs/?x=1')
      const followed = await fetch(srv.url + '/café')
      expect(followed.status).toBe(200)
      expect(await followed.text()).toBe('café')
    })
  })

  it('HEAD answers every GET route: no body, Content-Length present', async () => {
    const app = makeApp()
    app.get('/', function index() { return 'hello world' })
    app.get('/json', function j() { return { a: 1 } })
    const c = app.testClient()
    const head = await c.head('/')
    expect(head.status).toBe(200)
    expect(head.data.length).toBe(0)
    expect(head.request.method).toBe('HEAD')
    await withServer(app, async (srv) => {
      const raw = await rawRequest(srv.port, ['HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
      expect(raw).toMatch(/^HTTP\/1\.1 200/)
      expect(raw).toMatch(/content-length: 11\r\n/i)
      expect(raw.endsWith('\r\n\r\n')).toBe(true)
      const r = await fetch(srv.url + '/json', { method: 'HEAD' })
      expect(r.status).toBe(200)
      expect(r.headers.get('content-length')).toBe('7')
      expect(await r.text()).toBe('')
    })
  })

  it('OPTIONS is automatic with Allow; a wrong method is 405 with Allow', async () => {
    const app = makeApp()
    app.route('/item', { methods: ['GET', 'POST'] }, function item() { return 'item' })
    app.route('/own', { methods: ['OPTIONS'] }, function ownOptions() { return 'mine' })
    app.route('/noauto', { methods: ['GET'], provideAutomaticOptions: false }, function noauto() { return 'x' })
    const c = app.testClient()
    const opt = await c.options('/item')
    expect(opt.status).toBe(200)
    expect(opt.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST')
    expect((await c.options('/own')).text).toBe('mine')
    expect((await c.options('/noauto')).status).toBe(405)
    const bad = await c.delete('/item')
    expect(bad.status).toBe(405)
    expect(bad.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST')
    expect(bad.text).toContain('Method Not Allowed')
    await withServer(app, async (srv) => {
      const r = await fetch(srv.url + '/item', { method: 'PUT' })
      expect(r.status).toBe(405)
      expect(r.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST')
      const o = await fetch(srv.url + '/item', { method: 'OPTIONS' })
      expect(o.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST')
    })
  })

  it('percent-encoded paths are decoded, unicode included', async () => {
    const app = makeApp()
    app.get('/wiki/<title>', function wiki({ title }) { return { title, path: request.path, url: urlFor('wiki', { title }) } })
    const c = app.testClient()
    const res = await c.get('/wiki/caf%C3%A9%20cr%C3%A8me')
    expect(res.json).toEqual({ title: 'café crème', path: '/wiki/café crème', url: '/wiki/caf%C3%A9%20cr%C3%A8me' })
    expect((await c.get('/wiki/%zz')).json.title).toBe('%zz')
    await withServer(app, async (srv) => {
      const r = await fetch(srv.url + '/wiki/日本語')
      expect(((await r.json()) as { title: string }).title).toBe('日本語')
    })
  })

  it('redirectTo (string and function) and defaults', async () => {
    const app = makeApp()
    app.get('/new/<int:id>', function fresh({ id }) { return `new ${id}` })
    app.addUrlRule('/old/<int:id>', 'old', null, { redirectTo: '/new/<id>' })
    app.addUrlRule('/older/<int:id>', 'older', null, { redirectTo: (v) => `/new/${(v.id as number) * 10}` })
    function page({ n }: { n: number }) { return `page ${n}` }
    app.get('/page/', { defaults: { n: 1 } }, page)
    app.get('/page/<int:n>', page)
    const c = app.testClient()
    const r = await c.get('/old/3?x=1')
    expect(r.status).toBe(308)
    expect(r.location).toBe('/new/3?x=1') // the query string is kept, as for the other routing redirects
    expect((await c.get('/old/3', { followRedirects: true })).text).toBe('new 3')
    expect((await c.get('/older/3', { followRedirects: true })).text).toBe('new 30')
    expect((await c.get('/page/')).text).toBe('page 1')
    expect((await c.get('/page/2')).text).toBe('page 2')
    const canon = await c.get('/page/1')
    expect(canon.status).toBe(308)
    expect(canon.location).toBe('/page/')
    app.testRequestContext('/', {}, () => {
      expect(urlFor('page', { n: 1 })).toBe('/page/')
      expect(urlFor('page', { n: 5 })).toBe('/page/5')
    })
  })

  it('an unknown path is a 404 page', async () => {
    const app = makeApp()
    app.get('/', function index() { return 'i' })
    const res = await app.testClient().get('/nope')
    expect(res.status).toBe(404)
    expect(res.mimetype).toBe('text/html')
    expect(res.text).toContain('<h1>Not Found</h1>')
  })
})

describe('urlFor', () => {
  function build() {
    const app = makeApp()
    app.get('/', function index() { return 'i' })
    app.get('/user/<int:id>', function user({ id }) { return { id } })
    app.route('/item', { methods: ['GET'] }, function itemGet() { return '' })
    function items() { return '' }
    app.route('/items/new', { methods: ['POST'], endpoint: 'item' }, items)
    app.route('/items', { methods: ['GET'], endpoint: 'item' }, items)
    return app
  }

  it('checks values against converters and appends unknown values as the query string', () => {
    const app = build()
    app.testRequestContext('/', {}, () => {
      expect(urlFor('user', { id: 42 })).toBe('/user/42')
      expect(urlFor('user', { id: 42, tab: 'a b', tag: ['x', 'y'] })).toBe('/user/42?tab=a+b&tag=x&tag=y')
      expect(() => urlFor('user', { id: 'x' })).toThrow(BuildError)
      expect(() => urlFor('user', {})).toThrow(/id/)
      expect(() => urlFor('usr', {})).toThrow(BuildError)
      try {
        urlFor('usr')
      } catch (e) {
        expect((e as BuildError).suggestions).toContain('user')
      }
    })
  })

  it('_external, _anchor, _method, _scheme', () => {
    const app = build()
    app.testRequestContext('/', { headers: { host: 'example.org:8080' } }, () => {
      expect(urlFor('user', { id: 1 }, { _external: true })).toBe('http://example.org:8080/user/1')
      expect(urlFor('user', { id: 1, _external: true })).toBe('http://example.org:8080/user/1')
      expect(urlFor('index', {}, { _anchor: 'top section' })).toBe('/#top%20section')
      expect(urlFor('item', {}, { _method: 'POST' })).toBe('/items/new')
      expect(urlFor('item', {})).toBe('/items')
      expect(() => urlFor('item', {}, { _method: 'DELETE' })).toThrow(BuildError)
      expect(urlFor('index', {}, { _scheme: 'https' })).toBe('https://example.org:8080/')
      expect(urlFor('index', {}, { _scheme: 'https', _external: true })).toBe('https://example.org:8080/')
      expect(() => urlFor('index', {}, { _scheme: 'https', _external: false })).toThrow(/'_scheme'.*'_external'/)
    })
  })

  it('outside a request: needs SERVER_NAME for external URLs', () => {
    const app = build()
    app.appContext(() => {
      expect(() => urlFor('index')).toThrow(/SERVER_NAME/)
      expect(urlFor('index', {}, { _external: false })).toBe('/')
    })
    app.config.SERVER_NAME = 'example.com'
    app.config.PREFERRED_URL_SCHEME = 'https'
    app.config.APPLICATION_ROOT = '/app'
    app.appContext(() => {
      expect(urlFor('user', { id: 3 })).toBe('https://example.com/app/user/3')
      expect(urlFor('user', { id: 3 }, { _external: false })).toBe('/app/user/3')
    })
    expect(app.urlFor('index')).toBe('https://example.com/app/')
  })

  it('outside any context urlFor says how to get one', () => {
    expect(() => urlFor('index')).toThrow(/app\.appContext/)
  })

  it('urlDefaults and urlValuePreprocessor: the language-code example', async () => {
    const app = makeApp()
    const bp = new Blueprint('frontend', import.meta.url, { urlPrefix: '/<lang_code>' })
    bp.urlDefaults((endpoint, values) => {
      if ('lang_code' in values || !g.get('langCode')) return
      values.lang_code = g.langCode
    })
    bp.urlValuePreprocessor((_endpoint, values) => {
      g.langCode = values?.lang_code
      delete values?.lang_code
    })
    bp.get('/', function index(args) {
      return { args, lang: g.langCode, about: urlFor('.about'), other: urlFor('.about', { lang_code: 'de' }) }
    })
    bp.get('/about', function about() { return `about ${g.langCode}` })
    app.register(bp)
    const c = app.testClient()
    expect((await c.get('/fr/')).json).toEqual({ args: {}, lang: 'fr', about: '/fr/about', other: '/de/about' })
    expect((await c.get('/en/about')).text).toBe('about en')
  })

  it('app-level urlDefaults run for every endpoint', () => {
    const app = makeApp()
    app.get('/<lang>/x', function x() { return '' })
    app.urlDefaults((_e, values) => { values.lang ??= 'en' })
    app.testRequestContext('/', {}, () => expect(urlFor('x')).toBe('/en/x'))
  })
})
