import { describe, it, expect } from 'vitest'
import { UrlMap, IntegerConverter, StringConverter, ValidationError, parseConverterArgs } from '../../src/routing/index.ts'
import { compileConverter } from '../../src/routing/convert.ts'
import { compareWeights } from '../../src/routing/weight.ts'
import { closeNames } from '../../src/routing/suggest.ts'
import { brief, mapOf } from './helpers.ts'

const map = new UrlMap()

describe('compiled argument converters', () => {
  const int = new IntegerConverter(map, parseConverterArgs('max=9'))
  const str = new StringConverter(map, parseConverterArgs(''))
  for (const codegen of [true, false]) {
    it(`convert values and add defaults (codegen ${codegen})`, () => {
      const convert = compileConverter([int, str], ['n', 'name'], { tab: 'x', 'odd key': 1 }, codegen)
      expect(convert(['7', 'ann'])).toEqual({ n: 7, name: 'ann', tab: 'x', 'odd key': 1 })
      expect(convert(['12', 'ann'])).toBeNull()
      expect(compileConverter([], [], null, codegen)([])).toEqual({})
    })
    it(`let other errors through (codegen ${codegen})`, () => {
      const broken = new StringConverter(map, parseConverterArgs(''))
      broken.toValue = () => {
        throw new RangeError('boom')
      }
      expect(() => compileConverter([broken], ['x'], null, codegen)(['a'])).toThrow('boom')
    })
  }
  it('a default overrides a variable of the same name, as in Werkzeug', () => {
    const m = mapOf([['/<int:page>', { endpoint: 'p', defaults: { page: 1 } }]])
    expect(brief(m.match('/5', 'GET'))).toEqual({ endpoint: 'p', args: { page: 1 } })
    expect(m.build('p')).toBe('/1')
  })
})

describe('int converter edge cases called directly', () => {
  const c = new IntegerConverter(map, parseConverterArgs('signed=True'))
  it('rejects text that is not an integer', () => {
    for (const bad of ['', '-', '12a', '1.5', ' 1']) expect(() => c.toValue(bad)).toThrow(ValidationError)
  })
  it('parses long and negative values', () => {
    expect(c.toValue('-42')).toBe(-42)
    expect(c.toValue('123456789012345')).toBe(123456789012345)
    expect(c.toValue('9007199254740991')).toBe(9007199254740991)
    expect(() => c.toValue('9007199254740992')).toThrow(ValidationError)
  })
})

describe('nodes with many static children', () => {
  it('find each child, including look-alikes', () => {
    const names = ['a1b', 'a2b', 'a3b', 'ab', 'abb', 'x', 'xx', 'é', 'éé', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', '']
    const m = mapOf(names.map((n) => [`/${n}`, `e_${n}`] as [string, string]).concat([['/<name>', 'dynamic']]))
    for (const n of names) expect(brief(m.match(`/${n}`, 'GET'))).toEqual({ endpoint: `e_${n}`, args: {} })
    expect(brief(m.match('/a4b', 'GET'))).toEqual({ endpoint: 'dynamic', args: { name: 'a4b' } })
    expect(brief(m.match('/k7', 'GET'))).toEqual({ endpoint: 'dynamic', args: { name: 'k7' } })
  })
  it('in a nested node too', () => {
    const children = Array.from({ length: 20 }, (_, i) => `c${i}`)
    const m = mapOf(children.map((c) => [`/p/${c}/<int:n>`, c] as [string, string]))
    for (const c of children) expect(brief(m.match(`/p/${c}/3`, 'GET'))).toEqual({ endpoint: c, args: { n: 3 } })
    expect(m.match('/p/c20/3', 'GET').kind).toBe('notFound')
  })
  it('tell apart segments whose hashes collide', () => {
    // 'Aa' and 'BB' have the same 31-multiplier hash, and so does every string made of them
    const names = ['Aa', 'BB', 'AaAa', 'AaBB', 'BBAa', 'BBBB', 'z']
    const m = mapOf(names.map((n) => [`/h/${n}`, `e_${n}`] as [string, string]).concat([['/h/<name>', 'dynamic']]))
    for (const n of names) expect(brief(m.match(`/h/${n}`, 'GET'))).toEqual({ endpoint: `e_${n}`, args: {} })
    expect(brief(m.match('/h/AaAaAa', 'GET'))).toEqual({ endpoint: 'dynamic', args: { name: 'AaAaAa' } })
    expect(brief(m.match('/h/Ab', 'GET'))).toEqual({ endpoint: 'dynamic', args: { name: 'Ab' } })
  })
  it('keep rules with the same segment in insertion order, whatever the lookup', () => {
    const m = mapOf([
      ['/s/a/<int:x>', { endpoint: 'first', methods: ['GET'] }],
      ['/s/b', 'b'],
      ['/s/c', 'c'],
      ['/s/a/<int:y>', { endpoint: 'second', methods: ['POST'] }],
    ])
    expect(brief(m.match('/s/a/1', 'GET'))).toEqual({ endpoint: 'first', args: { x: 1 } })
    expect(brief(m.match('/s/a/1', 'POST'))).toEqual({ endpoint: 'second', args: { y: 1 } })
  })
})

describe('the exact-path lookup', () => {
  it('finds exact paths of any length, and leaves paths that only share its filter to the tree', () => {
    const long = '/' + 'l'.repeat(40) // length 41, as '/' + 8 chars ending in 'l' modulo 32
    const m = mapOf([
      [long, 'long'],
      ['/ab/c', 'abc'],
      ['/<name>', 'one'],
      ['/ab/<x>', 'ab'],
    ])
    expect(brief(m.match(long, 'GET'))).toEqual({ endpoint: 'long', args: {} })
    expect(brief(m.match('/abcdefgl', 'GET'))).toEqual({ endpoint: 'one', args: { name: 'abcdefgl' } })
    expect(brief(m.match('/ab/c', 'GET'))).toEqual({ endpoint: 'abc', args: {} })
    expect(brief(m.match('/ab/s', 'GET'))).toEqual({ endpoint: 'ab', args: { x: 's' } })
    expect(brief(m.match('/ab/C', 'GET'))).toEqual({ endpoint: 'ab', args: { x: 'C' } }) // 'C' & 31 === 'c' & 31
    expect(brief(m.match('/' + 'l'.repeat(39) + 'L', 'GET'))).toEqual({ endpoint: 'one', args: { name: 'l'.repeat(39) + 'L' } })
  })
})

describe('weights', () => {
  const w = (staticLengths: number[], argumentWeights: number[]) => ({
    staticCount: staticLengths.length,
    staticLengths,
    argumentWeights,
  })
  it('order like Werkzeug', () => {
    expect(compareWeights(w([1], [100]), w([], [50]))).toBeLessThan(0) // more static pieces first
    expect(compareWeights(w([5], [100]), w([2], [100]))).toBeLessThan(0) // longer static first
    expect(compareWeights(w([], [100, 100]), w([], [50]))).toBeLessThan(0) // more converters first
    expect(compareWeights(w([], [50]), w([], [100]))).toBeLessThan(0) // lower weight first
    expect(compareWeights(w([], [100]), w([], [100]))).toBe(0)
  })
})

describe('endpoint suggestions', () => {
  it('catch typos and swapped letters, and blueprint prefixes', () => {
    expect(closeNames('psot', ['post', 'index'])).toEqual(['post'])
    expect(closeNames('login', ['auth.login', 'logout'])).toEqual(['auth.login'])
    expect(closeNames('zzz', ['post'])).toEqual([])
  })
})
