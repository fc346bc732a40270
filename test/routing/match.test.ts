import { describe, it, expect } from 'vitest'
import { UrlMap, Rule, BaseConverter, ValidationError } from '../../src/routing/index.ts'
import { brief, mapOf } from './helpers.ts'

describe('static rules', () => {
  it('match exactly, with the rule defaults as args', () => {
    const m = mapOf([
      ['/', 'index'],
      ['/about', { endpoint: 'about', defaults: { lang: 'en' } }],
    ])
    expect(brief(m.match('/', 'GET'))).toEqual({ endpoint: 'index', args: {} })
    expect(brief(m.match('/about', 'GET'))).toEqual({ endpoint: 'about', args: { lang: 'en' } })
    expect(m.match('/nope', 'GET')).toEqual({ kind: 'notFound' })
    expect(m.match('/About', 'GET').kind).toBe('notFound')
  })
  it('give a fresh args object each time', () => {
    const m = mapOf([['/a', { endpoint: 'a', defaults: { x: 1 } }]])
    const one = m.match('/a', 'GET')
    const two = m.match('/a', 'GET')
    if (one.kind !== 'match' || two.kind !== 'match') throw new Error('expected matches')
    expect(one.args).not.toBe(two.args)
  })
  it('treat a path without a leading slash as rooted', () => {
    const m = mapOf([['/', 'index'], ['/a', 'a']])
    expect(brief(m.match('', 'GET'))).toEqual({ endpoint: 'index', args: {} })
    expect(brief(m.match('a', 'GET'))).toEqual({ endpoint: 'a', args: {} })
  })
})

describe('ordering (Werkzeug weights)', () => {
  it('static segments win over converters, whatever the insertion order', () => {
    const m = mapOf([
      ['/user/<name>', 'user'],
      ['/user/new', 'new'],
      ['/<a>/<b>', 'pair'],
      ['/user/<name>/edit', 'edit'],
    ])
    expect(brief(m.match('/user/new', 'GET'))).toEqual({ endpoint: 'new', args: {} })
    expect(brief(m.match('/user/ann', 'GET'))).toEqual({ endpoint: 'user', args: { name: 'ann' } })
    expect(brief(m.match('/user/ann/edit', 'GET'))).toEqual({ endpoint: 'edit', args: { name: 'ann' } })
    expect(brief(m.match('/x/y', 'GET'))).toEqual({ endpoint: 'pair', args: { a: 'x', b: 'y' } })
  })
  it('int and float (50) before string (100) before path (200)', () => {
    const m = mapOf([
      ['/v/<path:p>', 'path'],
      ['/v/<s>', 'string'],
      ['/v/<int:i>', 'int'],
      ['/v/<float:f>', 'float'],
    ])
    expect(brief(m.match('/v/12', 'GET'))).toEqual({ endpoint: 'int', args: { i: 12 } })
    expect(brief(m.match('/v/1.5', 'GET'))).toEqual({ endpoint: 'float', args: { f: 1.5 } })
    expect(brief(m.match('/v/abc', 'GET'))).toEqual({ endpoint: 'string', args: { s: 'abc' } })
    expect(brief(m.match('/v/a/b', 'GET'))).toEqual({ endpoint: 'path', args: { p: 'a/b' } })
  })
  it('parts with more or longer static text come first', () => {
    const m = mapOf([
      ['/f/<name>', 'plain'],
      ['/f/<name>.<ext>', 'two'],
      ['/f/<name>.json', 'json'],
      ['/f/<name>.j', 'j'],
    ])
    expect(brief(m.match('/f/data.json', 'GET'))).toEqual({ endpoint: 'json', args: { name: 'data' } })
    expect(brief(m.match('/f/data.j', 'GET'))).toEqual({ endpoint: 'j', args: { name: 'data' } })
    expect(brief(m.match('/f/data.csv', 'GET'))).toEqual({ endpoint: 'two', args: { name: 'data', ext: 'csv' } })
    expect(brief(m.match('/f/data', 'GET'))).toEqual({ endpoint: 'plain', args: { name: 'data' } })
  })
  it('backtracks into a lower-priority branch when a deeper segment fails', () => {
    const m = mapOf([
      ['/<a>/edit', 'edit'],
      ['/<path:p>', 'page'],
    ])
    expect(brief(m.match('/x/edit', 'GET'))).toEqual({ endpoint: 'edit', args: { a: 'x' } })
    expect(brief(m.match('/x/view', 'GET'))).toEqual({ endpoint: 'page', args: { p: 'x/view' } })
  })
  it('keeps insertion order for equal weights', () => {
    // (the same '/<a>' twice would be a DuplicateRuleError: two converters of equal weight that differ)
    const m = mapOf([
      ['/<any(x, y):a>', 'first'],
      ['/<any(x, z):b>', 'second'],
    ])
    expect(brief(m.match('/x', 'GET'))).toEqual({ endpoint: 'first', args: { a: 'x' } })
    expect(brief(m.match('/z', 'GET'))).toEqual({ endpoint: 'second', args: { b: 'z' } })
  })
  it('tries the next rule when a converter rejects the value', () => {
    const m = mapOf([
      ['/p/<int(max=10):n>', 'small'],
      ['/p/<name>', 'name'],
    ])
    expect(brief(m.match('/p/5', 'GET'))).toEqual({ endpoint: 'small', args: { n: 5 } })
    expect(brief(m.match('/p/50', 'GET'))).toEqual({ endpoint: 'name', args: { name: '50' } })
  })
  it('matches several converters in one segment', () => {
    const m = mapOf([['/d/<int:y>-<int(fixed_digits=2):m>', 'date']])
    expect(brief(m.match('/d/2024-05', 'GET'))).toEqual({ endpoint: 'date', args: { y: 2024, m: 5 } })
    expect(m.match('/d/2024-5', 'GET').kind).toBe('notFound')
  })
  it('matches static text after a path converter', () => {
    const m = mapOf([
      ['/w/<path:page>/edit', 'edit'],
      ['/w/<path:page>', 'view'],
    ])
    expect(brief(m.match('/w/a/b/edit', 'GET'))).toEqual({ endpoint: 'edit', args: { page: 'a/b' } })
    expect(brief(m.match('/w/a/b/edit/more', 'GET'))).toEqual({ endpoint: 'view', args: { page: 'a/b/edit/more' } })
  })
})

