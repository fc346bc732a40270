import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { ImmutableMultiDict, MultiDict } from '../../src/http/multidict.ts'

describe('MultiDict', () => {
  it('keeps every value of a key, first value wins for get', () => {
    const md = new MultiDict([
      ['tag', 'a'],
      ['page', '2'],
      ['tag', 'b'],
    ])
    expect(md.get('tag')).toBe('a')
    expect(md.getAll('tag')).toEqual(['a', 'b'])
    expect(md.getAll('missing')).toEqual([])
    expect(md.get('missing')).toBeUndefined()
    expect(md.size).toBe(2)
    expect([...md.keys()]).toEqual(['tag', 'page'])
    expect([...md.values()]).toEqual(['a', '2'])
    expect([...md]).toEqual([
      ['tag', 'a'],
      ['tag', 'b'],
      ['page', '2'],
    ])
    expect([...md.lists()]).toEqual([
      ['tag', ['a', 'b']],
      ['page', ['2']],
    ])
  })

  it('builds from a record with array values', () => {
    const md = new MultiDict<string>({ a: '1', b: ['2', '3'], c: [] })
    expect(md.getAll('b')).toEqual(['2', '3'])
    expect(md.has('c')).toBe(false)
    expect(md.get('a')).toBe('1')
  })

  it('converts with type and falls back to default like Werkzeug', () => {
    const md = new MultiDict([
      ['page', '3'],
      ['bad', 'abc'],
      ['id', '1'],
      ['id', 'x'],
      ['id', '2'],
    ])
    expect(md.get('page', { type: Number })).toBe(3)
    expect(md.get('bad', { type: Number, default: 1 })).toBe(1)
    expect(md.get('missing', { type: Number, default: 7 })).toBe(7)
    expect(md.get('missing', { default: 'x' })).toBe('x')
    const throwing = (v: string): number => {
      if (!/^\d+$/.test(v)) throw new Error('not an int')
      return Number(v)
    }
    expect(md.get('bad', { type: throwing, default: 0 })).toBe(0)
    expect(md.get('bad', { type: throwing })).toBeUndefined()
    expect(md.getAll('id', { type: throwing })).toEqual([1, 2])
  })

  it('set replaces, add appends, delete removes, setDefault keeps', () => {
    const md = new MultiDict<string>()
    md.add('a', '1').add('a', '2')
    expect(md.getAll('a')).toEqual(['1', '2'])
    md.set('a', '3')
    expect(md.getAll('a')).toEqual(['3'])
    expect(md.setDefault('a', '9')).toBe('3')
    expect(md.setDefault('b', '9')).toBe('9')
    md.setAll('c', ['x', 'y'])
    expect(md.getAll('c')).toEqual(['x', 'y'])
    md.setAll('c', [])
    expect(md.has('c')).toBe(false)
    expect(md.delete('a')).toBe(true)
    expect(md.delete('a')).toBe(false)
    md.clear()
    expect(md.size).toBe(0)
  })

  it('getAll returns a copy', () => {
    const md = new MultiDict([['a', '1']])
    md.getAll('a').push('2')
    expect(md.getAll('a')).toEqual(['1'])
  })

  it('treats __proto__ and constructor as ordinary keys', () => {
    const md = new MultiDict([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ])
    expect(md.get('__proto__')).toBe('x')
    expect(md.get('constructor')).toBe('y')
    expect(md.has('toString')).toBe(false)
    const obj = md.toObject()
    expect(Object.getPrototypeOf(obj)).toBeNull()
    expect(Object.keys(obj)).toEqual(['__proto__', 'constructor'])
    expect(({} as Record<string, unknown>).x).toBeUndefined()
  })

  it('toObject, toJSON and copy', () => {
    const md = new MultiDict({ a: ['1', '2'], b: '3' })
    expect({ ...md.toObject() }).toEqual({ a: '1', b: '3' })
    expect({ ...md.toObject({ flat: false }) }).toEqual({ a: ['1', '2'], b: ['3'] })
    expect(JSON.stringify(md)).toBe('{"a":"1","b":"3"}')
    const copy = md.copy()
    copy.add('a', '4')
    expect(md.getAll('a')).toEqual(['1', '2'])
  })

  it('ImmutableMultiDict refuses every mutation', () => {
    const md = new ImmutableMultiDict([['a', '1']])
    expect(() => md.set('a', '2')).toThrow(TypeError)
    expect(() => md.add('a', '2')).toThrow(TypeError)
    expect(() => md.setAll('a', ['2'])).toThrow(TypeError)
    expect(() => md.setDefault('b', '2')).toThrow(TypeError)
    expect(() => md.delete('a')).toThrow(TypeError)
    expect(() => md.clear()).toThrow(TypeError)
    expect(md.getAll('a')).toEqual(['1'])
    expect(md.freeze()).toBe(md)
    const mutable = md.copy()
    expect(mutable).not.toBeInstanceOf(ImmutableMultiDict)
    mutable.add('a', '2')
    expect(md.getAll('a')).toEqual(['1'])
  })

  it('freeze makes an independent immutable copy', () => {
    const md = new MultiDict([['a', '1']])
    const frozen = md.freeze()
    md.add('a', '2')
    expect(frozen).toBeInstanceOf(ImmutableMultiDict)
    expect(frozen.getAll('a')).toEqual(['1'])
    expect(MultiDict.fromLists(md.lists()).getAll('a')).toEqual(['1', '2'])
  })

  it('property: entries round-trip (grouped by first key occurrence)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string())), (pairs) => {
        const md = new MultiDict(pairs)
        const expected: Array<[string, string]> = []
        const order: string[] = []
        for (const [k] of pairs) if (!order.includes(k)) order.push(k)
        for (const k of order) for (const [k2, v] of pairs) if (k2 === k) expected.push([k, v])
        expect([...md]).toEqual(expected)
        expect(md.size).toBe(order.length)
        expect([...new MultiDict(md)]).toEqual(expected)
        for (const k of order) expect(md.getAll(k)).toEqual(pairs.filter(([k2]) => k2 === k).map(([, v]) => v))
      }),
    )
  })
})
