import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Phial } from 'phial'
import { compileOrigins, compilePattern, compilePolicy, isValidOrigin, mergeCorsOptions, parseResources, preflightResponse } from 'phial/cors'

describe('isValidOrigin', () => {
  it('accepts serialized origins, IPv6 and null; refuses anything with more', () => {
    for (const ok of ['https://example.com', 'http://127.0.0.1:5000', 'http://[::1]:8080', 'null', 'chrome-extension://abcdef']) {
      expect(isValidOrigin(ok), ok).toBe(true)
    }
    for (const bad of ['', 'example.com', 'https://', 'https://a.test/x', 'https://a.test?q', 'https://a.test#f', 'https://a b', 'https://a.test:123456', 'NULL ', 'https://a.test\r\n']) {
      expect(isValidOrigin(bad), JSON.stringify(bad)).toBe(false)
    }
  })

  it('never accepts a value with CR, LF, NUL, space or comma (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('\r', '\n', '\0', ' ', ','), fc.string(), (a, bad, b) => {
        expect(isValidOrigin(`https://${a}${bad}${b}`)).toBe(false)
      }),
    )
  })
})

describe('resource patterns', () => {
  it('glob strings match whole paths, RegExps are anchored', () => {
    const api = compilePattern('/api/*')
    expect([api('/api'), api('/api/'), api('/api/a/b'), api('/apiary'), api('/x/api/')]).toEqual([true, true, true, false, false])
    const mid = compilePattern('/u/*/posts')
    expect([mid('/u/1/posts'), mid('/u/1/posts/2'), mid('/u/posts')]).toEqual([true, false, false])
    const re = compilePattern(/\/v\d+\/.*/)
    expect([re('/v2/x'), re('/a/v2/x')]).toEqual([true, false])
    expect(compilePattern('/exact')('/exact/')).toBe(false)
  })

  it('a glob with many stars stays fast on a long adversarial path', () => {
    const many = compilePattern('/*a*a*a*a*a*a*a*a*b')
    const path = '/' + 'a'.repeat(100_000)
    const start = performance.now()
    expect(many(path)).toBe(false)
    expect(performance.now() - start).toBeLessThan(200)
  })

  it('sorts resources longest first', () => {
    expect(parseResources({ '/*': {}, '/api/public/*': {}, '/api/*': {} }).map((r) => r.source)).toEqual(['/api/public/*', '/api/*', '/*'])
  })
})

describe('compileOrigins', () => {
  it('anchors RegExps and drops the g flag (no lastIndex surprises)', () => {
    const rule = compileOrigins(/https:\/\/a\.test/g)
    expect(rule.patterns[0]!.test('https://a.test')).toBe(true)
    expect(rule.patterns[0]!.test('https://a.test')).toBe(true)
    expect(rule.patterns[0]!.test('https://a.test.evil')).toBe(false)
  })
})

describe('any Origin header (property)', () => {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  const policies = [
    compilePolicy(mergeCorsOptions({})),
    compilePolicy(mergeCorsOptions({ origins: [/https:\/\/.*\.example\.com/, 'https://a.test'], supportsCredentials: true })),
  ]
  const origin = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.webUrl().map((u) => new URL(u).origin),
    fc.constantFrom('null', 'https://a.test', 'https://x.example.com', 'https://x.example.com.evil.test'),
  )

  it('is answered with itself or nothing, only when well formed, and never * with credentials', () => {
    fc.assert(
      fc.property(origin, fc.constantFrom(0, 1), (value, which) => {
        const header = value.replace(/[\0-\x1f\x7f]/g, '')
        app.testRequestContext('/', { method: 'OPTIONS', headers: { Origin: header, 'Access-Control-Request-Method': 'GET' } }, (ctx) => {
          const res = preflightResponse(policies[which]!, ctx.request)
          const acao = res.headers.get('access-control-allow-origin')
          if (acao !== null) {
            expect(acao).toBe(header)
            expect(isValidOrigin(header)).toBe(true)
            expect(header).not.toBe('null')
          }
          if (which === 1 && acao !== null) {
            expect(header).toMatch(/^(https:\/\/a\.test|https:\/\/.*\.example\.com)$/i)
          }
        })
      }),
      { numRuns: 300 },
    )
  })
})
