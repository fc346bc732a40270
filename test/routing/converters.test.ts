import { describe, it, expect } from 'vitest'
import {
  UrlMap,
  StringConverter,
  IntegerConverter,
  FloatConverter,
  PathConverter,
  UuidConverter,
  AnyConverter,
  ValidationError,
  parseConverterArgs,
  DEFAULT_CONVERTERS,
} from '../../src/routing/index.ts'
import { brief, mapOf } from './helpers.ts'

const map = new UrlMap()
const args = (source: string) => parseConverterArgs(source)

describe('parseConverterArgs', () => {
  it('parses Python-like literals', () => {
    expect(args("4, 1.5, -3, True, False, None, 'q, x', \"dq\", bare_word")).toEqual({
      positional: [4, 1.5, -3, true, false, null, 'q, x', 'dq', 'bare_word'],
      keyword: {},
    })
  })
  it('parses keyword arguments and a trailing comma', () => {
    const parsed = args('min=1, max = 9, signed=True,')
    expect(parsed.positional).toEqual([])
    expect({ ...parsed.keyword }).toEqual({ min: 1, max: 9, signed: true })
  })
  it('returns no arguments for an empty string', () => {
    expect(args('  ')).toEqual({ positional: [], keyword: {} })
  })
  it('rejects garbage, empty items, unterminated strings and repeated keywords', () => {
    expect(() => args('a b')).toThrow(/cannot parse converter argument 'a b'/)
    expect(() => args('1,,2')).toThrow(/empty argument/)
    expect(() => args("'abc")).toThrow(/unterminated string/)
    expect(() => args('min=1, min=2')).toThrow(/given twice/)
    expect(() => args("'a' b")).toThrow(/unexpected/)
  })
})

describe('string converter (default)', () => {
  it('matches any text without a slash, at least one character', () => {
    const c = new StringConverter(map, args(''))
    expect(c.regex).toBe('[^/]+')
    expect(c.weight).toBe(100)
    expect(c.partIsolating).toBe(true)
    expect(c.toValue('héllo')).toBe('héllo')
  })
  it('takes minlength, maxlength and length (positional or keyword)', () => {
    expect(new StringConverter(map, args('minlength=2')).regex).toBe('[^/]{2,}')
    expect(new StringConverter(map, args('2, 4')).regex).toBe('[^/]{2,4}')
    expect(new StringConverter(map, args('length=3')).regex).toBe('[^/]{3}')
    expect(() => new StringConverter(map, args('maxlength=1, minlength=3'))).toThrow(/below minlength/)
    expect(() => new StringConverter(map, args('length=-1'))).toThrow(/non-negative integer/)
    expect(() => new StringConverter(map, args('size=3'))).toThrow(/unexpected argument 'size'/)
    expect(() => new StringConverter(map, args('1, 2, 3, 4'))).toThrow(/at most 3/)
  })
  it('counts length in characters, not UTF-16 units, when matching', () => {
    const m = mapOf([['/c/<string(length=2):code>', 'code']])
    expect(brief(m.match('/c/😀é', 'GET'))).toEqual({ endpoint: 'code', args: { code: '😀é' } })
    expect(m.match('/c/abc', 'GET').kind).toBe('notFound')
    expect(m.match('/c/a', 'GET').kind).toBe('notFound')
  })
  it('percent-encodes values, including the slash, keeping Werkzeug\'s safe characters', () => {
    const c = new StringConverter(map, args(''))
    expect(c.toUrl("a b/c?d#e%f!$&'()*+,:;=@~")).toBe("a%20b%2Fc%3Fd%23e%25f!$&'()*+,:;=@~")
    expect(c.toUrl('café')).toBe('caf%C3%A9')
    expect(c.toUrl(12)).toBe('12')
  })
})

