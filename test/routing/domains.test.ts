/**
 * Subdomain and host rules, and duplicate rules, at the level of the URL map
 * (issue 11 items 2 and 10). Ports the map-level meaning of Werkzeug's
 * tests/test_routing.py test_host_matching, test_host_matching_building,
 * test_build_url_same_endpoint_multiple_hosts, test_request_redirect_default_subdomain,
 * test_server_name_interpolation and test_http_host_before_server_name (the
 * adapter's host arithmetic is urlFor's, tested in test/flask-conformance/),
 * and the rules of Werkzeug 3.2's `Rule.is_duplicate` (DuplicateRuleError).
 * `match(path, method, domain)` takes the domain part the app computed: the
 * subdomain, or the whole host with host matching; `null` matches nothing.
 */
import { describe, expect, it } from 'vitest'
import { DuplicateRuleError, Rule, RuleError, UrlMap } from '../../src/routing/index.ts'
import { brief, mapOf } from './helpers.ts'

describe('subdomain rules', () => {
  it('test_server_name_interpolation: the default domain and a static subdomain are told apart', () => {
    const m = mapOf([
      ['/', 'index'],
      ['/', { endpoint: 'alt', subdomain: 'alt' }],
    ])
    expect(brief(m.match('/', 'GET'))).toEqual({ endpoint: 'index', args: {} })
    expect(brief(m.match('/', 'GET', 'alt'))).toEqual({ endpoint: 'alt', args: {} })
    expect(m.match('/', 'GET', 'other').kind).toBe('notFound')
    expect(m.match('/', 'GET', null).kind).toBe('notFound') // a host outside SERVER_NAME
  })

  it('captures subdomain variables, with converters, before the path ones', () => {
    const m = mapOf([
      ['/', { endpoint: 'home', subdomain: '<user>' }],
      ['/post/<int:id>', { endpoint: 'post', subdomain: '<user>' }],
      ['/', { endpoint: 'shard', subdomain: 'db<int:n>' }],
    ])
    expect(brief(m.match('/', 'GET', 'ann'))).toEqual({ endpoint: 'home', args: { user: 'ann' } })
    expect(brief(m.match('/post/3', 'GET', 'ann'))).toEqual({ endpoint: 'post', args: { user: 'ann', id: 3 } })
    // a static domain part is tried before a variable one; the default converter spans dots, as Werkzeug's
    expect(brief(m.match('/', 'GET', 'db7'))).toEqual({ endpoint: 'shard', args: { n: 7 } })
    expect(brief(m.match('/', 'GET', 'a.b'))).toEqual({ endpoint: 'home', args: { user: 'a.b' } })
    expect(m.match('/', 'GET').kind).toBe('notFound') // '' is not a <user>
    expect([...m.iterRules('post')[0].arguments].sort()).toEqual(['id', 'user'])
  })

  it('backtracks from a static domain into a variable one when the path fails there', () => {
    const m = mapOf([
      ['/only-static', { endpoint: 'static_page', subdomain: 'www' }],
      ['/other', { endpoint: 'any_page', subdomain: '<name>' }],
    ])
    expect(brief(m.match('/other', 'GET', 'www'))).toEqual({ endpoint: 'any_page', args: { name: 'www' } })
  })

  it('405 and Allow gather methods across the domain states; a trailing-slash redirect keeps its host', () => {
    const m = mapOf([
      ['/x', { endpoint: 'a', subdomain: 'api', methods: ['GET'] }],
      ['/x', { endpoint: 'b', subdomain: '<sub>', methods: ['POST'] }],
      ['/dir/', { endpoint: 'dir', subdomain: 'api' }],
    ])
    expect(m.match('/x', 'PUT', 'api')).toEqual({ kind: 'methodNotAllowed', allowed: ['GET', 'HEAD', 'POST'] })
    expect(m.allowedMethods('/x', 'api')).toEqual(['GET', 'HEAD', 'POST'])
    expect(m.allowedMethods('/x')).toEqual([])
    expect(m.match('/dir', 'GET', 'api')).toEqual({ kind: 'redirect', location: '/dir/', status: 308 })
  })

  it('builds the domain part with the path, and does not put domain values in the query', () => {
    const m = mapOf([
      ['/', { endpoint: 'home', subdomain: '<user>' }],
      ['/about', { endpoint: 'about' }],
      ['/p/<int:id>', { endpoint: 'post', subdomain: 'db<int:n>' }],
    ])
    expect(m.buildParts('home', { user: 'ann', tab: 'x' })).toEqual({ domain: 'ann', path: '/?tab=x' })
    expect(m.buildParts('about')).toEqual({ domain: '', path: '/about' })
    expect(m.buildParts('post', { n: 2, id: 5 })).toEqual({ domain: 'db2', path: '/p/5' })
    expect(m.build('home', { user: 'ann' })).toBe('/')
    expect(() => m.build('home')).toThrow(/Did you forget to specify values \['user'\]/)
    expect(() => m.build('post', { n: 'x', id: 5 })).toThrow(/Could not build url for endpoint 'post'/)
  })

  it('test_request_redirect_default_subdomain: the canonical URL of a rule with defaults may be on another subdomain', () => {
    const m = mapOf([
      ['/', { endpoint: 'foo', defaults: { foo: 42 }, subdomain: 'test' }],
      ['/<int:foo>', { endpoint: 'foo', subdomain: 'other' }],
    ])
    expect(m.buildParts('foo')).toEqual({ domain: 'test', path: '/' })
    expect(m.match('/42', 'GET', 'other')).toEqual({ kind: 'redirect', location: '/', status: 308, domain: 'test' })
    expect(brief(m.match('/41', 'GET', 'other'))).toEqual({ endpoint: 'foo', args: { foo: 41 } })
  })

  it('defaultSubdomain is the subdomain of rules that give none', () => {
    const m = new UrlMap({ defaultSubdomain: 'www' })
    m.add(new Rule('/', { endpoint: 'index' }))
    m.add(new Rule('/', { endpoint: 'api', subdomain: 'api' }))
    expect(brief(m.match('/', 'GET', 'www'))).toEqual({ endpoint: 'index', args: {} })
    expect(m.iterRules('index')[0].subdomain).toBe('www')
    expect(() => { m.defaultSubdomain = '' }).toThrow(/before rules are added/)
  })

  it('refuses a malformed subdomain with a RuleError naming the rule', () => {
    const m = new UrlMap()
    expect(() => m.add(new Rule('/', { endpoint: 'a', subdomain: 'a/b' }))).toThrow(/cannot contain '\/'/)
    expect(() => m.add(new Rule('/', { endpoint: 'a', subdomain: '<x' }))).toThrow(RuleError)
    expect(() => m.add(new Rule('/<id>', { endpoint: 'a', subdomain: '<id>' }))).toThrow(/used twice/)
    expect(() => m.add(new Rule('/', { endpoint: 'a', subdomain: '<nope:x>' }))).toThrow(/unknown converter 'nope'/)
  })
})

