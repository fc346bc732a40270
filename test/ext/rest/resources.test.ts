/**
 * Api and Resource: the meaning of Flask-RESTful's tests (test_api.py) —
 * return values, endpoints, several URLs, decorators, urlFor,
 * representations, errors as JSON inside the Api and HTML outside.
 */
import { describe, expect, it } from 'vitest'
import { Blueprint, HeaderMap, Response, abort, makeResponse, request, urlFor, type View as ViewFunction } from 'phial'
import { Api, Resource } from 'phial/rest'
import { makeApp } from './helpers.ts'

class HelloWorld extends Resource {
  get() {
    return { hello: 'world' }
  }
}

describe('resources', () => {
  it('serves a resource as JSON (Flask-RESTful quick start)', async () => {
    const app = makeApp()
    const api = new Api(app)
    api.addResource(HelloWorld, '/')
    const res = await app.testClient().get('/')
    expect(res.status).toBe(200)
    expect(res.mimetype).toBe('application/json')
    expect(res.json).toEqual({ hello: 'world' })
    expect(app.viewFunctions.helloworld).toBeDefined()
  })

  it('reads data, [data, status] and [data, status, headers]', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Todo1 extends Resource {
      get() {
        return { task: 'Hello world' }
      }
    }
    class Todo2 extends Resource {
      get() {
        return [{ task: 'Hello world' }, 201]
      }
    }
    class Todo3 extends Resource {
      get() {
        return [{ task: 'Hello world' }, 201, { Etag: 'some-opaque-string' }]
      }
      put() {
        return [{ task: 'x' }, 200, new HeaderMap({ 'X-Map': '1' })]
      }
    }
    api.addResource(Todo1, '/todo1')
    api.addResource(Todo2, '/todo2')
    api.addResource(Todo3, '/todo3')
    const client = app.testClient()
    expect((await client.get('/todo1')).status).toBe(200)
    const r2 = await client.get('/todo2')
    expect([r2.status, r2.json]).toEqual([201, { task: 'Hello world' }])
    const r3 = await client.get('/todo3')
    expect([r3.status, r3.headers.get('etag'), r3.json]).toEqual([201, 'some-opaque-string', { task: 'Hello world' }])
    expect((await client.put('/todo3')).headers.get('x-map')).toBe('1')
  })

  it('sends a returned Response as is, and a JSON list as a list', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Raw extends Resource {
      get() {
        return new Response('plain', { mimetype: 'text/plain' })
      }
      post() {
        return [[1, 2, 3], 200]
      }
    }
    api.addResource(Raw, '/raw')
    const client = app.testClient()
    expect((await client.get('/raw')).text).toBe('plain')
    expect((await client.post('/raw')).json).toEqual([1, 2, 3])
  })

  it('adds a resource at several URLs under one endpoint, with a prefix, and builds URLs to it', async () => {
    const app = makeApp()
    const api = new Api(app, { prefix: '/api' })
    class Item extends Resource {
      get({ id }: { id?: number }) {
        return { id: id ?? null, url: api.urlFor(Item, { id: 5 }), plain: urlFor('item', { id: 6 }) }
      }
    }
    api.addResource(Item, '/items', '/items/<int:id>', { endpoint: 'item' })
    const client = app.testClient()
    expect((await client.get('/api/items/3')).json).toEqual({ id: 3, url: '/api/items/5', plain: '/api/items/6' })
    expect((await client.get('/api/items')).json.id).toBeNull()
    expect(() => api.addResource(HelloWorld, '/x', { endpoint: 'item' })).toThrow(/already set to the class Item/)
  })

  it('takes constructor arguments (resourceClassArgs)', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Greeter extends Resource {
      constructor(readonly greeting: string) {
        super()
      }
      get() {
        return { message: `${this.greeting}!` }
      }
    }
    api.addResource(Greeter, '/greet', { resourceClassArgs: ['Howdy'] })
    expect((await app.testClient().get('/greet')).json).toEqual({ message: 'Howdy!' })
  })

  it('builds one instance for all requests by default (handlers made once), or one per request when asked', async () => {
    const app = makeApp()
    const api = new Api(app)
    let shared = 0
    let perRequest = 0
    class Shared extends Resource {
      constructor() {
        super()
        shared += 1
      }
      get = this.validate({}, () => ({ n: shared }))
    }
    class Fresh extends Resource {
      static override initEveryRequest = true
      constructor() {
        super()
        perRequest += 1
      }
      get = this.validate({}, () => ({ n: perRequest }))
    }
    api.addResource(Shared, '/shared')
    api.addResource(Fresh, '/fresh')
    const client = app.testClient()
    await client.get('/shared')
    expect((await client.get('/shared')).json).toEqual({ n: 1 })
    expect((await client.get('/fresh')).json).toEqual({ n: 2 })
    expect((await client.get('/fresh')).json).toEqual({ n: 3 })
  })

  it('says why when a resource cannot be constructed outside a request', () => {
    const api = new Api(makeApp())
    class NeedsRequest extends Resource {
      readonly path = request.path
      get() {
        return {}
      }
    }
    expect(() => api.addResource(NeedsRequest, '/x')).toThrow(/NeedsRequest: creating one instance to find its handlers failed/)
  })

  it('registers resources added before initApp (factory pattern) and with the decorator form', async () => {
    const api = new Api()
    api.addResource(HelloWorld, '/hello')
    api.resource('/bye')(
      class Bye extends Resource {
        get() {
          return { bye: true }
        }
      },
    )
    const app = makeApp()
    api.route('/pets', { endpoint: 'pets' })(
      class Pets extends Resource {
        get() {
          return []
        }
      },
    )
    api.initApp(app)
    const client = app.testClient()
    expect((await client.get('/pets')).json).toEqual([])
    expect((await client.get('/hello')).json).toEqual({ hello: 'world' })
    expect((await client.get('/bye')).json).toEqual({ bye: true })
  })

  it('applies the Api’s decorators, the resource’s decorators and its methodDecorators (list and per method)', async () => {
    const app = makeApp()
    const calls: string[] = []
    const tag =
      (label: string) =>
      (view: ViewFunction<never>): ViewFunction<never> =>
        function tagged(args, ctx) {
          calls.push(label)
          return view(args, ctx)
        }
    const api = new Api(app, { decorators: [tag('api')] })
    class Guarded extends Resource {
      static override decorators = [tag('class')]
      static override methodDecorators = { get: [tag('get-only')] }
      get() {
        return { ok: true }
      }
      post() {
        return { ok: true }
      }
    }
    class AllMethods extends Resource {
      static override methodDecorators = [
        (view: ViewFunction<never>): ViewFunction<never> =>
          (args, ctx) =>
            request.headers.get('x-token') === 'secret' ? view(args, ctx) : abort(401),
      ]
      get() {
        return { secret: 42 }
      }
    }
    api.addResource(Guarded, '/guarded')
    api.addResource(AllMethods, '/secret')
    const client = app.testClient()
    await client.get('/guarded')
    expect(calls).toEqual(['api', 'class', 'get-only'])
    calls.length = 0
    await client.post('/guarded')
    expect(calls).toEqual(['api', 'class'])
    const denied = await client.get('/secret')
    expect(denied.status).toBe(401)
    expect(denied.mimetype).toBe('application/problem+json')
    expect((await client.get('/secret', { headers: { 'X-Token': 'secret' } })).json).toEqual({ secret: 42 })
  })

  it('answers HEAD with GET, OPTIONS with the handlers’ methods, and 405 as problem details', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Thing extends Resource {
      get() {
        return { ok: 1 }
      }
      delete() {
        return ['', 204]
      }
    }
    api.addResource(Thing, '/thing')
    const client = app.testClient()
    const head = await client.head('/thing')
    expect([head.status, head.text]).toEqual([200, ''])
    expect((await client.options('/thing')).headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS')
    const del = await client.delete('/thing')
    expect([del.status, del.text]).toEqual([204, ''])
    const res = await client.post('/thing')
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS')
    expect(res.json).toMatchObject({ type: 'about:blank', title: 'Method Not Allowed', status: 405 })
  })
})

