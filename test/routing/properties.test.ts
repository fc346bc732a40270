import { describe, it, expect } from 'vitest'
import fc from 'fast-check'
import { UrlMap, Rule, BaseConverter } from '../../src/routing/index.ts'

/** One rule variable: its placeholder and an arbitrary of valid values (with the value `match` gives back). */
interface Variable {
  placeholder: (name: string) => string
  value: fc.Arbitrary<{ given: unknown; expected: unknown }>
}

const same = <T,>(a: fc.Arbitrary<T>) => a.map((v) => ({ given: v as unknown, expected: v as unknown }))
const text = (min: number, max?: number) =>
  fc.string({ unit: 'binary', minLength: min, maxLength: max ?? 12 }).filter((s) => !s.includes('/'))

const variables: Variable[] = [
  { placeholder: (n) => `<${n}>`, value: same(text(1)) },
  { placeholder: (n) => `<string(length=2):${n}>`, value: same(text(2, 2)).filter((v) => [...(v.given as string)].length === 2) },
  { placeholder: (n) => `<string(minlength=2, maxlength=4):${n}>`, value: same(text(2, 4)).filter((v) => [...(v.given as string)].length >= 2) },
  { placeholder: (n) => `<int:${n}>`, value: same(fc.maxSafeNat()) },
  { placeholder: (n) => `<int(signed=True, min=-50, max=50):${n}>`, value: same(fc.integer({ min: -50, max: 50 })) },
  {
    placeholder: (n) => `<int(fixed_digits=4):${n}>`,
    value: fc.nat({ max: 9999 }).map((v) => ({ given: v, expected: v })),
  },
  {
    placeholder: (n) => `<float(signed=True):${n}>`,
    value: same(fc.double({ min: -1e12, max: 1e12, noNaN: true }).filter((v) => !String(v).includes('e')).map((v) => (Object.is(v, -0) ? 0 : v))),
  },
  { placeholder: (n) => `<uuid:${n}>`, value: fc.uuid().chain((u) => fc.constantFrom(u, u.toUpperCase()).map((g) => ({ given: g, expected: u.toLowerCase() }))) },
  { placeholder: (n) => `<any(red, 'dark blue', é):${n}>`, value: same(fc.constantFrom('red', 'dark blue', 'é')) },
]

const pathVariable: Variable = {
  placeholder: (n) => `<path:${n}>`,
  value: same(
    fc
      .array(text(1, 6), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.join('/')),
  ),
}

const staticText = fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).filter((s) => !/[/<]/.test(s))

/** A segment: static text, or a converter with optional static text around it. */
const segment = fc.oneof(
  staticText.map((s) => ({ source: s, variable: null as Variable | null, prefix: '', suffix: '' })),
  fc.record({
    variable: fc.constantFrom(...variables),
    prefix: fc.option(staticText, { nil: '' }),
    suffix: fc.option(staticText, { nil: '' }),
  }).map((v) => ({ source: '', ...v })),
)

const ruleCase = fc
  .record({
    segments: fc.array(segment, { minLength: 0, maxLength: 4 }),
    path: fc.boolean(),
    trailing: fc.boolean(),
    strict: fc.boolean(),
  })
  .chain(({ segments, path, trailing, strict }) => {
    const parts: string[] = []
    const arbitraries: Record<string, fc.Arbitrary<{ given: unknown; expected: unknown }>> = {}
    segments.forEach((s, i) => {
      if (s.variable === null) parts.push(s.source)
      else {
        parts.push(s.prefix + s.variable.placeholder(`v${i}`) + s.suffix)
        arbitraries[`v${i}`] = s.variable.value
      }
    })
    if (path) {
      parts.push(pathVariable.placeholder('rest'))
      // a path value cannot end with '/' when the rule adds a trailing slash after it
      arbitraries.rest = trailing ? pathVariable.value.filter((v) => !(v.given as string).endsWith('/')) : pathVariable.value
    }
    const rule = '/' + parts.join('/') + (trailing && parts.length > 0 ? '/' : '')
    return fc.record(arbitraries).map((values) => ({ rule, values, strict }))
  })