describe('trailing slashes', () => {
  it('redirects /foo to the /foo/ rule (308, path only)', () => {
    const m = mapOf([
      ['/docs/', 'docs'],
      ['/u/<name>/', 'user'],
    ])
    expect(m.match('/docs', 'GET')).toEqual({ kind: 'redirect', location: '/docs/', status: 308 })
    expect(m.match('/u/ann', 'GET')).toEqual({ kind: 'redirect', location: '/u/ann/', status: 308 })
    expect(brief(m.match('/docs/', 'GET'))).toEqual({ endpoint: 'docs', args: {} })
  })
  it('percent-encodes the redirect location (the matched path is decoded)', () => {
    const m = mapOf([['/w/<title>/', 'wiki']])
    expect(m.match('/w/café au lait', 'GET')).toEqual({ kind: 'redirect', location: '/w/caf%C3%A9%20au%20lait/', status: 308 })
    expect(m.match('/w/100%', 'GET')).toEqual({ kind: 'redirect', location: '/w/100%25/', status: 308 })
    expect(m.match('/w/a\uD800b', 'GET')).toEqual({ kind: 'redirect', location: '/w/a%EF%BF%BDb/', status: 308 })
    expect(m.match('/w//x y', 'GET')).toEqual({ kind: 'redirect', location: '/w/x%20y/', status: 308 })
  })
  it('does not match /foo/ for a /foo rule', () => {
    const m = mapOf([['/foo', 'foo']])
    expect(m.match('/foo/', 'GET').kind).toBe('notFound')
  })
  it('with strictSlashes false, matches both forms without redirecting', () => {
    const m = mapOf([
      ['/foo', { endpoint: 'foo', strictSlashes: false }],
      ['/bar/', { endpoint: 'bar', strictSlashes: false }],
    ])
    expect(brief(m.match('/foo', 'GET'))).toEqual({ endpoint: 'foo', args: {} })
    expect(brief(m.match('/foo/', 'GET'))).toEqual({ endpoint: 'foo', args: {} })
    expect(brief(m.match('/bar', 'GET'))).toEqual({ endpoint: 'bar', args: {} })
    expect(brief(m.match('/bar/', 'GET'))).toEqual({ endpoint: 'bar', args: {} })
  })
  it('takes the map default for strictSlashes', () => {
    const m = mapOf([['/foo', 'foo']], { strictSlashes: false })
    expect(m.rules()[0].strictSlashes).toBe(false)
    expect(brief(m.match('/foo/', 'GET'))).toEqual({ endpoint: 'foo', args: {} })
  })
  it('redirects a path-converter rule written with a trailing slash', () => {
    const m = mapOf([['/d/<path:p>/', 'dir']])
    expect(m.match('/d/a/b', 'GET')).toEqual({ kind: 'redirect', location: '/d/a/b/', status: 308 })
    expect(brief(m.match('/d/a/b/', 'GET'))).toEqual({ endpoint: 'dir', args: { p: 'a/b' } })
  })
  it('does not redirect when the slash rule does not accept the method', () => {
    const m = mapOf([['/docs/', { endpoint: 'docs', methods: ['GET'] }]])
    expect(m.match('/docs', 'POST').kind).toBe('notFound')
  })
  it('merges repeated slashes with a redirect', () => {
    const m = mapOf([
      ['/a/b', 'ab'],
      ['/u/<name>/', 'user'],
    ])
    expect(m.match('//a///b', 'GET')).toEqual({ kind: 'redirect', location: '/a/b', status: 308 })
    expect(m.match('/u//ann', 'GET')).toEqual({ kind: 'redirect', location: '/u/ann/', status: 308 })
    const strict = mapOf([['/a/b', 'ab']], { mergeSlashes: false })
    expect(strict.match('/a//b', 'GET').kind).toBe('notFound')
  })
  it('merges repeated slashes in the rule itself', () => {
    const m = mapOf([['/a//b', 'ab']])
    expect(brief(m.match('/a/b', 'GET'))).toEqual({ endpoint: 'ab', args: {} })
    const kept = mapOf([['/a//b', { endpoint: 'ab', mergeSlashes: false }]])
    expect(brief(kept.match('/a//b', 'GET'))).toEqual({ endpoint: 'ab', args: {} })
    expect(kept.match('/a/b', 'GET').kind).toBe('notFound')
  })
})

