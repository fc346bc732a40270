/**
 * Flask-RESTful's tests/test_api.py, the tests about the Api and Resource
 * (not `fields`/`marshal`, which response schemas replace, nor `reqparse`),
 * ported by meaning. Error bodies are problem details here (`detail`, not
 * `message`); Mock-based checks of private helpers become HTTP checks.
 */
import { describe, expect, it } from 'vitest'
import { Blueprint, HTTPException, NotFound, Response, Unauthorized, abort, makeResponse } from 'phial'
import { Api, ApiError, Resource, unpackReturn, type Representation } from 'phial/rest'
import { makeApp } from './helpers.ts'

class HelloWorld extends Resource {
  get() {
    return {}
  }
}

describe("Flask-RESTful's test_api.py", () => {
  it('test_unpack (a JS array is a tuple only when its second item is a status)', () => {
    expect(unpackReturn('hey')).toEqual(['hey', null, undefined])
    expect(unpackReturn(['hey', 201])).toEqual(['hey', 201, undefined])
    expect(unpackReturn(['hey', 201, 'foo'])).toEqual(['hey', 201, 'foo'])
    expect(unpackReturn(['hey', 'you'])).toEqual([['hey', 'you'], null, undefined])
  })

  it('test_handle_error_does_not_swallow_abort_response', async () => {
    const app = makeApp()
    const api = new Api(app)
    class HelloBombAbort extends Resource {
      get(): never {
        throw new HTTPException(null, { response: makeResponse(['{}', 403]) })
      }
    }
    api.addResource(HelloBombAbort, '/bomb')
    const resp = await app.testClient().get('/bomb')
    expect(resp.status).toBe(403)
    expect(resp.json).toEqual({})
  })

  it('test_handle_error_does_not_swallow_custom_exceptions (ApiError with its own status and fields)', async () => {
    const app = makeApp()
    const api = new Api(app)
    class HelloBomb extends Resource {
      get(): never {
        throw new ApiError(409, { detail: 'go away', title: 'BadMojoError' })
      }
    }
    api.addResource(HelloBomb, '/bomb')
    const resp = await app.testClient().get('/bomb')
    expect(resp.status).toBe(409)
    expect(resp.json).toMatchObject({ status: 409, detail: 'go away', title: 'BadMojoError' })
  })

  it('test_api_representation', () => {
    const api = new Api(makeApp())
    const foo: Representation = () => new Response('')
    api.representation('foo', foo)
    expect(api.representations.foo).toBe(foo)
  })

  it('test_api_base and test_api_prefix', () => {
    const api = new Api(makeApp())
    expect(api.prefix).toBe('')
    expect(api.defaultMediatype).toBe('application/json')
    expect(new Api(makeApp(), { prefix: '/foo' }).prefix).toBe('/foo')
  })

  it('test_api_delayed_initialization', async () => {
    const app = makeApp()
    const api = new Api()
    api.addResource(HelloWorld, '/', { endpoint: 'hello' })
    api.initApp(app)
    expect((await app.testClient().get('/')).status).toBe(200)
  })

  it('test_handle_server_error', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Boom extends Resource {
      get(): never {
        throw new Error('secret detail')
      }
    }
    api.addResource(Boom, '/foo')
    const resp = await app.testClient().get('/foo')
    expect(resp.status).toBe(500)
    expect(resp.json).toMatchObject({ status: 500, title: 'Internal Server Error' })
    expect(resp.text).not.toContain('secret detail')
  })

  it('test_handle_auth: a 401 keeps its WWW-Authenticate challenge', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Private extends Resource {
      get(): never {
        throw new Unauthorized(null, { wwwAuthenticate: 'Basic realm="flask-restful"' })
      }
    }
    api.addResource(Private, '/private')
    const resp = await app.testClient().get('/private')
    expect(resp.status).toBe(401)
    expect(resp.json.detail).toBe(Unauthorized.description)
    expect(resp.headers.get('www-authenticate')).toBe('Basic realm="flask-restful"')
  })

  it('test_handle_api_error', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Test extends Resource {
      get() {
        abort(404)
      }
    }
    api.addResource(Test, '/api', { endpoint: 'api' })
    const resp = await app.testClient().get('/api')
    expect(resp.status).toBe(404)
    expect(resp.headers.get('content-type')).toBe('application/problem+json')
    expect(resp.json.detail).toBe(NotFound.description)
  })

  it('test_handle_non_api_error', async () => {
    const app = makeApp()
    new Api(app)
    const resp = await app.testClient().get('/foo')
    expect(resp.status).toBe(404)
    expect(resp.mimetype).toBe('text/html')
  })

  it('test_non_api_error_404_catchall', async () => {
    const app = makeApp()
    new Api(app, { catchAll404s: true })
    const resp = await app.testClient().get('/foo')
    expect(resp.mimetype).toBe('application/problem+json')
  })

  it('test_media_types_q: the best of the representations for the Accept header', async () => {
    const app = makeApp()
    const api = new Api(app)
    api.representation('application/xml', (data, status) => new Response(`<v>${JSON.stringify(data)}</v>`, { status, mimetype: 'application/xml' }))
    api.addResource(HelloWorld, '/foo')
    const client = app.testClient()
    expect((await client.get('/foo', { headers: { Accept: 'application/json; q=1, application/xml; q=.5' } })).mimetype).toBe('application/json')
    expect((await client.get('/foo', { headers: { Accept: 'application/xml; q=.5' } })).mimetype).toBe('application/xml')
  })

  it('test_decorator: the Api’s decorators wrap the resource views', async () => {
    const app = makeApp()
    const api = new Api(app, { decorators: [() => () => 'decorated'] })
    api.addResource(HelloWorld, '/foo', { endpoint: 'bar' })
    expect((await app.testClient().get('/foo')).text).toBe('decorated')
  })

  it('test_add_resource_endpoint', () => {
    const app = makeApp()
    const api = new Api(app)
    api.addResource(HelloWorld, '/foo', { endpoint: 'bar' })
    expect(app.urlMap.iterRules('bar').map((r) => r.rule)).toEqual(['/foo'])
  })

  it('test_add_two_conflicting_resources_on_same_endpoint', () => {
    const api = new Api(makeApp())
    class Foo1 extends Resource {
      get() {
        return 'foo1'
      }
    }
    class Foo2 extends Resource {
      get() {
        return 'foo2'
      }
    }
    api.addResource(Foo1, '/foo', { endpoint: 'bar' })
    expect(() => api.addResource(Foo2, '/foo/toto', { endpoint: 'bar' })).toThrow(/already set to the class Foo1/)
  })

  it('test_add_the_same_resource_on_same_endpoint', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Foo1 extends Resource {
      get() {
        return 'foo1'
      }
    }
    api.addResource(Foo1, '/foo', { endpoint: 'bar' })
    api.addResource(Foo1, '/foo/toto', { endpoint: 'blah' })
    const client = app.testClient()
    expect((await client.get('/foo')).text).toBe('"foo1"')
    expect((await client.get('/foo/toto')).text).toBe('"foo1"')
  })

  it('test_resource_decorator and test_add_resource_kwargs (defaults)', async () => {
    const app = makeApp()
    const api = new Api(app)
    api.resource('/foo', { endpoint: 'bar', defaults: { bar: 'baz' } })(
      class Foo extends Resource {
        get({ bar }: { bar: string }) {
          return { bar }
        }
      },
    )
    expect((await app.testClient().get('/foo')).json).toEqual({ bar: 'baz' })
  })

  it('test_add_resource_forward_resource_class_parameters', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Foo extends Resource {
      constructor(readonly one: string, readonly options: { secretState: string }) {
        super()
      }
      get() {
        return `${this.one} ${this.options.secretState}`
      }
    }
    api.addResource(Foo, '/foo', { resourceClassArgs: ['wonderful', { secretState: 'slurm' }] })
    expect((await app.testClient().get('/foo')).text).toBe('"wonderful slurm"')
  })

  it('test_output_unpack and test_output_func', async () => {
    const app = makeApp()
    const api = new Api(app)
    app.get('/a', { endpoint: 'a' }, api.output(() => ({ foo: 'bar' })) as never)
    app.get('/b', { endpoint: 'b' }, api.output(() => new Response('')) as never)
    const client = app.testClient()
    expect((await client.get('/a')).text).toBe('{"foo":"bar"}')
    expect((await client.get('/b')).text).toBe('')
  })

  it('test_resource_text_plain', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Foo extends Resource {
      static override representations = { 'text/plain': (data: unknown) => new Response(String(data), { mimetype: 'text/plain' }) }
      get() {
        return 'hello'
      }
    }
    api.addResource(Foo, '/foo')
    expect((await app.testClient().get('/foo', { headers: { Accept: 'text/plain' } })).text).toBe('hello')
  })

  it('test_resource_error and test_resource_head: a method without handler is an error naming it', async () => {
    const app = makeApp({ TESTING: true })
    const api = new Api(app)
    class Empty extends Resource {
      static override methods = ['GET']
    }
    api.addResource(Empty, '/foo')
    await expect(app.testClient().get('/foo')).rejects.toThrow("Unimplemented method 'GET' in Empty")
    await expect(app.testClient().head('/foo')).rejects.toThrow("Unimplemented method 'HEAD' in Empty")
  })

  it('test_abort_data and test_abort_custom_message (ApiError carries extension members)', () => {
    const e = new ApiError(404, { detail: 'no user', foo: 'bar' })
    expect(e).toBeInstanceOf(HTTPException)
    expect(e.problem).toMatchObject({ status: 404, detail: 'no user', foo: 'bar' })
  })

  it('test_url_for and test_url_for_with_blueprint', async () => {
    const app = makeApp()
    const api = new Api(app)
    // under a prefix: both Apis serve /openapi.json, and two rules for one URL are an error (Werkzeug 3.2)
    const bp = new Blueprint('api', import.meta.url, { urlPrefix: '/v1' })
    const bpApi = new Api(bp)
    class Other extends Resource {
      get() {
        return { app: api.urlFor(HelloWorld, { id: 123 }), bp: bpApi.urlFor(Other, { bar: 'baz' }) }
      }
    }
    api.addResource(HelloWorld, '/ids/<int:id>')
    bpApi.addResource(Other, '/foo/<string:bar>')
    app.register(bp)
    expect((await app.testClient().get('/v1/foo/x')).json).toEqual({ app: '/ids/123', bp: '/v1/foo/baz' })
  })

  it('test_fr_405', async () => {
    const app = makeApp()
    const api = new Api(app)
    api.addResource(HelloWorld, '/ids/<int:id>', { endpoint: 'hello' })
    const resp = await app.testClient().post('/ids/3')
    expect(resp.status).toBe(405)
    expect(resp.mimetype).toBe('application/problem+json')
    expect(new Set(resp.headers.get('allow')!.split(', '))).toEqual(new Set(['HEAD', 'OPTIONS', ...HelloWorld.methods!]))
  })

  it('test_exception_header_forwarded', async () => {
    const app = makeApp()
    const api = new Api(app)
    class Teapot extends HTTPException {
      static override code = 418
      override getHeaders() {
        return { ETag: '"myETag"' }
      }
    }
    class Foo1 extends Resource {
      get(): never {
        throw new Teapot()
      }
    }
    api.addResource(Foo1, '/foo')
    const resp = await app.testClient().get('/foo')
    expect([resp.status, resp.headers.get('etag')]).toEqual([418, '"myETag"'])
  })

  it('test_will_prettyprint_json_in_debug_mode', async () => {
    const app = makeApp({ DEBUG: true })
    const api = new Api(app)
    class Foo1 extends Resource {
      get() {
        return { foo: 'bar', baz: 'asdf' }
      }
    }
    api.addResource(Foo1, '/foo', { endpoint: 'bar' })
    const lines = (await app.testClient().get('/foo')).text.split('\n')
    expect(lines[0]).toBe('{')
    expect(lines[1]!.startsWith('    ')).toBe(true)
    expect(lines[2]!.startsWith('    ')).toBe(true)
    expect(lines[3]).toBe('}')
    expect(lines[4]).toBe('')
  })

  it('test_read_json_settings_from_config (RESTFUL_JSON)', async () => {
    const app = makeApp({ RESTFUL_JSON: { indent: 2, sortKeys: true } })
    const api = new Api(app)
    class Foo1 extends Resource {
      get() {
        return { foo: 'bar', baz: 'qux' }
      }
    }
    api.addResource(Foo1, '/foo')
    expect((await app.testClient().get('/foo')).text).toBe('{\n  "baz": "qux",\n  "foo": "bar"\n}\n')
  })
})
