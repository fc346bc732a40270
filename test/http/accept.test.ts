import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Accept, CharsetAccept, LanguageAccept, MIMEAccept, parseAccept } from '../../src/http/accept.ts'

const CHROME = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'

describe('Accept', () => {
  it('parses values and qualities, best first', () => {
    const a = new Accept('gzip;q=0.5, br, *;q=0.1, identity;q=0')
    expect([...a]).toEqual([
      ['br', 1],
      ['gzip', 0.5],
      ['*', 0.1],
      ['identity', 0],
    ])
    expect(a.values()).toEqual(['br', 'gzip', '*', 'identity'])
    expect(a.best).toBe('br')
    expect(a.quality('GZIP')).toBe(0.5)
    expect(a.quality('deflate')).toBe(0.1)
    expect(a.quality('identity')).toBe(0) // the specific item wins over '*'
    expect(a.includes('identity')).toBe(false)
    expect(a.includes('deflate')).toBe(true)
    expect(a.bestMatch(['deflate', 'gzip'])).toBe('gzip')
    expect(a.bestMatch(['identity'], 'none')).toBe('none')
    expect(a.length).toBe(4)
    expect(String(a)).toBe('br,gzip;q=0.5,*;q=0.1,identity;q=0')
    expect(a.provided).toBe(true)
  })

  it('a missing header accepts nothing (Werkzeug)', () => {
    const a = parseAccept(undefined, 'mime')
    expect(a.provided).toBe(false)
    expect(a.best).toBeNull()
    expect(a.bestMatch(['text/html'])).toBeNull()
    expect(a.bestMatch(['text/html'], 'x')).toBe('x')
    expect(a.acceptHtml).toBe(false)
  })

  it('never throws on junk and skips bad items', () => {
    const a = new Accept('a;q=2, b;q=-1, c;q=abc, d;q=0.3, , ;;, "quoted, with comma", e;x="1,2";q=0.2')
    expect(a.values()).toEqual(['d', 'e;x="1,2"'])
    expect(a.quality('a')).toBe(0)
    fc.assert(
      fc.property(fc.string(), fc.string(), (header, probe) => {
        for (const kind of ['mime', 'language', 'charset', 'encoding'] as const) {
          const acc = parseAccept(header, kind)
          acc.values()
          if (kind !== 'mime') {
            acc.quality(probe)
            acc.bestMatch([probe])
          } else {
            acc.quality('text/html')
            acc.bestMatch(['application/json', 'text/html'])
          }
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('MIMEAccept', () => {
  it('matches wildcards and negotiates', () => {
    const m = new MIMEAccept(CHROME)
    expect(m.acceptHtml).toBe(true)
    expect(m.acceptXhtml).toBe(true)
    expect(m.acceptJson).toBe(true) // via */*
    expect(m.quality('application/json')).toBe(0.8)
    expect(m.quality('application/xml')).toBe(0.9)
    expect(m.bestMatch(['application/json', 'text/html'])).toBe('text/html')
    expect(m.best).toBe('text/html')
  })

  it('the most specific item decides the quality', () => {
    const m = new MIMEAccept('text/*;q=0.5, text/html, */*;q=0.1')
    expect(m.quality('text/html')).toBe(1)
    expect(m.quality('text/plain')).toBe(0.5)
    expect(m.quality('image/png')).toBe(0.1)
    const lowSpecific = new MIMEAccept('text/*, text/html;q=0.1')
    expect(lowSpecific.quality('text/html')).toBe(0.1)
    expect(lowSpecific.bestMatch(['text/html', 'text/plain'])).toBe('text/plain')
  })

  it('on equal quality prefers the more specific match, then the earlier candidate', () => {
    const m = new MIMEAccept('*/*, application/json')
    expect(m.bestMatch(['text/html', 'application/json'])).toBe('application/json')
    expect(new MIMEAccept('*/*').bestMatch(['text/html', 'application/json'])).toBe('text/html')
  })

  it('sorts by quality then specificity', () => {
    expect(new MIMEAccept('*/*, text/*, text/html;level=1, text/html;q=0.7').values()).toEqual([
      'text/html;level=1',
      'text/*',
      '*/*',
      'text/html',
    ])
  })

  it('parameters must match when the client gives them', () => {
    const m = new MIMEAccept('text/html;level=1')
    expect(m.includes('text/html;level=1')).toBe(true)
    expect(m.includes('text/html; LEVEL=1')).toBe(true)
    expect(m.includes('text/html')).toBe(false)
  })

  it('a lone * is */*; junk items never match', () => {
    expect(new MIMEAccept('*; q=.2').quality('image/gif')).toBe(0.2)
    const junk = new MIMEAccept('garbage, */html, text/')
    expect(junk.includes('text/html')).toBe(false)
    expect(junk.bestMatch(['text/html'])).toBeNull()
  })

  it('JSON only', () => {
    const m = parseAccept('application/json', 'mime')
    expect(m.acceptJson).toBe(true)
    expect(m.acceptHtml).toBe(false)
    expect(m.bestMatch(['text/html', 'application/json'])).toBe('application/json')
  })

  it('an invalid candidate is a developer error', () => {
    expect(() => new MIMEAccept('*/*').quality('json')).toThrow(TypeError)
  })
})

describe('LanguageAccept', () => {
  it('normalizes tags and falls back to primary tags', () => {
    const l = new LanguageAccept('de-AT, de;q=0.9, en;q=0.5')
    expect(l.bestMatch(['en', 'de'])).toBe('de')
    expect(l.bestMatch(['de_at', 'de'])).toBe('de_at')
    expect(l.bestMatch(['de-DE', 'fr'])).toBe('de-DE')
    expect(l.bestMatch(['fr'], 'en')).toBe('en')
    expect(new LanguageAccept('en-US').bestMatch(['en', 'fr'])).toBe('en')
    expect(new LanguageAccept('en').bestMatch(['fr', 'en-GB'])).toBe('en-GB')
    expect(l.best).toBe('de-AT')
    expect(parseAccept('fr;q=0.8, en', 'language').best).toBe('en')
  })
})

describe('CharsetAccept', () => {
  it('compares charset names loosely', () => {
    const c = new CharsetAccept('ISO-8859-1, utf-8;q=0.7')
    expect(c.quality('UTF8')).toBe(0.7)
    expect(c.quality('latin1')).toBe(1)
    expect(c.bestMatch(['utf8', 'latin1'])).toBe('latin1')
    expect(parseAccept('utf-8', 'charset')).toBeInstanceOf(CharsetAccept)
  })
})
