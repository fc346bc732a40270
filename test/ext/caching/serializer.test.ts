import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CacheDecodeError, decodeValue, encodeValue } from 'phial/caching'

describe('the cache value codec', () => {
  it('keeps the types JSON loses', () => {
    const value = {
      at: new Date('2026-12-01T10:00:00.000Z'),
      bytes: Buffer.from([0, 1, 255]),
      view: new Uint8Array([7, 8]),
      map: new Map<unknown, unknown>([[1, 'a'], ['k', new Set([1, 2])]]),
      big: 2n ** 70n,
      list: [1, undefined, null],
      inf: [Infinity, -Infinity, Number.NaN],
      nested: { deep: [new Date(0)] },
    }
    const back = decodeValue(encodeValue(value)) as typeof value
    expect(back.at).toBeInstanceOf(Date)
    expect(back.at.toISOString()).toBe('2026-12-01T10:00:00.000Z')
    expect(Buffer.isBuffer(back.bytes) && back.bytes.equals(Buffer.from([0, 1, 255]))).toBe(true)
    expect([...back.view]).toEqual([7, 8])
    expect(back.map.get('k')).toEqual(new Set([1, 2]))
    expect(back.big).toBe(2n ** 70n)
    expect(back.list).toEqual([1, undefined, null])
    expect(1 in back.list).toBe(true) // an undefined element, not a hole
    expect(back.inf).toEqual([Infinity, -Infinity, Number.NaN])
    expect(back.nested.deep[0]).toEqual(new Date(0))
  })

  it('stores safe integers as plain text, for the servers\' counters', () => {
    expect(encodeValue(42)).toBe('42')
    expect(encodeValue(-7)).toBe('-7')
    expect(decodeValue('42')).toBe(42)
    expect(decodeValue(encodeValue(1.5))).toBe(1.5)
    expect(decodeValue(encodeValue(-0))).toBe(-0)
    expect(decodeValue(encodeValue(2 ** 60))).toBe(2 ** 60)
  })

  it('round-trips top-level undefined, null, strings that look like tags', () => {
    expect(decodeValue(encodeValue(undefined))).toBeUndefined()
    expect(decodeValue(encodeValue(null))).toBeNull()
    expect(decodeValue(encodeValue('p1:{"$t":"u"}'))).toBe('p1:{"$t":"u"}')
    const tricky = { $t: 'd', v: 'not a date' }
    expect(decodeValue(encodeValue(tricky))).toEqual(tricky)
    expect(decodeValue(encodeValue([{ $t: 'u' }]))).toEqual([{ $t: 'u' }])
  })

  it('refuses text it did not write, and unknown tags', () => {
    expect(() => decodeValue('hello')).toThrow(CacheDecodeError)
    expect(() => decodeValue('p1:{broken')).toThrow(CacheDecodeError)
    expect(() => decodeValue('p1:{"$t":"function","v":"process.exit(1)"}')).toThrow(/Unknown type tag/)
  })

  it('never pollutes prototypes or runs code while decoding', () => {
    const decoded = decodeValue('p1:{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}') as Record<string, unknown>
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype)
    const entries = decodeValue('p1:{"$t":"o","v":[["__proto__",{"polluted":true}]]}') as Record<string, unknown>
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.hasOwn(entries, '__proto__')).toBe(true)
  })

  it('round-trips any JSON-like value (property)', () => {
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.date({ noInvalidDate: true }), fc.bigInt())
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node')), fc.dictionary(fc.string(), tie('node'))),
    })).node
    fc.assert(fc.property(value, (v) => {
      expect(decodeValue(encodeValue(v))).toEqual(v)
    }))
  })
})
