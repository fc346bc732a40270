/**
 * App and Blueprint registry: route helpers, endpoints, blueprints (nested,
 * registered twice), and the setup-finished guard.
 */
import { describe, expect, it } from 'vitest'
import { Blueprint, RuleError, request, urlFor } from '../../src/index.ts'
import { makeApp } from './helpers.ts'

describe('route registration', () => {
  it('route/get/post/put/patch/delete/addUrlRule register views with their methods', async () => {
    const app = makeApp()
    app.route('/r', { methods: ['GET', 'POST'] }, function r() { return `r ${request.method}` })
    app.get('/g', function g() { return 'g' })
    app.post('/p', function p() { return 'p' })
    app.put('/u', function u() { return 'u' })
    app.patch('/pa', function pa() { return 'pa' })
    app.delete('/d', function d() { return 'd' })
    app.addUrlRule('/a', 'added', () => 'a', { methods: ['GET'] })
    const c = app.testClient()
    expect((await c.get('/r')).text).toBe('r GET')
    expect((await c.post('/r')).text).toBe('r POST')
    expect((await c.get('/g')).text).toBe('g')
    expect((await c.post('/p')).text).toBe('p')
    expect((await c.put('/u')).text).toBe('u')
    expect((await c.patch('/pa')).text).toBe('pa')
    expect((await c.delete('/d')).text).toBe('d')
    expect((await c.get('/a')).text).toBe('a')
    expect((await c.get('/p')).status).toBe(405)
    expect((await c.post('/g')).status).toBe(405)
    expect(Object.keys(app.viewFunctions).sort()).toEqual(['added', 'd', 'g', 'p', 'pa', 'r', 'u'])
  })

  it('the endpoint is the function name, or the endpoint option', () => {
    const app = makeApp()
    app.get('/', function index() { return 'i' })
    app.get('/x', { endpoint: 'other' }, function named() { return 'x' })
    const arrow = () => 'arrow'
    app.get('/arrow', arrow)
    app.testRequestContext('/', {}, () => {
      expect(urlFor('index')).toBe('/')
      expect(urlFor('other')).toBe('/x')
      expect(urlFor('arrow')).toBe('/arrow')
    })
    expect(app.viewFunctions.named).toBeUndefined()
  })

  it('an anonymous view without an endpoint is a clear error', () => {
    const app = makeApp()
    expect(() => app.get('/', (() => () => 'x')())).toThrow(/anonymous function.*endpoint/s)
    const bp = new Blueprint('bp', import.meta.url)
    expect(() => bp.get('/', (() => () => 'x')())).not.toThrow() // deferred
    expect(() => app.register(bp)).toThrow(/anonymous function.*endpoint/s)
  })

  it('a duplicate endpoint with another view is an error; the same view twice is fine', () => {
    const app = makeApp()
    function index() { return 'i' }
    app.get('/', index)
    app.get('/index', index)
    expect(() => app.get('/other', { endpoint: 'index' }, function other() { return 'o' })).toThrow(
      /overwriting an existing endpoint function: index/,
    )
  })

  it('get() refuses methods; route() needs a view function', () => {
    const app = makeApp()
    expect(() => app.get('/', { methods: ['POST'] } as never, function x() { return '' })).toThrow(/Use route\(\)/)
    expect(() => (app.route as (r: string, o: object) => void)('/', {})).toThrow(/view function/)
  })
})