describe('methods', () => {
  const m = mapOf([
    ['/post/<int:id>', { endpoint: 'show', methods: ['get'] }],
    ['/post/<int:id>', { endpoint: 'update', methods: ['POST', 'OPTIONS'] }],
    ['/any', 'any'],
    ['/form', { endpoint: 'form', methods: ['PUT'] }],
  ])
  it('upper-cases methods and adds HEAD to GET', () => {
    expect([...(m.rules()[0].methods ?? [])].sort()).toEqual(['GET', 'HEAD'])
    expect(m.rules()[2].methods).toBeNull()
  })
  it('dispatches on the method', () => {
    expect(brief(m.match('/post/1', 'GET'))).toEqual({ endpoint: 'show', args: { id: 1 } })
    expect(brief(m.match('/post/1', 'HEAD'))).toEqual({ endpoint: 'show', args: { id: 1 } })
    expect(brief(m.match('/post/1', 'POST'))).toEqual({ endpoint: 'update', args: { id: 1 } })
    expect(brief(m.match('/any', 'PATCH'))).toEqual({ endpoint: 'any', args: {} })
  })
  it('answers 405 with the sorted union of allowed methods', () => {
    expect(m.match('/post/1', 'DELETE')).toEqual({
      kind: 'methodNotAllowed',
      allowed: ['GET', 'HEAD', 'OPTIONS', 'POST'],
    })
    expect(m.match('/form', 'GET')).toEqual({ kind: 'methodNotAllowed', allowed: ['PUT'] })
  })
  it('404s rather than 405s when the converter rejects the value', () => {
    const n = mapOf([['/p/<int(max=5):n>', { endpoint: 'p', methods: ['POST'] }]])
    expect(n.match('/p/3', 'GET').kind).toBe('methodNotAllowed')
    expect(n.match('/p/9', 'GET').kind).toBe('notFound')
  })
  it('keeps looking in lower-priority rules when the method does not fit', () => {
    const n = mapOf([
      ['/x/<int:id>', { endpoint: 'int', methods: ['POST'] }],
      ['/x/<name>', { endpoint: 'name', methods: ['GET'] }],
    ])
    expect(brief(n.match('/x/1', 'GET'))).toEqual({ endpoint: 'name', args: { name: '1' } })
    expect(brief(n.match('/x/1', 'POST'))).toEqual({ endpoint: 'int', args: { id: 1 } })
  })
  it('lists allowed methods for OPTIONS and Allow headers', () => {
    expect(m.allowedMethods('/post/1')).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST'])
    expect(m.allowedMethods('/nope')).toEqual([])
    expect(m.allowedMethods('/any')).toEqual([])
  })
})

