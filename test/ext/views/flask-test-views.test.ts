/**
 * Flask's tests/test_views.py, ported test by test (same names, same
 * assertions). Flask's multiple inheritance (`class V(GetView, DeleteView)`)
 * becomes mixins, JavaScript's way to combine two classes' methods.
 */
import { describe, expect, it } from 'vitest'
import { Phial, Response, makeResponse, request, type View as ViewFunction } from 'phial'
import { MethodView, View, addView } from 'phial/views'

function makeApp(): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ TESTING: true, LOG_LEVEL: 'silent' })
  return app
}

function parseSetHeader(value: string | null): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)
}

async function commonTest(app: Phial): Promise<void> {
  const c = app.testClient()
  expect((await c.get('/')).text).toBe('GET')
  expect((await c.post('/')).text).toBe('POST')
  expect((await c.put('/')).status).toBe(405)
  const meths = parseSetHeader((await c.open('/', { method: 'OPTIONS' })).headers.get('allow'))
  expect(meths.sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST'])
}

describe("Flask's test_views.py", () => {
  it('test_basic_view', async () => {
    const app = makeApp()
    class Index extends View {
      static override methods = ['GET', 'POST']
      dispatchRequest() {
        return request.method
      }
    }
    addView(app, '/', Index.asView('index'))
    await commonTest(app)
  })

  it('test_method_based_view', async () => {
    const app = makeApp()
    class Index extends MethodView {
      get() {
        return 'GET'
      }
      post() {
        return 'POST'
      }
    }
    addView(app, '/', Index.asView('index'))
    await commonTest(app)
  })

  it('test_view_patching', async () => {
    const app = makeApp()
    class Index extends MethodView {
      get(): string {
        throw new Error('1 // 0')
      }
      post(): string {
        throw new Error('1 // 0')
      }
    }
    class Other extends Index {
      override get() {
        return 'GET'
      }
      override post() {
        return 'POST'
      }
    }
    const view = Index.asView('index')
    view.viewClass = Other
    addView(app, '/', view)
    await commonTest(app)
  })

  it('test_view_inheritance', async () => {
    const app = makeApp()
    class Index extends MethodView {
      get() {
        return 'GET'
      }
      post() {
        return 'POST'
      }
    }
    class BetterIndex extends Index {
      delete() {
        return 'DELETE'
      }
    }
    addView(app, '/', BetterIndex.asView('index'))
    const meths = parseSetHeader((await app.testClient().open('/', { method: 'OPTIONS' })).headers.get('allow'))
    expect(meths.sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST'])
  })

  it('test_view_decorators', async () => {
    const app = makeApp()
    function addXParachute(f: ViewFunction<never>): ViewFunction<never> {
      return async function newFunction(args, ctx) {
        const resp = makeResponse(await f(args, ctx))
        resp.headers.set('X-Parachute', 'awesome')
        return resp
      }
    }
    class Index extends View {
      static override decorators = [addXParachute]
      dispatchRequest() {
        return 'Awesome'
      }
    }
    addView(app, '/', Index.asView('index'))
    const rv = await app.testClient().get('/')
    expect(rv.headers.get('X-Parachute')).toBe('awesome')
    expect(rv.text).toBe('Awesome')
  })

  it('test_view_provide_automatic_options_attr', async () => {
    let app = makeApp()
    class Index1 extends View {
      static override provideAutomaticOptions = false
      dispatchRequest() {
        return 'Hello World!'
      }
    }
    addView(app, '/', Index1.asView('index'))
    let rv = await app.testClient().open('/', { method: 'OPTIONS' })
    expect(rv.status).toBe(405)

    app = makeApp()
    class Index2 extends View {
      static override methods = ['OPTIONS']
      static override provideAutomaticOptions = true
      dispatchRequest() {
        return 'Hello World!'
      }
    }
    addView(app, '/', Index2.asView('index'))
    rv = await app.testClient().open('/', { method: 'OPTIONS' })
    expect(parseSetHeader(rv.headers.get('allow')).sort()).toEqual(['OPTIONS'])

    app = makeApp()
    class Index3 extends View {
      dispatchRequest() {
        return 'Hello World!'
      }
    }
    addView(app, '/', Index3.asView('index'))
    rv = await app.testClient().open('/', { method: 'OPTIONS' })
    expect(parseSetHeader(rv.headers.get('allow'))).toContain('OPTIONS')
  })

  it('test_implicit_head', async () => {
    const app = makeApp()
    class Index extends MethodView {
      get() {
        return new Response('Blub', { headers: { 'X-Method': request.method } })
      }
    }
    addView(app, '/', Index.asView('index'))
    const client = app.testClient()
    let rv = await client.get('/')
    expect(rv.text).toBe('Blub')
    expect(rv.headers.get('X-Method')).toBe('GET')
    rv = await client.head('/')
    expect(rv.text).toBe('')
    expect(rv.headers.get('X-Method')).toBe('HEAD')
  })

  it('test_explicit_head', async () => {
    const app = makeApp()
    class Index extends MethodView {
      get() {
        return 'GET'
      }
      head() {
        return new Response('', { headers: { 'X-Method': 'HEAD' } })
      }
    }
    addView(app, '/', Index.asView('index'))
    const client = app.testClient()
    let rv = await client.get('/')
    expect(rv.text).toBe('GET')
    rv = await client.head('/')
    expect(rv.text).toBe('')
    expect(rv.headers.get('X-Method')).toBe('HEAD')
  })

  it('test_endpoint_override', async () => {
    const app = makeApp()
    app.debug = true
    class Index extends View {
      static override methods = ['GET', 'POST']
      dispatchRequest() {
        return request.method
      }
    }
    addView(app, '/', Index.asView('index'))
    // Flask raises AssertionError: a second, different view function for the same endpoint
    expect(() => addView(app, '/', Index.asView('index'))).toThrow(/overwriting an existing endpoint function: index/)
    // But these tests should still pass.
    await commonTest(app)
  })

  it('test_methods_var_inheritance', async () => {
    const app = makeApp()
    class BaseView extends MethodView {
      static override methods = ['GET', 'PROPFIND']
    }
    class ChildView extends BaseView {
      get() {
        return 'GET'
      }
      propfind() {
        return 'PROPFIND'
      }
    }
    addView(app, '/', ChildView.asView('index'))
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('GET')
    expect((await client.open('/', { method: 'PROPFIND' })).text).toBe('PROPFIND')
    expect(new Set(ChildView.methods)).toEqual(new Set(['PROPFIND', 'GET']))
  })

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type MethodViewClass = (abstract new (...args: any[]) => MethodView) & Pick<typeof MethodView, keyof typeof MethodView>
  const GetMixin = <B extends MethodViewClass>(Base: B) => {
    abstract class GetView extends Base {
      get() {
        return 'GET'
      }
    }
    return GetView
  }
  const DeleteMixin = <B extends MethodViewClass>(Base: B) => {
    abstract class DeleteView extends Base {
      delete() {
        return 'DELETE'
      }
    }
    return DeleteView
  }
  const PostMixin = <B extends MethodViewClass>(Base: B) => {
    abstract class OtherView extends Base {
      post() {
        return 'POST'
      }
    }
    return OtherView
  }

  it('test_multiple_inheritance', async () => {
    const app = makeApp()
    class GetDeleteView extends GetMixin(DeleteMixin(MethodView)) {}
    addView(app, '/', GetDeleteView.asView('index'))
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('GET')
    expect((await client.delete('/')).text).toBe('DELETE')
    expect([...GetDeleteView.methods!].sort()).toEqual(['DELETE', 'GET'])
  })

  it('test_remove_method_from_parent', async () => {
    const app = makeApp()
    class OnlyGet extends GetMixin(PostMixin(MethodView)) {
      static override methods = ['GET']
    }
    addView(app, '/', OnlyGet.asView('index'))
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('GET')
    expect((await client.post('/')).status).toBe(405)
    expect([...OnlyGet.methods].sort()).toEqual(['GET'])
  })

  it('test_init_once', async () => {
    const app = makeApp()
    let n = 0
    class CountInit extends View {
      static override initEveryRequest = false
      constructor() {
        super()
        n += 1
      }
      dispatchRequest() {
        return String(n)
      }
    }
    addView(app, '/', CountInit.asView('index'))
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('1')
    expect((await client.get('/')).text).toBe('1')
  })
})