describe('host matching', () => {
  it('test_host_matching: host rules with variables, defaults and slash redirects', () => {
    const m = mapOf(
      [
        ['/', { endpoint: 'index', host: 'www.<domain>' }],
        ['/', { endpoint: 'files', host: 'files.<domain>' }],
        ['/foo/', { endpoint: 'x', defaults: { page: 1 }, host: 'www.<domain>' }],
        ['/<int:page>', { endpoint: 'x', host: 'files.<domain>' }],
      ],
      { hostMatching: true },
    )
    expect(brief(m.match('/', 'GET', 'www.example.com'))).toEqual({ endpoint: 'index', args: { domain: 'example.com' } })
    expect(brief(m.match('/foo/', 'GET', 'www.example.com'))).toEqual({ endpoint: 'x', args: { domain: 'example.com', page: 1 } })
    expect(m.match('/foo', 'GET', 'www.example.com')).toEqual({ kind: 'redirect', location: '/foo/', status: 308 })
    expect(brief(m.match('/', 'GET', 'files.example.com'))).toEqual({ endpoint: 'files', args: { domain: 'example.com' } })
    expect(brief(m.match('/2', 'GET', 'files.example.com'))).toEqual({ endpoint: 'x', args: { domain: 'example.com', page: 2 } })
    // Werkzeug: http://www.example.com/foo/ — the canonical rule is on the www host
    expect(m.match('/1', 'GET', 'files.example.com')).toEqual({
      kind: 'redirect', location: '/foo/', status: 308, domain: 'www.example.com',
    })
  })

  it('test_host_matching_building and test_build_url_same_endpoint_multiple_hosts: the rule on the current host is preferred', () => {
    const m = mapOf(
      [
        ['/', { endpoint: 'index', host: 'alpha.example.com' }],
        ['/', { endpoint: 'index', host: 'beta.example.com' }],
        ['/', { endpoint: 'gamma', host: 'gamma.example.com' }],
      ],
      { hostMatching: true },
    )
    expect(m.buildParts('index', {}, { domain: 'alpha.example.com' })).toEqual({ domain: 'alpha.example.com', path: '/' })
    expect(m.buildParts('index', {}, { domain: 'beta.example.com' })).toEqual({ domain: 'beta.example.com', path: '/' })
    expect(m.buildParts('index', {}, { domain: 'gamma.example.com' })).toEqual({ domain: 'alpha.example.com', path: '/' })
    expect(m.buildParts('gamma', {}, { domain: 'alpha.example.com' })).toEqual({ domain: 'gamma.example.com', path: '/' })
  })

  it('a rule without a host never matches with host matching, and subdomain is ignored', () => {
    const m = mapOf([['/', 'index'], ['/s', { endpoint: 's', subdomain: 'x' }]], { hostMatching: true })
    expect(m.match('/', 'GET', 'example.com').kind).toBe('notFound')
    expect(brief(m.match('/s', 'GET'))).toEqual({ endpoint: 's', args: {} })
  })

  it('hostMatching can be set only before rules are added', () => {
    const m = new UrlMap()
    m.hostMatching = true
    m.add(new Rule('/', { endpoint: 'i', host: 'example.com' }))
    expect(() => { m.hostMatching = false }).toThrow(/before rules are added/)
  })
})