describe('defaults and redirects', () => {
  it('redirects to the canonical URL of the rule with defaults', () => {
    const m = mapOf([
      ['/users/', { endpoint: 'users', defaults: { page: 1 } }],
      ['/users/page/<int:page>', 'users'],
    ])
    expect(brief(m.match('/users/', 'GET'))).toEqual({ endpoint: 'users', args: { page: 1 } })
    expect(m.match('/users/page/1', 'GET')).toEqual({ kind: 'redirect', location: '/users/', status: 308 })
    expect(brief(m.match('/users/page/2', 'GET'))).toEqual({ endpoint: 'users', args: { page: 2 } })
    const off = mapOf(
      [
        ['/users/', { endpoint: 'users', defaults: { page: 1 } }],
        ['/users/page/<int:page>', 'users'],
      ],
      { redirectDefaults: false },
    )
    expect(brief(off.match('/users/page/1', 'GET'))).toEqual({ endpoint: 'users', args: { page: 1 } })
  })
  it('redirectTo a string with placeholders, through the converters', () => {
    const m = mapOf([
      ['/old/<int(fixed_digits=3):id>/<slug>', { endpoint: 'old', redirectTo: '/new/<id>/<string:slug>' }],
      ['/legacy', { endpoint: 'legacy', redirectTo: 'docs/' }],
      ['/ext', { endpoint: 'ext', redirectTo: 'https://example.com/x' }],
    ])
    expect(m.match('/old/007/a b', 'GET')).toEqual({ kind: 'redirect', location: '/new/007/a%20b', status: 308 })
    expect(m.match('/legacy', 'GET')).toEqual({ kind: 'redirect', location: '/docs/', status: 308 })
    expect(m.match('/ext', 'GET')).toEqual({ kind: 'redirect', location: 'https://example.com/x', status: 308 })
  })
  it('redirectTo a function of the arguments', () => {
    const m = mapOf([
      ['/go/<int:n>', { endpoint: 'go', defaults: { k: 'v' }, redirectTo: (a) => `/to/${Number(a.n) + 1}/${String(a.k)}` }],
    ])
    expect(m.match('/go/1', 'GET')).toEqual({ kind: 'redirect', location: '/to/2/v', status: 308 })
  })
})

describe('decoded input', () => {
  it('matches unicode and reserved characters literally', () => {
    const m = mapOf([
      ['/wiki/<title>', 'wiki'],
      ['/café/<path:p>', 'cafe'],
    ])
    expect(brief(m.match('/wiki/Ünïcødé 😀 ?#%', 'GET'))).toEqual({ endpoint: 'wiki', args: { title: 'Ünïcødé 😀 ?#%' } })
    expect(brief(m.match('/café/a b/ç', 'GET'))).toEqual({ endpoint: 'cafe', args: { p: 'a b/ç' } })
    expect(m.build('cafe', { p: 'a b/ç' })).toBe('/caf%C3%A9/a%20b/%C3%A7')
    expect(m.build('wiki', { title: 'a?b#c d' })).toBe('/wiki/a%3Fb%23c%20d')
    // a slash cannot round-trip through a string converter (the path is decoded before matching)
    expect(() => m.build('wiki', { title: 'a/b' })).toThrow(
      "value 'a/b' is not valid for <title> in rule '/wiki/<title>' ('a/b' does not match the converter's pattern [^/]+)",
    )
  })
})

