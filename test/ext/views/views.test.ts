/**
 * phial/views beyond Flask's own tests: typed view arguments, constructor
 * arguments, async handlers, blueprints, decorator order, errors.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import { Blueprint, Phial, request, urlFor, type Context, type View as ViewFunction } from 'phial'
import { MethodView, View, addView, methodsOf, type ViewArgsOf } from 'phial/views'

function makeApp(): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ TESTING: true, LOG_LEVEL: 'silent' })
  return app
}

class UserAPI extends MethodView {
  get({ id }: { id: number }) {
    return { id, kind: typeof id }
  }
  async delete({ id }: { id: number }) {
    await new Promise((r) => setTimeout(r, 1))
    return [`deleted ${id}`, 200] as [string, number]
  }
}

describe('typed view arguments', () => {
  it('infers them from the handlers and checks them against the rule', () => {
    expectTypeOf<ViewArgsOf<UserAPI>>().toEqualTypeOf<{ id: number }>()
    expectTypeOf(UserAPI.asView('user')).parameter(0).toEqualTypeOf<{ id: number }>()
    const app = makeApp()
    addView(app, '/users/<int:id>', UserAPI.asView('user'))
    // @ts-expect-error: '<id>' is a string, the handlers want a number
    addView(app, '/people/<id>', UserAPI.asView('people'))
    app.route('/u/<int:id>', UserAPI.asView('u'))
    // @ts-expect-error: same check with the core's route()
    app.route('/v/<id>', UserAPI.asView('v'))
  })

  it('types View subclasses from dispatchRequest, and constructor arguments of asView', () => {
    class Show extends View {
      constructor(readonly prefix: string) {
        super()
      }
      dispatchRequest({ slug }: { slug: string }, ctx: Context) {
        return `${this.prefix}${slug} ${ctx.request.method}`
      }
    }
    expectTypeOf<ViewArgsOf<Show>>().toEqualTypeOf<{ slug: string }>()
    // @ts-expect-error: the constructor needs its prefix
    Show.asView('show')
    // @ts-expect-error: and a string one
    Show.asView('show', 1)
    expectTypeOf(Show.asView('show', '>')).toMatchTypeOf<ViewFunction<{ slug: string }>>()
  })
})

describe('behaviour', () => {
  it('passes converted view args and awaits async handlers', async () => {
    const app = makeApp()
    addView(app, '/users/<int:id>', UserAPI.asView('user'))
    const client = app.testClient()
    expect((await client.get('/users/7')).json).toEqual({ id: 7, kind: 'number' })
    expect((await client.delete('/users/7')).text).toBe('deleted 7')
    expect((await client.post('/users/7')).status).toBe(405)
    expect((await client.post('/users/7')).headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS')
  })

  it('gives constructor arguments to each new instance, one instance per request', async () => {
    const app = makeApp()
    const seen = new Set<object>()
    class Greeting extends View {
      constructor(readonly greeting: string) {
        super()
        seen.add(this)
      }
      dispatchRequest({ name }: { name: string }) {
        return `${this.greeting}, ${name}`
      }
    }
    addView(app, '/hi/<name>', Greeting.asView('hi', 'Hello'))
    const client = app.testClient()
    expect((await client.get('/hi/ada')).text).toBe('Hello, ada')
    expect((await client.get('/hi/bob')).text).toBe('Hello, bob')
    expect(seen.size).toBe(2)
  })

  it('works in blueprints, with urlFor to the endpoint', async () => {
    const app = makeApp()
    const bp = new Blueprint('api', import.meta.url, { urlPrefix: '/api' })
    addView(bp, '/users/<int:id>', UserAPI.asView('user'))
    app.get('/', function index() {
      return urlFor('api.user', { id: 3 })
    })
    app.register(bp)
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('/api/users/3')
    expect((await client.get('/api/users/3')).json.id).toBe(3)
  })

  it('applies decorators first one innermost, and names the endpoint after the view', async () => {
    const app = makeApp()
    const order: string[] = []
    const tag =
      (label: string) =>
      (view: ViewFunction<never>): ViewFunction<never> =>
        function tagged(args, ctx) {
          order.push(label)
          return view(args, ctx)
        }
    class Index extends View {
      static override decorators = [tag('inner'), tag('outer')]
      dispatchRequest() {
        order.push('view')
        return 'ok'
      }
    }
    const view = Index.asView('home')
    expect(view.name).toBe('home')
    addView(app, '/', view)
    await app.testClient().get('/')
    expect(order).toEqual(['outer', 'inner', 'view'])
    expect(app.viewFunctions.home).toBe(view)
  })

  it('lets route options override the view’s methods', async () => {
    const app = makeApp()
    addView(app, '/users/<int:id>', UserAPI.asView('user'), { methods: ['GET'] })
    expect((await app.testClient().delete('/users/1')).status).toBe(405)
  })

  it('reports a method with no handler as a server error naming it', async () => {
    const app = makeApp()
    class OnlyGet extends MethodView {
      static override methods = ['GET', 'PUT']
      get() {
        return 'x'
      }
    }
    addView(app, '/', OnlyGet.asView('index'))
    await expect(app.testClient().put('/')).rejects.toThrow("Unimplemented method 'PUT' in OnlyGet")
  })

  it('refuses asView without a name', () => {
    expect(() => UserAPI.asView('')).toThrow(/needs a name/)
  })

  it('computes methods as Flask’s metaclass does', () => {
    class Base extends MethodView {
      static override methods = ['GET', 'PROPFIND']
    }
    class Child extends Base {
      delete() {
        return ''
      }
    }
    expect(methodsOf(Child)).toEqual(['DELETE', 'GET', 'PROPFIND'])
    expect(methodsOf(Base)).toEqual(['GET', 'PROPFIND'])
    class Empty extends MethodView {}
    expect(methodsOf(Empty)).toBeUndefined()
    expect(request).toBeDefined()
  })
})