describe('DuplicateRuleError (Werkzeug 3.2)', () => {
  const add = (m: UrlMap, rule: string, options: Partial<ConstructorParameters<typeof Rule>[1]> = {}): void =>
    m.add(new Rule(rule, { endpoint: 'e' + m.rules().length, ...options }))

  it('the same rule twice is an error naming both rules; the map keeps the first', () => {
    const m = new UrlMap()
    add(m, '/a', { methods: ['GET'] })
    let error: unknown
    try {
      add(m, '/a', { methods: ['GET'] })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DuplicateRuleError)
    expect(error).toBeInstanceOf(RuleError)
    const dup = error as DuplicateRuleError
    expect(dup.existing.endpoint).toBe('e0')
    expect(dup.duplicate.endpoint).toBe('e1')
    expect(dup.message).toContain("'/a' (GET, HEAD) -> e1 duplicates the rule '/a' (GET, HEAD) -> e0")
    expect(m.rules()).toHaveLength(1)
    expect(brief(m.match('/a', 'GET'))).toEqual({ endpoint: 'e0', args: {} })
  })

  it('overlapping methods count, HEAD and OPTIONS aside; any-method rules overlap everything', () => {
    const m = new UrlMap()
    add(m, '/a', { methods: ['GET', 'OPTIONS'] })
    add(m, '/a', { methods: ['POST', 'OPTIONS'] }) // OPTIONS alone does not make a duplicate
    add(m, '/h', { methods: ['GET'] })
    add(m, '/h', { methods: ['PUT'] })
    expect(() => add(m, '/a', { methods: ['POST', 'DELETE'] })).toThrow(DuplicateRuleError)
    expect(() => add(m, '/a')).toThrow(DuplicateRuleError)
    add(m, '/opt', { methods: ['OPTIONS'] })
    expect(() => add(m, '/opt', { methods: ['OPTIONS'] })).toThrow(DuplicateRuleError) // equal sets
  })

  it('different converters, a trailing slash, a subdomain or a host make a different rule', () => {
    const m = new UrlMap()
    add(m, '/u/<int:id>')
    add(m, '/u/<id>')
    add(m, '/u/<uuid:id>')
    expect(() => add(m, '/u/<int:other>')).toThrow(DuplicateRuleError) // the variable's name does not matter
    add(m, '/d')
    add(m, '/d/')
    add(m, '/d', { subdomain: 'api' })
    add(m, '/d', { subdomain: '<user>' })
    expect(() => add(m, '/d', { subdomain: 'api' })).toThrow(DuplicateRuleError)
    expect(() => add(m, '/d', { host: 'example.com' })).toThrow(DuplicateRuleError) // host is ignored without host matching
    add(m, '//d//x')
    expect(() => add(m, '/d/x')).toThrow(DuplicateRuleError) // merged slashes: the same parts
  })

  it('with host matching, the host is part of the rule', () => {
    const m = new UrlMap({ hostMatching: true })
    add(m, '/', { host: 'a.example.com' })
    add(m, '/', { host: 'b.example.com' })
    expect(() => add(m, '/', { host: 'a.example.com' })).toThrow(DuplicateRuleError)
  })

  it('an endpointAlias rule (a URL named twice, as in Flask\'s tutorial) is not a duplicate and matches only after the first', () => {
    const m = new UrlMap()
    add(m, '/', { endpoint: 'blog.index' })
    add(m, '/', { endpoint: 'index', endpointAlias: true })
    expect(brief(m.match('/', 'GET'))).toEqual({ endpoint: 'blog.index', args: {} })
    expect(m.build('index')).toBe('/')
    expect(() => add(m, '/', { endpoint: 'other' })).toThrow(DuplicateRuleError) // the alias does not hide the first rule
  })

  it('a refused rule is not bound and can be fixed and added again elsewhere', () => {
    const m = new UrlMap()
    add(m, '/a')
    const again = new Rule('/a', { endpoint: 'x' })
    expect(() => m.add(again)).toThrow(DuplicateRuleError)
    expect(again.map).toBeNull()
    const other = new UrlMap()
    other.add(again)
    expect(again.map).toBe(other)
    expect(() => other.add(again)).toThrow(/already added to this UrlMap/)
  })
})