describe('custom converters', () => {
  class ListConverter extends BaseConverter {
    override regex = '[^/,]+(?:,[^/,]+)*'
    override toValue(value: string): string[] {
      return value.split(',')
    }
    override toUrl(value: unknown): string {
      if (!Array.isArray(value)) throw new TypeError('expected an array')
      return value.map((v) => encodeURIComponent(String(v))).join(',')
    }
  }
  class EvenConverter extends BaseConverter {
    override regex = '\\d+'
    override weight = 40
    override toValue(value: string): number {
      const n = Number(value)
      if (n % 2 !== 0) throw new ValidationError('odd')
      return n
    }
  }
  it('registers on map.converters and is used by rules added afterwards', () => {
    const m = new UrlMap()
    m.converters.list = ListConverter
    m.add(new Rule('/tags/<list:tags>', { endpoint: 'tags' }))
    expect(brief(m.match('/tags/a,b,c', 'GET'))).toEqual({ endpoint: 'tags', args: { tags: ['a', 'b', 'c'] } })
    expect(m.build('tags', { tags: ['x', 'y z'] })).toBe('/tags/x,y%20z')
    expect(() => m.build('tags', { tags: 'x' })).toThrow(/expected an array/)
  })
  it('can be passed in the constructor, with weights and validation', () => {
    const m = new UrlMap({ converters: { even: EvenConverter } })
    m.add(new Rule('/n/<int:n>', { endpoint: 'odd' }))
    m.add(new Rule('/n/<even:n>', { endpoint: 'even' }))
    expect(brief(m.match('/n/4', 'GET'))).toEqual({ endpoint: 'even', args: { n: 4 } })
    expect(brief(m.match('/n/3', 'GET'))).toEqual({ endpoint: 'odd', args: { n: 3 } })
  })
  it('may take arguments', () => {
    class RegexConverter extends BaseConverter {
      constructor(map: UrlMap, args: { positional: unknown[]; keyword: Record<string, unknown> }) {
        super(map, args)
        this.regex = String(args.positional[0])
      }
    }
    const m = new UrlMap({ converters: { re: RegexConverter } })
    m.add(new Rule("/c/<re('[a-z]{2}\\d'):code>", { endpoint: 'code' }))
    expect(brief(m.match('/c/ab1', 'GET'))).toEqual({ endpoint: 'code', args: { code: 'ab1' } })
    expect(m.match('/c/abc', 'GET').kind).toBe('notFound')
  })
})

describe('lazy recompilation', () => {
  it('picks up rules added after a match', () => {
    const m = mapOf([['/a', 'a']])
    expect(m.match('/b', 'GET').kind).toBe('notFound')
    m.add(new Rule('/b', { endpoint: 'b' }))
    m.add(new Rule('/c/<int:n>', { endpoint: 'c' }))
    expect(brief(m.match('/b', 'GET'))).toEqual({ endpoint: 'b', args: {} })
    expect(brief(m.match('/c/1', 'GET'))).toEqual({ endpoint: 'c', args: { n: 1 } })
    expect(m.build('c', { n: 2 })).toBe('/c/2')
  })
  it('lists rules in insertion order', () => {
    const m = mapOf([['/b', 'b'], ['/a', 'a'], ['/a/<int:x>', 'a']])
    expect(m.rules().map((r) => r.rule)).toEqual(['/b', '/a', '/a/<int:x>'])
    expect(m.iterRules('a').map((r) => r.rule)).toEqual(['/a', '/a/<int:x>'])
    expect(m.iterRules().length).toBe(3)
  })
})