describe('errors as JSON inside the Api, HTML outside', () => {
  function appWithPages() {
    const app = makeApp()
    app.errorHandler(404, () => ['<h1>Our own 404 page</h1>', 404])
    app.get('/page', function page() {
      abort(404)
    })
    const api = new Api(app, { prefix: '/api' })
    class Todo extends Resource {
      get({ id }: { id: number }) {
        if (id !== 1) abort(404, `Todo ${id} doesn't exist`)
        return { id }
      }
      post(): never {
        throw new Error('boom')
      }
    }
    api.addResource(Todo, '/todos/<int:id>')
    return app
  }

  it('abort(404) in a resource is problem details even with an app 404 page', async () => {
    const res = await appWithPages().testClient().get('/api/todos/2')
    expect(res.status).toBe(404)
    expect(res.mimetype).toBe('application/problem+json')
    expect(res.json).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: "Todo 2 doesn't exist" })
  })

  it('a 404 under the prefix that no rule matches is problem details; the app’s pages stay HTML', async () => {
    const app = appWithPages()
    const client = app.testClient()
    const page = await client.get('/page')
    expect(page.text).toBe('<h1>Our own 404 page</h1>')
    const nowhere = await client.get('/nowhere')
    expect(nowhere.text).toBe('<h1>Our own 404 page</h1>')
    const deep = await client.get('/api/nothing/here')
    expect(deep.status).toBe(404)
    // the app's own 404 handler is found first for a URL that matched nothing (a code handler beats a class one)
    expect(deep.text).toBe('<h1>Our own 404 page</h1>')
  })

  it('without an app 404 page, an unmatched URL under the prefix is problem details, elsewhere HTML', async () => {
    const app = makeApp()
    const api = new Api(app, { prefix: '/api' })
    api.addResource(HelloWorld, '/hello')
    const client = app.testClient()
    const api404 = await client.get('/api/missing')
    expect([api404.status, api404.mimetype]).toEqual([404, 'application/problem+json'])
    const html404 = await client.get('/missing')
    expect([html404.status, html404.mimetype]).toEqual([404, 'text/html'])
  })

  it('a 500 in a resource is problem details that say nothing of the error', async () => {
    const res = await appWithPages().testClient().post('/api/todos/1')
    expect(res.status).toBe(500)
    expect(res.mimetype).toBe('application/problem+json')
    expect(res.json.title).toBe('Internal Server Error')
    expect(res.text).not.toContain('boom')
  })

  it('a body over MAX_CONTENT_LENGTH is a 413 problem', async () => {
    const app = makeApp({ MAX_CONTENT_LENGTH: 10 })
    const api = new Api(app)
    class Upload extends Resource {
      post() {
        return { ok: true }
      }
    }
    api.addResource(Upload, '/upload')
    const res = await app.testClient().post('/upload', { json: { data: 'x'.repeat(100) } })
    expect(res.status).toBe(413)
    expect(res.mimetype).toBe('application/problem+json')
  })

  it('works on a blueprint: resources under its prefix and name, errors JSON only there', async () => {
    const app = makeApp()
    const bp = new Blueprint('v1', import.meta.url, { urlPrefix: '/v1' })
    const api = new Api(bp)
    class Ping extends Resource {
      get() {
        return { url: api.urlFor(Ping), endpoint: request.endpoint }
      }
    }
    api.addResource(Ping, '/ping')
    app.register(bp)
    const client = app.testClient()
    expect((await client.get('/v1/ping')).json).toEqual({ url: '/v1/ping', endpoint: 'v1.ping' })
    const missing = await client.get('/v1/nope')
    expect(missing.mimetype).toBe('application/problem+json')
    expect((await client.get('/nope')).mimetype).toBe('text/html')
    expect((await client.put('/v1/ping')).json.status).toBe(405)
  })
})