describe('properties', () => {
  it('match(decode(build(values))) gives back the rule and the values', () => {
    fc.assert(
      fc.property(ruleCase, ({ rule, values, strict }) => {
        const map = new UrlMap()
        map.add(new Rule(rule, { endpoint: 'e', strictSlashes: strict }))
        const given: Record<string, unknown> = {}
        const expected: Record<string, unknown> = {}
        for (const [k, v] of Object.entries(values)) {
          given[k] = v.given
          expected[k] = v.expected
        }
        const built = map.build('e', given)
        expect(built.includes('?')).toBe(false)
        const result = map.match(decodeURIComponent(built), 'GET')
        if (result.kind !== 'match') throw new Error(`${rule} built ${built}, which gave ${JSON.stringify(result)}`)
        expect(result.rule.rule).toBe(rule)
        expect(result.args).toEqual(expected)
      }),
      { numRuns: 1500 },
    )
  })

  it('rebuilding a match gives the same path, in a map with overlapping rules', () => {
    const map = new UrlMap()
    const rules: Array<[string, string]> = [
      ['/', 'index'],
      ['/user/new', 'new_user'],
      ['/user/<name>', 'user'],
      ['/user/<int:id>', 'user_id'],
      ['/user/<name>/posts/<int(min=1):page>', 'posts'],
      ['/files/<path:path>', 'files'],
      ['/files/<path:path>/raw', 'raw'],
      ['/v<int:n>/<any(a, b):kind>', 'versioned'],
      ['/f/<float(signed=True):x>', 'float'],
      ['/id/<uuid:id>/', 'uuid'],
    ]
    for (const [rule, endpoint] of rules) map.add(new Rule(rule, { endpoint }))
    const valuesFor: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
      index: fc.constant({}),
      new_user: fc.constant({}),
      user: fc.record({ name: fc.oneof(text(1), fc.constantFrom('new', '12')) }),
      user_id: fc.record({ id: fc.maxSafeNat() }),
      posts: fc.record({ name: text(1), page: fc.integer({ min: 1, max: 1000 }) }),
      files: fc.record({ path: fc.oneof(pathVariable.value.map((v) => v.given), fc.constant('a/raw')) }),
      raw: fc.record({ path: pathVariable.value.map((v) => v.given) }),
      versioned: fc.record({ n: fc.nat(), kind: fc.constantFrom('a', 'b') }),
      float: fc.record({ x: fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((v) => !String(v).includes('e')) }),
      uuid: fc.record({ id: fc.uuid() }),
    }
    const endpointCase = fc.constantFrom(...Object.keys(valuesFor)).chain((endpoint) =>
      valuesFor[endpoint].map((values) => ({ endpoint, values })),
    )
    fc.assert(
      fc.property(endpointCase, ({ endpoint, values }) => {
        const built = map.build(endpoint, values)
        const result = map.match(decodeURIComponent(built), 'GET')
        if (result.kind !== 'match') throw new Error(`${endpoint} built ${built}, which gave ${JSON.stringify(result)}`)
        expect(map.build(result.rule.endpoint, result.args)).toBe(built)
      }),
      { numRuns: 1000 },
    )
  })

  it('match never throws, whatever the path and method', () => {
    class Upper extends BaseConverter {
      override regex = '[A-Z]+'
      override weight = 10
    }
    const map = new UrlMap({ converters: { upper: Upper } })
    const rules: Array<[string, Partial<ConstructorParameters<typeof Rule>[1]>]> = [
      ['/', {}],
      ['/a/', { methods: ['POST'] }],
      ['/a/<int(min=2, max=90):n>', { methods: ['GET'] }],
      ['/a/<float(signed=True):x>', {}],
      ['/a/<string(length=3):s>', { strictSlashes: false }],
      ['/a/<upper:u>/<path:p>/', {}],
      ['/b/<uuid:id>', { redirectTo: '/c/<id>' }],
      ['/b/<any(x, y):k>-<int(fixed_digits=2):d>', { redirectTo: (args) => `/k/${String(args.k)}` }],
      ['/c/', { defaults: { page: 1 } }],
      ['/c/<int:page>', {}],
      ['/d/<path:p>/edit', {}],
      ['/d/<path:p>', { methods: ['PUT'] }],
    ]
    rules.forEach(([rule, options], i) => map.add(new Rule(rule, { endpoint: i === 9 ? 'e8' : `e${i}`, ...options })))
    const piece = fc.oneof(
      fc.constantFrom('', 'a', 'b', 'c', 'd', 'edit', '1', '02', '99', '-1.5', 'ABC', 'x-01', 'y-3', 'é', '..', '%', '\uD800', 'a\uDC00', '9b2e0a3c-1d4f-4a5b-8c6d-7e8f9a0b1c2d'),
      fc.string({ unit: 'binary', maxLength: 6 }),
    )
    const path = fc.oneof(
      fc.array(piece, { maxLength: 6 }).map((parts) => '/' + parts.join('/')),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
    )
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'get', '')
    fc.assert(
      fc.property(path, method, (p, m) => {
        const result = map.match(p, m)
        expect(['match', 'redirect', 'methodNotAllowed', 'notFound']).toContain(result.kind)
        expect(Array.isArray(map.allowedMethods(p))).toBe(true)
      }),
      { numRuns: 3000 },
    )
  })
})