describe('int converter', () => {
  it('matches digits and gives a number, weight 50', () => {
    const c = new IntegerConverter(map, args(''))
    expect(c.regex).toBe('\\d+')
    expect(c.weight).toBe(50)
    expect(c.toValue('0042')).toBe(42)
  })
  it('checks min and max', () => {
    const c = new IntegerConverter(map, args('min=1, max=9'))
    expect(c.toValue('9')).toBe(9)
    expect(() => c.toValue('0')).toThrow(ValidationError)
    expect(() => c.toValue('10')).toThrow(ValidationError)
    expect(() => c.toUrl(10)).toThrow(/above max=9/)
    expect(() => c.toUrl(0)).toThrow(/below min=1/)
  })
  it('checks and pads fixed_digits', () => {
    const c = new IntegerConverter(map, args('fixed_digits=4'))
    expect(c.toValue('0042')).toBe(42)
    expect(() => c.toValue('42')).toThrow(ValidationError)
    expect(() => c.toValue('00042')).toThrow(ValidationError)
    expect(c.toUrl(42)).toBe('0042')
    expect(() => c.toUrl(12345)).toThrow(/fixed_digits/)
    expect(new IntegerConverter(map, args('2')).fixedDigits).toBe(2)
  })
  it('accepts negative numbers only when signed', () => {
    const m = mapOf([
      ['/n/<int:n>', 'unsigned'],
      ['/s/<int(signed=True):n>', 'signed'],
    ])
    expect(m.match('/n/-3', 'GET').kind).toBe('notFound')
    expect(brief(m.match('/s/-3', 'GET'))).toEqual({ endpoint: 'signed', args: { n: -3 } })
    expect(m.build('signed', { n: -3 })).toBe('/s/-3')
    expect(() => m.build('unsigned', { n: -3 })).toThrow(/signed=False/)
  })
  it('rejects integers beyond the safe range when matching', () => {
    const c = new IntegerConverter(map, args(''))
    expect(() => c.toValue('9007199254740993')).toThrow(ValidationError)
  })
  it('builds from numbers, bigints and digit strings, rejects others', () => {
    const c = new IntegerConverter(map, args(''))
    expect(c.toUrl(7)).toBe('7')
    expect(c.toUrl(7n)).toBe('7')
    expect(c.toUrl('7')).toBe('7')
    expect(() => c.toUrl(1.5)).toThrow(ValidationError)
    expect(() => c.toUrl('abc')).toThrow(/expected an integer, got 'abc'/)
    expect(() => c.toUrl(null)).toThrow(ValidationError)
  })
  it('rejects bad arguments', () => {
    expect(() => new IntegerConverter(map, args('min=a'))).toThrow(/'min' must be a number/)
    expect(() => new IntegerConverter(map, args('signed=1'))).toThrow(/True or False/)
    expect(() => new IntegerConverter(map, args('fixed_digits=1.5'))).toThrow(/non-negative integer/)
  })
})

describe('float converter', () => {
  it('matches digits.digits and gives a number', () => {
    const c = new FloatConverter(map, args(''))
    expect(c.regex).toBe('\\d+\\.\\d+')
    expect(c.weight).toBe(50)
    expect(c.toValue('2.50')).toBe(2.5)
    const m = mapOf([['/p/<float:p>', 'price']])
    expect(m.match('/p/2', 'GET').kind).toBe('notFound')
    expect(m.match('/p/1e3', 'GET').kind).toBe('notFound')
    expect(brief(m.match('/p/2.25', 'GET'))).toEqual({ endpoint: 'price', args: { p: 2.25 } })
  })
  it('checks min, max and signed', () => {
    const c = new FloatConverter(map, args('min=0.5, max=2.5'))
    expect(() => c.toValue('0.1')).toThrow(ValidationError)
    expect(() => c.toValue('3.0')).toThrow(ValidationError)
    expect(c.toValue('1.5')).toBe(1.5)
    expect(new FloatConverter(map, args('signed=True')).toValue('-1.5')).toBe(-1.5)
    expect(new FloatConverter(map, args('signed=True')).regex).toBe('-?\\d+\\.\\d+')
  })
  it('writes integers with .0 and refuses exponents', () => {
    const c = new FloatConverter(map, args('signed=True'))
    expect(c.toUrl(2)).toBe('2.0')
    expect(c.toUrl(-0.25)).toBe('-0.25')
    expect(c.toUrl('3.5')).toBe('3.5')
    expect(() => c.toUrl(1e21)).toThrow(/exponent/)
    expect(() => c.toUrl(Number.NaN)).toThrow(ValidationError)
    expect(() => new FloatConverter(map, args('')).toUrl(-1)).toThrow(/signed=False/)
  })
})