describe('blueprints', () => {
  it('endpoints are bp.name, rules get the urlPrefix, .name is relative', async () => {
    const app = makeApp()
    const auth = new Blueprint('auth', import.meta.url, { urlPrefix: '/auth' })
    auth.get('/login', function login() { return urlFor('.logout') })
    auth.get('/logout', function logout() { return 'bye' })
    app.register(auth)
    const c = app.testClient()
    const res = await c.get('/auth/login')
    expect(res.text).toBe('/auth/logout')
    expect(res.request.endpoint).toBe('auth.login')
    expect(res.request.blueprint).toBe('auth')
  })

  it('nested blueprints join prefixes and names', async () => {
    const app = makeApp()
    const api = new Blueprint('api', import.meta.url, { urlPrefix: '/api' })
    const users = new Blueprint('users', import.meta.url, { urlPrefix: '/users' })
    users.get('/<int:id>', function show({ id }) {
      return { id, endpoint: request.endpoint, blueprints: request.blueprints, url: urlFor('.show', { id: id + 1 }) }
    })
    api.register(users)
    app.register(api, { urlPrefix: '/v1' })
    const res = await app.testClient().get('/v1/users/7')
    expect(res.json).toEqual({ id: 7, endpoint: 'api.users.show', blueprints: ['api.users', 'api'], url: '/v1/users/8' })
  })

  it('a nested blueprint without a prefix uses the parent prefix', async () => {
    const app = makeApp()
    const parent = new Blueprint('parent', import.meta.url, { urlPrefix: '/p' })
    const child = new Blueprint('child', import.meta.url)
    child.get('/c', function c() { return 'child' })
    parent.register(child)
    app.register(parent)
    expect((await app.testClient().get('/p/c')).text).toBe('child')
  })

  it('registers one blueprint twice under another name; the same name twice is an error', async () => {
    const app = makeApp()
    const bp = new Blueprint('bp', import.meta.url, { urlPrefix: '/one' })
    bp.get('/hello', function hello() { return `${request.endpoint} ${urlFor('.hello')}` })
    app.register(bp)
    app.register(bp, { name: 'bp2', urlPrefix: '/two' })
    const c = app.testClient()
    expect((await c.get('/one/hello')).text).toBe('bp.hello /one/hello')
    expect((await c.get('/two/hello')).text).toBe('bp2.hello /two/hello')

    const app2 = makeApp()
    app2.register(bp)
    expect(() => app2.register(bp)).toThrow(/'bp' is already registered for this blueprint.*'name' option/s)
    const other = new Blueprint('bp', import.meta.url)
    expect(() => app2.register(other)).toThrow(/already registered for a different blueprint/)
  })

  it('a parent registered twice registers its nested blueprints under both names', async () => {
    const app = makeApp()
    const parent = new Blueprint('parent', import.meta.url, { urlPrefix: '/p' })
    const child = new Blueprint('child', import.meta.url, { urlPrefix: '/c' })
    let hits = 0
    child.beforeRequest(() => { hits++ })
    child.get('/', function x() { return { e: request.endpoint, u: urlFor('.x') } })
    parent.register(child)
    app.register(parent)
    app.register(parent, { name: 'p2', urlPrefix: '/p2' })
    const c = app.testClient()
    expect((await c.get('/p/c/')).json).toEqual({ e: 'parent.child.x', u: '/p/c/' })
    expect((await c.get('/p2/c/')).json).toEqual({ e: 'p2.child.x', u: '/p2/c/' })
    expect(hits).toBe(2)
  })

  it('blueprint names may not contain dots; a blueprint cannot register itself', () => {
    expect(() => new Blueprint('a.b', import.meta.url)).toThrow(/dot/)
    const bp = new Blueprint('a', import.meta.url)
    expect(() => bp.register(bp)).toThrow(/itself/)
    expect(() => bp.get('/', { endpoint: 'x.y' }, function v() { return '' })).toThrow(/dot/)
  })

  it('record/recordOnce run at registration with the setup state', () => {
    const app = makeApp()
    const bp = new Blueprint('bp', import.meta.url, { urlPrefix: '/bp' })
    const seen: string[] = []
    bp.record((s) => seen.push(`record ${s.name} ${s.urlPrefix} ${s.firstRegistration}`))
    bp.recordOnce((s) => seen.push(`once ${s.name}`))
    app.register(bp)
    app.register(bp, { name: 'again', urlPrefix: '/again' })
    expect(seen).toEqual(['record bp /bp true', 'once bp', 'record again /again false'])
  })

  it('blueprint urlDefaults fill view arguments', async () => {
    const app = makeApp()
    const bp = new Blueprint('bp', import.meta.url, { urlPrefix: '/bp', urlDefaults: { lang: 'en' } })
    bp.get('/', function home(args) { return args })
    app.register(bp)
    expect((await app.testClient().get('/bp/')).json).toEqual({ lang: 'en' })
  })
})

describe('the setup-finished guard', () => {
  it('adding a route or a hook after the first request throws and says why', async () => {
    const app = makeApp()
    app.get('/', function index() { return 'i' })
    await app.testClient().get('/')
    expect(app.gotFirstRequest).toBe(true)
    expect(() => app.get('/late', function late() { return 'l' })).toThrow(
      /setup method 'addUrlRule' can no longer be called on the application.*already handled its first request/s,
    )
    expect(() => app.beforeRequest(() => {})).toThrow(/'beforeRequest'/)
    expect(() => app.errorHandler(404, () => 'x')).toThrow(/'errorHandler'/)
    expect(() => app.register(new Blueprint('late', import.meta.url))).toThrow(/'register'/)
  })

  it('a registered blueprint refuses new routes and hooks', () => {
    const app = makeApp()
    const bp = new Blueprint('bp', import.meta.url)
    bp.get('/', function index() { return 'i' })
    app.register(bp)
    expect(() => bp.get('/late', function late() { return 'l' })).toThrow(
      /setup method 'addUrlRule' can no longer be called on the blueprint 'bp'.*already been registered/s,
    )
    expect(() => bp.beforeRequest(() => {})).toThrow(/'beforeRequest'.*blueprint 'bp'/s)
  })

  it('serving over HTTP also ends setup', async () => {
    const app = makeApp()
    app.get('/', function index() { return 'i' })
    const srv = await app.run({ port: 0, announce: false })
    await srv.close()
    expect(() => app.get('/late', function late() { return 'l' })).toThrow(/first request/)
  })
})

describe('a refused rule', () => {
  it('leaves nothing registered, so the corrected rule is accepted', async () => {
    const app = makeApp()
    expect(() =>
      app.get('/items/<int:id', function item() {
        return 'never registered'
      }),
    ).toThrow(RuleError)
    expect(app.viewFunctions.item).toBeUndefined()
    expect([...app.urlMap.rules()].map((r) => r.rule)).toEqual([])
    app.get('/items/<int:id>', function item({ id }) {
      return { id }
    })
    expect((await app.testClient().get('/items/3')).json).toEqual({ id: 3 })
  })
})
