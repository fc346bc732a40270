/** Unit tests of the internal helpers behind sendFile. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { contentDisposition } from '../../src/static/content-disposition.ts'
import { adler32, etagMatches, parseEtags, quoteEtag } from '../../src/static/etag.ts'
import { httpDate, parseHttpDate } from '../../src/static/http-date.ts'
import { resolveRange } from '../../src/static/range.ts'

describe('etags', () => {
  it('adler32 matches the reference value', () => {
    expect(adler32('Wikipedia')).toBe(0x11e60398)
  })

  it('parses lists, weak tags, the wildcard and empty items', () => {
    expect(parseEtags('W/"a", "b"')).toEqual([
      { tag: 'a', weak: true },
      { tag: 'b', weak: false },
    ])
    expect(parseEtags(' * ')).toBe('*')
    expect(parseEtags('"a",,b')).toEqual([
      { tag: 'a', weak: false },
      { tag: 'b', weak: false },
    ])
    expect(parseEtags(null)).toEqual([])
  })

  it('compares weakly and strongly', () => {
    expect(etagMatches('"a"', 'W/"a"', 'weak')).toBe(true)
    expect(etagMatches('W/"a"', '"a"', 'weak')).toBe(true)
    expect(etagMatches('"a"', 'W/"a"', 'strong')).toBe(false)
    expect(etagMatches('W/"a"', 'W/"a"', 'strong')).toBe(false)
    expect(etagMatches('"a"', '"b", "a"', 'strong')).toBe(true)
    expect(etagMatches(null, '*', 'strong')).toBe(true)
    expect(etagMatches(null, '"a"', 'weak')).toBe(false)
  })

  it('quotes bare values and refuses embedded quotes', () => {
    expect(quoteEtag('v1')).toBe('"v1"')
    expect(quoteEtag('"v1"')).toBe('"v1"')
    expect(() => quoteEtag('a"b')).toThrow(TypeError)
  })
})

describe('HTTP dates', () => {
  it('formats IMF-fixdate and parses the three forms', () => {
    expect(httpDate(784111777000)).toBe('Sun, 06 Nov 1994 08:49:37 GMT')
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(784111777000)
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(784111777000)
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(784111777000)
    expect(parseHttpDate('1')).toBeNull()
    expect(parseHttpDate('')).toBeNull()
  })
})

describe('resolveRange', () => {
  it('property: a resolved range always lies inside the representation', () => {
    fc.assert(
      fc.property(fc.nat(10_000), fc.option(fc.nat(20_000)), fc.option(fc.nat(20_000)), (size, a, b) => {
        const header = `bytes=${a ?? ''}-${b ?? ''}`
        const r = resolveRange(header, size)
        if (r === null || r === 'unsatisfiable') return
        expect(r.start).toBeGreaterThanOrEqual(0)
        expect(r.end).toBeGreaterThanOrEqual(r.start)
        expect(r.end).toBeLessThan(size)
      }),
    )
  })

  it('never throws on arbitrary headers', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(1000), (header, size) => {
        resolveRange(header, size)
      }),
    )
  })
})

describe('contentDisposition', () => {
  it('ASCII, non-ASCII with fallback, and RFC 5987 escaping of non attr-chars', () => {
    expect(contentDisposition('a b.txt', false)).toBe('inline; filename="a b.txt"')
    expect(contentDisposition('naïve (1).txt', true)).toBe(`attachment; filename="naive (1).txt"; filename*=UTF-8''na%C3%AFve%20%281%29.txt`)
    expect(contentDisposition("it's*.txt\u00e9", true)).toContain(`filename*=UTF-8''it%27s%2A.txt%C3%A9`)
  })
})
