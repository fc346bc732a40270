/**
 * Tagged JSON (Flask's tests/test_json_tag.py, ported: all 5 tests, the
 * parametrised round trip with each of its 10 values): every tagged type
 * reads back as itself, tags are registered in order, duplicates refused,
 * custom tags extend it. Plus the JS representations Phial chose (frozen
 * arrays for tuples, Buffer for bytes, UUID).
 */
import { describe, expect, it } from 'vitest'
import { JSONTag, Markup, TaggedJSONSerializer, UUID } from 'phial'

const roundTrip = (value: unknown, s = new TaggedJSONSerializer()): unknown => s.parse(s.stringify(value))

describe('test_dump_load_unchanged', () => {
  const now = new Date(Math.floor(Date.now() / 1000) * 1000) // Flask: utcnow().replace(microsecond=0)
  const cases: Array<[string, unknown]> = [
    ["{' t': (1, 2, 3)}", { ' t': Object.freeze([1, 2, 3]) }],
    ["{' t__': b'a'}", { ' t__': Buffer.from('a') }],
    ["{' di': ' di'}", { ' di': ' di' }],
    ["{'x': (1, 2, 3), 'y': 4}", { x: Object.freeze([1, 2, 3]), y: 4 }],
    ['(1, 2, 3)', Object.freeze([1, 2, 3])],
    ['[(1, 2, 3)]', [Object.freeze([1, 2, 3])]],
    ["b'\\xff'", Buffer.from([0xff])],
    ["Markup('<html>')", new Markup('<html>')],
    ['uuid4()', UUID.random()],
    ['datetime', now],
  ]
  it.each(cases)('%s', (_name, value) => {
    const back = roundTrip(value)
    expect(back).toEqual(value)
    expect(Object.getPrototypeOf(back)).toBe(Object.getPrototypeOf(value))
  })

  it('keeps the kinds apart: a tuple is frozen, a list is not; bytes are a Buffer; Markup is Markup', () => {
    const back = roundTrip({ t: Object.freeze([1]), l: [1], b: new Uint8Array([1, 2]), m: new Markup('<b>') }) as Record<string, unknown>
    expect(Object.isFrozen(back.t)).toBe(true)
    expect(Object.isFrozen(back.l)).toBe(false)
    expect(Buffer.isBuffer(back.b)).toBe(true)
    expect(back.m).toBeInstanceOf(Markup)
    expect(String(back.m)).toBe('<b>')
  })
})

