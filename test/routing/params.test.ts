import { describe, it, expectTypeOf } from 'vitest'
import type { RouteParams, ConverterTypes } from '../../src/routing/index.ts'

declare module '../../src/routing/params.ts' {
  interface ConverterTypes {
    list: string[]
  }
}

describe('RouteParams', () => {
  it('types each converter', () => {
    expectTypeOf<RouteParams<'/u/<int:id>/<path:rest>'>>().toEqualTypeOf<{ id: number; rest: string }>()
    expectTypeOf<RouteParams<'/<name>'>>().toEqualTypeOf<{ name: string }>()
    expectTypeOf<RouteParams<'/<string:s>/<float:f>/<uuid:u>/<any(a, b):k>'>>().toEqualTypeOf<{
      s: string
      f: number
      u: string
      k: string
    }>()
  })
  it('reads through converter arguments', () => {
    expectTypeOf<RouteParams<'/<int(min=1, max=9):n>'>>().toEqualTypeOf<{ n: number }>()
    expectTypeOf<RouteParams<"/<any('x:y', z):pick>">>().toEqualTypeOf<{ pick: string }>()
    expectTypeOf<RouteParams<'/d/<int:y>-<int(fixed_digits=2):m>'>>().toEqualTypeOf<{ y: number; m: number }>()
  })
  it('gives an empty record without variables', () => {
    expectTypeOf<RouteParams<'/'>>().toEqualTypeOf<Record<string, never>>()
    expectTypeOf<RouteParams<'/about/team'>>().toEqualTypeOf<Record<string, never>>()
  })
  it('gives string for unknown converters and a loose record for non-literal rules', () => {
    expectTypeOf<RouteParams<'/<custom:x>'>>().toEqualTypeOf<{ x: string }>()
    expectTypeOf<RouteParams<string>>().toEqualTypeOf<Record<string, unknown>>()
  })
  it('follows declaration merging on ConverterTypes', () => {
    expectTypeOf<ConverterTypes['list']>().toEqualTypeOf<string[]>()
    expectTypeOf<RouteParams<'/tags/<list:tags>/<int:page>'>>().toEqualTypeOf<{ tags: string[]; page: number }>()
  })
  it('types a view argument', () => {
    const view = <R extends string>(_rule: R, fn: (args: RouteParams<R>) => string) => fn
    view('/post/<int:id>/<slug>', (args) => {
      expectTypeOf(args.id).toEqualTypeOf<number>()
      expectTypeOf(args.slug).toEqualTypeOf<string>()
      // @ts-expect-error not a variable of the rule
      void args.other
      return args.slug
    })
  })
})
