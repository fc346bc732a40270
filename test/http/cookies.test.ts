import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseCookies, serializeCookie } from '../../src/http/cookies.ts'

describe('parseCookies (lead-owned module, tested here)', () => {
  it('parses a header and pollutes nothing', () => {
    const c = parseCookies('session=abc; theme=dark; __proto__=x')
    expect(c.session).toBe('abc')
    expect(c.theme).toBe('dark')
    expect(({} as Record<string, unknown>).x).toBeUndefined()
    expect(parseCookies(undefined)).toEqual({})
    expect(parseCookies('')).toEqual({})
  })

  it('property: never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('=', ';', ' ', '%', '"', 'a', '\r', '\n') })), (header) => {
        const c = parseCookies(header)
        for (const v of Object.values(c)) expect(typeof v).toBe('string')
      }),
      { numRuns: 1000 },
    )
  })
})

describe('serializeCookie (lead-owned module, tested here)', () => {
  it('serializes attributes', () => {
    const s = serializeCookie('theme', 'dark', { maxAge: 3600, httpOnly: true, sameSite: 'Lax', secure: true })
    expect(s).toMatch(/^theme=dark; Max-Age=3600; /)
    expect(s).toContain('Path=/')
    expect(s).toContain('HttpOnly')
    expect(s).toContain('Secure')
    expect(s).toContain('SameSite=Lax')
  })

  it('throws TypeError on CR/LF in name, path or domain', () => {
    for (const bad of ['a\r\nSet-Cookie: x=1', 'a\nb', 'a\rb']) {
      expect(() => serializeCookie(bad, 'v')).toThrow(TypeError)
      expect(() => serializeCookie('n', 'v', { path: `/${bad}` })).toThrow(TypeError)
      expect(() => serializeCookie('n', 'v', { domain: `${bad}.com` })).toThrow(TypeError)
    }
  })

  it('never lets CR/LF from a value into the header (it is percent-encoded)', () => {
    const s = serializeCookie('n', 'v\r\nSet-Cookie: evil=1')
    expect(s).not.toMatch(/[\r\n]/)
    expect(s.startsWith('n=v%0D%0ASet-Cookie')).toBe(true)
  })

  it('property: the output never contains CR, LF or NUL', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.option(fc.string()), fc.option(fc.string()), (name, value, path, domain) => {
        let out: string
        try {
          out = serializeCookie(name, value, { path, domain })
        } catch (err) {
          expect(err).toBeInstanceOf(TypeError)
          return
        }
        expect(out).not.toMatch(/[\r\n\0]/)
      }),
      { numRuns: 1000 },
    )
  })
})