describe('the text (Flask\'s format)', () => {
  it('writes compact JSON with Flask\'s tags, ASCII escapes, insertion order unless sortKeys', () => {
    const s = new TaggedJSONSerializer()
    const value = { z: Object.freeze([1, 'a']), a: new UUID('c9b1f0d2-4e7a-4f3b-9a61-d85e02b7a3f4'), d: new Date(Date.UTC(2021, 1, 1, 7, 15)), é: 'Zoë' }
    expect(s.stringify(value)).toBe(
      '{"z":{" t":[1,"a"]},"a":{" u":"c9b1f0d24e7a4f3b9a61d85e02b7a3f4"},"d":{" d":"Mon, 01 Feb 2021 07:15:00 GMT"},"\\u00e9":"Zo\\u00eb"}',
    )
    s.sortKeys = true
    expect(s.stringify({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}')
  })

  it('escapes a one-key object whose key is a tag (" di", the key + "__")', () => {
    const s = new TaggedJSONSerializer()
    expect(s.stringify({ ' t': 'x' })).toBe('{" di":{" t__":"x"}}')
    expect(s.parse('{" di":{" t__":"x"}}')).toEqual({ ' t': 'x' })
    expect(s.parse('{" t":"x","y":1}')).toEqual({ ' t': 'x', y: 1 }) // two keys: not a tag
    expect(s.parse('{" zz":1}')).toEqual({ ' zz': 1 }) // unknown tag: left alone
  })

  it('reads bytes as Python writes them (standard base64) and a bad date as null (parse_date)', () => {
    const s = new TaggedJSONSerializer()
    expect(s.parse('{" b":"/wBh"}')).toEqual(Buffer.from([0xff, 0x00, 0x61]))
    expect(s.parse('{" d":"not a date"}')).toBeNull()
    expect(() => s.parse('{" u":"nope"}')).toThrow(TypeError)
  })

  it('keeps "__proto__" a plain key', () => {
    const back = new TaggedJSONSerializer().parse('{"__proto__":{" t":[1]},"a":1}') as Record<string, unknown>
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(Object.hasOwn(back, '__proto__')).toBe(true)
    expect(({} as Record<string, unknown>).a).toBeUndefined()
  })

  it('refuses what JSON cannot hold', () => {
    expect(() => new TaggedJSONSerializer().stringify(undefined)).toThrow(TypeError)
    expect(() => new TaggedJSONSerializer().stringify(new Date(Number.NaN))).toThrow(TypeError)
  })
})

/** A tag that handles nothing: enough to test registration and order. */
abstract class InertTag extends JSONTag {
  override check(): boolean {
    return false
  }
  override toJson(value: unknown): unknown {
    return value
  }
  override toValue(value: unknown): unknown {
    return value
  }
}

describe('registering tags', () => {
  it('test_duplicate_tag: a used key is refused unless forced; index puts it first', () => {
    class TagDict extends InertTag {
      override key = ' d'
    }
    const s = new TaggedJSONSerializer()
    expect(() => s.register(TagDict)).toThrow(/Tag ' d' is already registered/)
    s.register(TagDict, { force: true, index: 0 })
    expect(s.tags.get(' d')).toBeInstanceOf(TagDict)
    expect(s.order[0]).toBeInstanceOf(TagDict)
    expect(s.order.filter((t) => t.key === ' d')).toHaveLength(1)
  })

  it('test_custom_tag: a custom type round-trips, its data tagged too', () => {
    class Foo {
      constructor(readonly data: unknown) {}
    }
    class TagFoo extends JSONTag {
      override key = ' f'
      override check(value: unknown) { return value instanceof Foo }
      override toJson(value: Foo) { return this.serializer.tag(value.data) }
      override toValue(value: unknown) { return new Foo(value) }
    }
    const s = new TaggedJSONSerializer()
    s.register(TagFoo)
    const back = s.parse(s.stringify(new Foo('bar'))) as Foo
    expect(back).toBeInstanceOf(Foo)
    expect(back.data).toBe('bar')
    expect((s.parse(s.stringify(new Foo(Object.freeze([1])))) as Foo).data).toEqual(Object.freeze([1]))
  })

  it('a tag key without a leading space is found too', () => {
    class Big { constructor(readonly n: bigint) {} }
    class TagBig extends JSONTag {
      override key = '$big'
      override check(value: unknown) { return value instanceof Big }
      override toJson(value: Big) { return value.n.toString() }
      override toValue(value: unknown) { return new Big(BigInt(String(value))) }
    }
    const s = new TaggedJSONSerializer()
    s.register(TagBig, { index: 0 })
    expect((s.parse(s.stringify({ x: new Big(10n ** 20n) })) as { x: Big }).x.n).toBe(10n ** 20n)
  })

  it('test_tag_interface: the base class methods must be overridden (abstract: a compile-time error here)', () => {
    // @ts-expect-error JSONTag is abstract
    expect(() => new JSONTag(new TaggedJSONSerializer())).not.toThrow()
    // @ts-expect-error check, toJson and toValue are abstract: a tag without them does not compile
    class Incomplete extends JSONTag {
      override key = ' x'
    }
    expect(new Incomplete(new TaggedJSONSerializer()).key).toBe(' x')
  })

  it('test_tag_order: index -1 goes before the last, none appends', () => {
    class Tag1 extends InertTag { override key = ' 1' }
    class Tag2 extends InertTag { override key = ' 2' }
    const s = new TaggedJSONSerializer()
    s.register(Tag1, { index: -1 })
    expect(s.order.at(-2)).toBeInstanceOf(Tag1)
    s.register(Tag2)
    expect(s.order.at(-1)).toBeInstanceOf(Tag2)
  })
})

describe('UUID', () => {
  it("parses Python's spellings, prints the canonical form, compares by value", () => {
    const a = new UUID('{C9B1F0D2-4E7A-4F3B-9A61-D85E02B7A3F4}')
    expect(a.hex).toBe('c9b1f0d24e7a4f3b9a61d85e02b7a3f4')
    expect(String(a)).toBe('c9b1f0d2-4e7a-4f3b-9a61-d85e02b7a3f4')
    expect(JSON.stringify({ a })).toBe('{"a":"c9b1f0d2-4e7a-4f3b-9a61-d85e02b7a3f4"}')
    expect(a.equals(new UUID('urn:uuid:c9b1f0d24e7a4f3b9a61d85e02b7a3f4'))).toBe(true)
    expect(() => new UUID('xyz')).toThrow(/Badly formed/)
  })
})
