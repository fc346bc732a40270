/**
 * Types: view arguments from the rule literal (checked by `tsc --noEmit`),
 * the view context, return values, MultiDict getters, typed session and g.
 */
import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  Blueprint,
  g,
  request,
  session,
  type Context,
  type ImmutableMultiDict,
  type Phial,
  type RouteArgs,
  type RouteParams,
} from '../../src/index.ts'
import { makeApp } from './helpers.ts'

declare module '../../src/index.ts' {
  interface SessionData {
    coreTypesUserId?: number
  }
  interface AppGlobals {
    coreTypesStartedAt?: number
  }
}

describe('view arguments are typed from the rule literal', () => {
  it('app.get / route / post and blueprint routes', async () => {
    const app = makeApp()
    app.get('/u/<int:id>/<path:rest>', function u(args, ctx) {
      expectTypeOf(args).toEqualTypeOf<{ id: number; rest: string }>()
      expectTypeOf(ctx).toEqualTypeOf<Context>()
      return { id: args.id + 1, rest: args.rest.toUpperCase() }
    })
    app.route('/f/<float:x>/<uuid:u>/<any(a, b):k>/<name>', { methods: ['GET', 'POST'] }, function f(args) {
      expectTypeOf(args).toEqualTypeOf<{ x: number; u: string; k: string; name: string }>()
      return ''
    })
    app.post('/none', function none(args) {
      expectTypeOf(args).toEqualTypeOf<Record<string, never>>()
      return ''
    })
    const bp = new Blueprint('bp', import.meta.url)
    bp.put('/<int(min=1):n>', { endpoint: 'n' }, function put(args) {
      expectTypeOf(args).toEqualTypeOf<{ n: number }>()
      return ''
    })
    const res = await app.testClient().get('/u/1/a/b')
    expect(res.json).toEqual({ id: 2, rest: 'A/B' })
  })

  it('defaults add their keys, so one view serves both rules', async () => {
    const app = makeApp()
    function page({ n }: { n: number }) { return `page ${n}` }
    app.get('/page/', { defaults: { n: 1 } }, page)
    app.get('/page/<int:n>', page)
    app.get('/u/<int:id>', { defaults: { tab: 'posts' } }, function user(args) {
      expectTypeOf(args).toEqualTypeOf<{ id: number; tab: string }>()
      return args
    })
    expectTypeOf<RouteArgs<'/page/', { n: number }>>().toEqualTypeOf<{ n: number }>()
    expectTypeOf<RouteArgs<'/x/<int:n>', {}>>().toEqualTypeOf<RouteParams<'/x/<int:n>'>>()
    const c = app.testClient()
    expect((await c.get('/page/')).text).toBe('page 1')
    expect((await c.get('/u/3')).json).toEqual({ id: 3, tab: 'posts' })
  })

  it('a view must return something that can be a response', () => {
    const app = makeApp()
    // @ts-expect-error a number is not a response
    app.get('/n', { endpoint: 'n1' }, () => 42)
    // @ts-expect-error a rule argument that is not there
    app.get('/m/<int:id>', function m({ nope }) { return String(nope) })
    app.get('/t', function t() { return ['created', 201] as [string, number] })
    expect(Object.keys(app.viewFunctions)).toContain('t')
  })
})

describe('typed request, session and g', () => {
  it('args.get with type and default; session and g by declaration merging', () => {
    const app: Phial = makeApp()
    app.config.SECRET_KEY = 'k'
    app.testRequestContext('/?page=3', {}, () => {
      expectTypeOf(request.args).toEqualTypeOf<ImmutableMultiDict<string>>()
      expectTypeOf(request.args.get('q')).toEqualTypeOf<string | undefined>()
      const page = request.args.get('page', { type: Number, default: 1 })
      expectTypeOf(page).toEqualTypeOf<number>()
      expect(page).toBe(3)
      session.set('coreTypesUserId', 5)
      expectTypeOf(session.get('coreTypesUserId')).toEqualTypeOf<number | undefined>()
      // @ts-expect-error the declared type is number
      session.set('coreTypesUserId', 'five')
      expectTypeOf(g.coreTypesStartedAt).toEqualTypeOf<number | undefined>()
      g.coreTypesStartedAt = 1
      expect(g.get('coreTypesStartedAt')).toBe(1)
    })
  })
})

describe('JSON bodies of any object type', () => {
  it('a view may return an interface-typed object, a class instance or an array of them', async () => {
    interface User {
      id: number
      name: string
    }
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    class Money {
      constructor(readonly cents: number) {}
      toJSON(): string {
        return `${(this.cents / 100).toFixed(2)} EUR`
      }
    }
    const load = (): User => ({ id: 1, name: 'ada' })
    const app = makeApp()
    app.get('/user', function user(): User {
      return load()
    })
    app.get('/point', function point() {
      return new Point(1, 2)
    })
    app.get('/users', function users(): User[] {
      return [load()]
    })
    app.get('/price', function price() {
      return [new Money(1250), 201] as [Money, number]
    })
    const c = app.testClient()
    expect((await c.get('/user')).json).toEqual({ id: 1, name: 'ada' })
    expect((await c.get('/point')).json).toEqual({ x: 1, y: 2 })
    expect((await c.get('/users')).json).toEqual([{ id: 1, name: 'ada' }])
    const price = await c.get('/price')
    expect([price.status, price.json]).toEqual([201, '12.50 EUR'])
  })
})