describe('path converter', () => {
  it('matches slashes, not a leading one, weight 200, not part-isolating', () => {
    const c = new PathConverter(map, args(''))
    expect(c.weight).toBe(200)
    expect(c.partIsolating).toBe(false)
    const m = mapOf([['/files/<path:p>', 'files']])
    expect(brief(m.match('/files/a/b/c.txt', 'GET'))).toEqual({ endpoint: 'files', args: { p: 'a/b/c.txt' } })
    expect(brief(m.match('/files/a/', 'GET'))).toEqual({ endpoint: 'files', args: { p: 'a/' } })
    expect(m.match('/files/', 'GET').kind).toBe('notFound')
  })
  it('keeps slashes when building', () => {
    expect(new PathConverter(map, args('')).toUrl('a b/c')).toBe('a%20b/c')
  })
  it('takes no arguments', () => {
    expect(() => new PathConverter(map, args('1'))).toThrow(/at most 0/)
  })
})

describe('uuid converter', () => {
  it('matches a UUID and lower-cases it', () => {
    const m = mapOf([['/i/<uuid:id>', 'item']])
    expect(brief(m.match('/i/9B2E0A3C-1D4F-4A5B-8C6D-7E8F9A0B1C2D', 'GET'))).toEqual({
      endpoint: 'item',
      args: { id: '9b2e0a3c-1d4f-4a5b-8c6d-7e8f9a0b1c2d' },
    })
    expect(m.match('/i/not-a-uuid', 'GET').kind).toBe('notFound')
    expect(m.build('item', { id: '9B2E0A3C-1D4F-4A5B-8C6D-7E8F9A0B1C2D' })).toBe('/i/9b2e0a3c-1d4f-4a5b-8c6d-7e8f9a0b1c2d')
    expect(() => m.build('item', { id: 'nope' })).toThrow(/not valid for <uuid:id>/)
    expect(() => new UuidConverter(map, args('x'))).toThrow(/at most 0/)
    expect(() => new UuidConverter(map, args('')).toUrl(5)).toThrow(ValidationError)
  })
})

describe('any converter', () => {
  it('matches one of its items', () => {
    const m = mapOf([["/<any(about, help, 'a.b'):page>", 'page']])
    expect(brief(m.match('/about', 'GET'))).toEqual({ endpoint: 'page', args: { page: 'about' } })
    expect(brief(m.match('/a.b', 'GET'))).toEqual({ endpoint: 'page', args: { page: 'a.b' } })
    expect(m.match('/axb', 'GET').kind).toBe('notFound')
    expect(m.match('/aboutx', 'GET').kind).toBe('notFound')
    expect(m.build('page', { page: 'help' })).toBe('/help')
    expect(() => m.build('page', { page: 'nope' })).toThrow(/'nope' is not one of 'about', 'help', 'a.b'/)
  })
  it('needs positional items', () => {
    expect(() => new AnyConverter(map, args(''))).toThrow(/at least one item/)
    expect(() => new AnyConverter(map, args('x=1'))).toThrow(/only positional/)
    expect(new AnyConverter(map, args('a, b')).items).toEqual(['a', 'b'])
  })
})

describe('registry', () => {
  it('has Werkzeug\'s names, copied per map', () => {
    expect(Object.keys(DEFAULT_CONVERTERS).sort()).toEqual(['any', 'default', 'float', 'int', 'path', 'string', 'uuid'])
    const a = new UrlMap()
    const b = new UrlMap()
    a.converters.mine = StringConverter
    expect(b.converters.mine).toBeUndefined()
  })
})
