import { describe, it, expect } from 'vitest'
import { UrlMap, Rule, RuleError } from '../../src/routing/index.ts'

function addError(rule: string, options: Partial<ConstructorParameters<typeof Rule>[1]> = {}, map = new UrlMap()): string {
  try {
    map.add(new Rule(rule, { endpoint: 'e', ...options }))
  } catch (error) {
    expect(error).toBeInstanceOf(RuleError)
    return (error as Error).message
  }
  throw new Error(`expected '${rule}' to be rejected`)
}

describe('Rule', () => {
  it('exposes its parts', () => {
    const map = new UrlMap()
    const rule = new Rule('/u/<int:id>/<slug>/', {
      endpoint: 'user',
      methods: ['get', 'post'],
      defaults: { tab: 'a' },
      redirectTo: '/x/<id>',
    })
    expect(rule.arguments).toEqual(new Set(['id', 'slug', 'tab']))
    expect(rule.map).toBeNull()
    map.add(rule)
    expect(rule.rule).toBe('/u/<int:id>/<slug>/')
    expect(String(rule)).toBe('/u/<int:id>/<slug>/')
    expect(rule.endpoint).toBe('user')
    expect(rule.methods).toEqual(new Set(['GET', 'HEAD', 'POST']))
    expect(rule.defaults).toEqual({ tab: 'a' })
    expect(rule.strictSlashes).toBe(true)
    expect(rule.isLeaf).toBe(false)
    expect(rule.redirectTo).toBe('/x/<id>')
    expect(rule.map).toBe(map)
    expect(Object.keys(rule.converters)).toEqual(['id', 'slug'])
    expect(new Rule('/a', { endpoint: 'a' }).isLeaf).toBe(true)
  })
  it('copies and freezes defaults', () => {
    const defaults = { a: 1 }
    const rule = new Rule('/', { endpoint: 'i', defaults })
    defaults.a = 2
    expect(rule.defaults).toEqual({ a: 1 })
    expect(Object.isFrozen(rule.defaults)).toBe(true)
  })
})

describe('malformed rules are rejected by map.add with a clear message', () => {
  it('unclosed <', () => {
    expect(addError('/u/<int:id')).toBe("Invalid URL rule '/u/<int:id': unclosed '<' at position 3")
  })
  it('invalid placeholders', () => {
    expect(addError('/u/<1x>')).toMatch(/^Invalid URL rule '\/u\/<1x>': invalid placeholder '<1x>' at position 3/)
    expect(addError('/u/<int:>')).toMatch(/invalid placeholder '<int:>'/)
    expect(addError('/u/<>')).toMatch(/invalid placeholder '<>'/)
  })
  it('missing leading slash', () => {
    expect(addError('u/<id>')).toBe("Invalid URL rule 'u/<id>': a rule must start with '/'")
  })
  it('unknown converter', () => {
    expect(addError('/u/<nope:id>')).toMatch(/unknown converter 'nope' in '<nope:id>' \(known: default, string, int/)
    expect(addError('/u/<toString:id>')).toMatch(/unknown converter 'toString'/)
  })
  it('duplicate argument names', () => {
    expect(addError('/<a>/<int:a>')).toBe("Invalid URL rule '/<a>/<int:a>': the variable name 'a' is used twice")
  })
  it('bad converter arguments', () => {
    expect(addError('/<int(min=x y):n>')).toMatch(/bad converter arguments in '<int\(min=x y\):n>': cannot parse/)
    expect(addError('/<int(foo=1):n>')).toMatch(/unexpected argument 'foo'/)
    expect(addError('/<any:n>')).toMatch(/at least one item/)
    expect(addError('/<string(length=a):n>')).toMatch(/'length' must be a non-negative integer/)
  })
  it('bad options', () => {
    expect(addError('/', { methods: [] })).toMatch(/methods is empty/)
    expect(addError('/', { methods: 'GET' as unknown as string[] })).toMatch(/methods must be a list such as \['GET'\]/)
    expect(addError('/', { endpoint: '' })).toMatch(/endpoint must be a non-empty string/)
    expect(addError('/<__proto__>')).toMatch(/'__proto__' cannot be a variable name/)
    expect(addError('/<int:id>', { defaults: { id: 'x' } })).toMatch(/the default for 'id' is rejected by '<int:id>'/)
    expect(addError('/<id>', { redirectTo: '/x/<other>' })).toMatch(/uses <other> but the rule has no argument 'other'/)
  })
  it('a converter with an invalid regex', () => {
    const map = new UrlMap()
    map.converters.bad = class extends map.converters.default {
      override regex = '(unclosed'
    }
    expect(addError('/<bad:x>', {}, map)).toMatch(/invalid regex \(unclosed/)
  })
  it('adding a rule twice', () => {
    const map = new UrlMap()
    const rule = new Rule('/', { endpoint: 'i' })
    map.add(rule)
    expect(() => map.add(rule)).toThrow(/already added/)
    expect(() => new UrlMap().add(rule)).toThrow(/already added/)
    expect(map.rules().length).toBe(1)
  })
  it('a failed add leaves the map unchanged', () => {
    const map = new UrlMap()
    expect(() => map.add(new Rule('/<nope:x>', { endpoint: 'x' }))).toThrow(RuleError)
    expect(map.rules()).toEqual([])
    expect(map.match('/a', 'GET').kind).toBe('notFound')
  })
})
