import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { HeaderMap } from 'phial'
import { compileCsp, parseCsp, newNonce } from 'phial/talisman'

describe('parseCsp / compileCsp', () => {
  it('round-trips a string policy and keeps directive order', () => {
    const policy = "default-src 'self'; img-src 'self' data: https://cdn.test; upgrade-insecure-requests"
    expect(compileCsp(parseCsp(policy), { nonceIn: [], reportUri: null, reportOnly: false }).plain).toBe(policy)
  })

  it('merges a directive given twice, in camelCase and dashed', () => {
    const parsed = parseCsp({ scriptSrc: "'self'", 'script-src': 'https://cdn.test' })
    expect(parsed.get('script-src')).toEqual(["'self'", 'https://cdn.test'])
  })

  it('slots the nonce into each listed directive present', () => {
    const csp = compileCsp(parseCsp("script-src 'self'; style-src 'self'; img-src *"), { nonceIn: ['script-src', 'style-src', 'font-src'], reportUri: '/r', reportOnly: true })
    expect(csp.header).toBe('content-security-policy-report-only')
    expect(csp.pieces!.join('N')).toBe("script-src 'self' 'nonce-N'; style-src 'self' 'nonce-N'; img-src *; report-uri /r")
  })

  it('never yields a header value that could split a response (property)', () => {
    const source = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ maxLength: 8, unit: 'binary' }))
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.array(source, { maxLength: 3 })), (policy) => {
        let compiled
        try {
          compiled = compileCsp(parseCsp(policy), { nonceIn: ['script-src'], reportUri: null, reportOnly: false })
        } catch (err) {
          expect(err).toBeInstanceOf(TypeError)
          return
        }
        // what was accepted is a valid header value, with or without a nonce
        new HeaderMap().set('Content-Security-Policy', compiled.plain)
        expect(compiled.plain).toMatch(/^[\x20-\x7e]*$/)
        if (compiled.pieces) new HeaderMap().set('Content-Security-Policy', compiled.pieces.join(newNonce()))
      }),
      { numRuns: 300 },
    )
  })

  it('nonces are 128-bit base64 and distinct', () => {
    const seen = new Set(Array.from({ length: 1000 }, newNonce))
    expect(seen.size).toBe(1000)
    for (const n of seen) expect(Buffer.from(n, 'base64')).toHaveLength(16)
  })
})
