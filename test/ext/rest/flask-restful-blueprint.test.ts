/**
 * Flask-RESTful's tests/test_api_with_blueprint.py, ported by meaning
 * (checks of private helpers such as `_has_fr_route` become checks of the
 * responses: problem details for the Api's requests, HTML for the others).
 * Not ported: test_url_part_order_aeb (`url_part_order` is not supported).
 * test_add_resource_endpoint_after_registration differs on purpose: a
 * blueprint refuses changes once registered (Flask 2.3+), so it is a clear
 * error here.
 */
import { describe, expect, it } from 'vitest'
import { Blueprint, abort, request } from 'phial'
import { Api, Resource } from 'phial/rest'
import { makeApp } from './helpers.ts'

class HelloWorld extends Resource {
  get() {
    return { endpoint: request.endpoint }
  }
}

class GoodbyeWorld extends Resource {
  constructor(readonly err: number) {
    super()
  }
  get() {
    abort(this.err)
  }
}

const isProblem = (res: { mimetype: string | null }) => res.mimetype === 'application/problem+json'

describe("Flask-RESTful's test_api_with_blueprint.py", () => {
  it('test_api_base', () => {
    const blueprint = new Blueprint('test', import.meta.url)
    const api = new Api(blueprint)
    makeApp().register(blueprint)
    expect(api.prefix).toBe('')
    expect(api.defaultMediatype).toBe('application/json')
    expect(api.blueprint).toBe(blueprint)
  })

  it('test_api_delayed_initialization', async () => {
    const blueprint = new Blueprint('test', import.meta.url)
    const api = new Api()
    api.initApp(blueprint)
    api.addResource(HelloWorld, '/', { endpoint: 'hello' })
    const app = makeApp()
    app.register(blueprint)
    expect((await app.testClient().get('/')).json).toEqual({ endpoint: 'test.hello' })
  })

  it('test_add_resource_endpoint', () => {
    const blueprint = new Blueprint('test', import.meta.url)
    const api = new Api(blueprint)
    api.addResource(HelloWorld, '/foo', { endpoint: 'bar' })
    const app = makeApp()
    app.register(blueprint)
    expect(app.viewFunctions['test.bar']).toBeDefined()
    expect(app.urlMap.iterRules('test.bar').map((r) => r.rule)).toEqual(['/foo'])
  })

  it('test_add_resource_endpoint_after_registration (differs: a clear error)', () => {
    const blueprint = new Blueprint('test', import.meta.url)
    const api = new Api(blueprint)
    makeApp().register(blueprint)
    expect(() => api.addResource(HelloWorld, '/foo', { endpoint: 'bar' })).toThrow(/already been registered/)
  })

  const endpointAt = async (bp: Blueprint, path: string, prefix?: string, register: { urlPrefix?: string } = {}) => {
    const api = new Api(bp, prefix === undefined ? {} : { prefix })
    api.addResource(HelloWorld, '/hi', { endpoint: 'hello' })
    const app = makeApp()
    app.register(bp, register)
    return (await app.testClient().get(path)).json?.endpoint
  }

  it('test_url_with_api_prefix', async () => {
    expect(await endpointAt(new Blueprint('test', import.meta.url), '/api/hi', '/api')).toBe('test.hello')
  })

  it('test_url_with_blueprint_prefix', async () => {
    expect(await endpointAt(new Blueprint('test', import.meta.url, { urlPrefix: '/bp' }), '/bp/hi')).toBe('test.hello')
  })

  it('test_url_with_registration_prefix', async () => {
    expect(await endpointAt(new Blueprint('test', import.meta.url), '/reg/hi', undefined, { urlPrefix: '/reg' })).toBe('test.hello')
  })

  it('test_registration_prefix_overrides_blueprint_prefix', async () => {
    expect(await endpointAt(new Blueprint('test', import.meta.url, { urlPrefix: '/bp' }), '/reg/hi', undefined, { urlPrefix: '/reg' })).toBe('test.hello')
  })

  it('test_url_with_api_and_blueprint_prefix', async () => {
    expect(await endpointAt(new Blueprint('test', import.meta.url, { urlPrefix: '/bp' }), '/bp/api/hi', '/api')).toBe('test.hello')
  })

  it('test_error_routing', async () => {
    const blueprint = new Blueprint('test', import.meta.url)
    const api = new Api(blueprint)
    api.addResource(HelloWorld, '/hi', { endpoint: 'hello' })
    api.addResource(GoodbyeWorld, '/bye', { endpoint: 'bye', resourceClassArgs: [404] })
    const app = makeApp()
    app.register(blueprint)
    const client = app.testClient()
    const post = await client.post('/hi')
    expect([post.status, isProblem(post)]).toEqual([405, true])
    const bye = await client.get('/bye')
    expect([bye.status, isProblem(bye)]).toEqual([404, true])
  })

  it('test_non_blueprint_rest_error_routing', async () => {
    const blueprint = new Blueprint('test', import.meta.url)
    const api = new Api(blueprint)
    api.addResource(HelloWorld, '/hi', { endpoint: 'hello' })
    api.addResource(GoodbyeWorld, '/bye', { endpoint: 'bye', resourceClassArgs: [404] })
    const app = makeApp()
    app.register(blueprint, { urlPrefix: '/blueprint' })
    const api2 = new Api(app)
    api2.addResource(HelloWorld, '/hi', { endpoint: 'hello' })
    api2.addResource(GoodbyeWorld, '/bye', { endpoint: 'bye', resourceClassArgs: [404] })
    const client = app.testClient()
    for (const path of ['/hi', '/blueprint/hi']) {
      const res = await client.post(path)
      expect([path, res.status, isProblem(res)]).toEqual([path, 405, true])
    }
    for (const path of ['/bye', '/blueprint/bye']) {
      const res = await client.get(path)
      expect([path, res.status, isProblem(res)]).toEqual([path, 404, true])
    }
    expect((await client.get('/hi')).json.endpoint).toBe('hello')
    expect((await client.get('/blueprint/hi')).json.endpoint).toBe('test.hello')
  })

  it('test_non_blueprint_non_rest_error_routing', async () => {
    const blueprint = new Blueprint('test', import.meta.url)
    const api = new Api(blueprint)
    api.addResource(HelloWorld, '/hi', { endpoint: 'hello' })
    api.addResource(GoodbyeWorld, '/bye', { endpoint: 'bye', resourceClassArgs: [404] })
    const app = makeApp()
    app.register(blueprint, { urlPrefix: '/blueprint' })
    app.get('/hi', function hi() {
      return 'hi'
    })
    app.get('/bye', function bye() {
      abort(404)
    })
    const client = app.testClient()
    const plainPost = await client.post('/hi')
    expect([plainPost.status, isProblem(plainPost)]).toEqual([405, false])
    const restPost = await client.post('/blueprint/hi')
    expect([restPost.status, isProblem(restPost)]).toEqual([405, true])
    const plainBye = await client.get('/bye')
    expect([plainBye.status, isProblem(plainBye)]).toEqual([404, false])
    const restBye = await client.get('/blueprint/bye')
    expect([restBye.status, isProblem(restBye)]).toEqual([404, true])
  })
})