describe('representations', () => {
  it('answers with the media type the client accepts, JSON by default, 406 without a default', async () => {
    const app = makeApp()
    const api = new Api(app)
    api.representation('text/csv', (data, status, headers) =>
      makeResponse(new Response((data as Array<Record<string, unknown>>).map((r) => Object.values(r).join(',')).join('\n'), { status, headers, mimetype: 'text/csv' })),
    )
    class Rows extends Resource {
      get() {
        return [[{ a: 1, b: 2 }, { a: 3, b: 4 }], 200]
      }
    }
    api.addResource(Rows, '/rows')
    const client = app.testClient()
    expect((await client.get('/rows')).json).toEqual([{ a: 1, b: 2 }, { a: 3, b: 4 }])
    const csv = await client.get('/rows', { headers: { Accept: 'text/csv' } })
    expect([csv.mimetype, csv.text]).toEqual(['text/csv', '1,2\n3,4'])
    expect((await client.get('/rows', { headers: { Accept: 'image/png' } })).mimetype).toBe('application/json')

    const strict = makeApp()
    const strictApi = new Api(strict, { defaultMediatype: null })
    strictApi.addResource(Rows, '/rows')
    const refused = await strict.testClient().get('/rows', { headers: { Accept: 'image/png' } })
    expect(refused.status).toBe(406)
    expect(refused.mimetype).toBe('application/problem+json')
  })

  it('lets a resource add its own representations', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Text extends Resource {
      static override representations = {
        'text/plain': (data: unknown, status: number) => new Response(String((data as { msg: string }).msg), { status, mimetype: 'text/plain' }),
      }
      get() {
        return { msg: 'hi' }
      }
    }
    api.addResource(Text, '/text')
    const res = await app.testClient().get('/text', { headers: { Accept: 'text/plain' } })
    expect(res.text).toBe('hi')
  })
})
