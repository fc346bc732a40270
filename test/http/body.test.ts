import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { PassThrough, Readable } from 'node:stream'
import { parseContentType, parseJson, parseUrlencoded, readBody } from '../../src/http/body.ts'
import { BadRequest, ClientDisconnected, RequestEntityTooLarge } from '../../src/http/exceptions.ts'
import { ImmutableMultiDict } from '../../src/http/multidict.ts'

/** Fails the test instead of hanging when a promise never settles. */
function withTimeout<T>(promise: Promise<T>, ms = 2000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms).unref()),
  ])
}

describe('readBody', () => {
  it('reads a stream, a buffer, an async iterable and nothing', async () => {
    expect((await readBody(Readable.from([Buffer.from('ab'), Buffer.from('cd')]), { limit: null })).toString()).toBe('abcd')
    expect((await readBody(new Uint8Array([104, 105]), { limit: 10 })).toString()).toBe('hi')
    async function* gen(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('x')
      yield new TextEncoder().encode('y')
    }
    expect((await readBody(gen(), { limit: 2 })).toString()).toBe('xy')
    expect((await readBody(null, { limit: 0 })).length).toBe(0)
  })

  it('accepts exactly the limit', async () => {
    const buf = await readBody(Readable.from([Buffer.alloc(5), Buffer.alloc(5)]), { limit: 10 })
    expect(buf.length).toBe(10)
  })

  it('refuses a declared length over the limit without reading', async () => {
    const stream = new PassThrough()
    stream.write('abc')
    await expect(readBody(stream, { limit: 10, declaredLength: 11 })).rejects.toBeInstanceOf(RequestEntityTooLarge)
    expect(stream.listenerCount('data')).toBe(0)
    expect(stream.readableLength).toBe(3) // nothing consumed
  })

  it('refuses a streamed body over the limit and stops consuming', async () => {
    const stream = new PassThrough()
    const promise = readBody(stream, { limit: 10 })
    stream.write(Buffer.alloc(6))
    stream.write(Buffer.alloc(6))
    const err = await withTimeout(promise.catch((e: unknown) => e))
    expect(err).toBeInstanceOf(RequestEntityTooLarge)
    expect((err as RequestEntityTooLarge).code).toBe(413)
    expect(stream.listenerCount('data')).toBe(0)
    expect(stream.isPaused()).toBe(true)
    stream.write(Buffer.alloc(100))
    await new Promise((r) => setImmediate(r))
    expect(stream.readableLength).toBe(100) // left unread
    stream.destroy(new Error('late error')) // must not crash the process
  })

  it('refuses an oversize Uint8Array and async iterable', async () => {
    await expect(readBody(Buffer.alloc(11), { limit: 10 })).rejects.toBeInstanceOf(RequestEntityTooLarge)
    let pulled = 0
    async function* gen(): AsyncGenerator<Uint8Array> {
      for (;;) {
        pulled++
        yield Buffer.alloc(4)
      }
    }
    await expect(withTimeout(readBody(gen(), { limit: 10 }))).rejects.toBeInstanceOf(RequestEntityTooLarge)
    expect(pulled).toBe(3)
  })

  it('rejects with ClientDisconnected when the client aborts mid-body', async () => {
    const stream = new PassThrough()
    const promise = readBody(stream, { limit: null })
    stream.write('partial')
    await new Promise((r) => setImmediate(r))
    stream.destroy()
    const err = await withTimeout(promise.catch((e: unknown) => e))
    expect(err).toBeInstanceOf(ClientDisconnected)
    expect(err).toBeInstanceOf(BadRequest)
  })

  it('rejects with ClientDisconnected on a stream error and on "aborted"', async () => {
    const s1 = new PassThrough()
    const p1 = readBody(s1, { limit: null })
    s1.destroy(new Error('ECONNRESET'))
    const err = await withTimeout(p1.catch((e: unknown) => e))
    expect(err).toBeInstanceOf(ClientDisconnected)
    expect((err as Error).cause).toBeInstanceOf(Error)

    const s2 = new PassThrough()
    const p2 = readBody(s2, { limit: null })
    s2.emit('aborted')
    await expect(withTimeout(p2)).rejects.toBeInstanceOf(ClientDisconnected)
  })

  it('does not hang on an already destroyed or ended stream, or a paused one', async () => {
    const destroyed = new PassThrough()
    destroyed.destroy()
    await expect(withTimeout(readBody(destroyed, { limit: null }))).rejects.toBeInstanceOf(ClientDisconnected)

    const ended = new PassThrough()
    ended.end()
    ended.resume()
    await new Promise((r) => setImmediate(r))
    expect((await withTimeout(readBody(ended, { limit: null }))).length).toBe(0)

    const paused = new PassThrough()
    paused.pause()
    paused.end('data')
    expect((await withTimeout(readBody(paused, { limit: null }))).toString()).toBe('data')
  })
})

describe('parseJson', () => {
  it('parses JSON from a buffer or string, ignoring a BOM', () => {
    expect(parseJson(Buffer.from('{"a":[1,2]}'))).toEqual({ a: [1, 2] })
    expect(parseJson('\ufeff{"a":1}')).toEqual({ a: 1 })
    expect(parseJson(Buffer.from([0xef, 0xbb, 0xbf, 0x31]))).toBe(1)
    expect(parseJson('"\\u00e9"')).toBe('é')
  })

  it('an empty body is a 400', () => {
    expect(() => parseJson(Buffer.alloc(0))).toThrow(BadRequest)
    expect(() => parseJson('')).toThrow(/Failed to decode JSON object/)
  })

  it('malformed JSON is a 400 with the reason', () => {
    let err: unknown
    try {
      parseJson('{"a": ')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(BadRequest)
    expect((err as BadRequest).code).toBe(400)
    expect((err as BadRequest).description).toMatch(/^Failed to decode JSON object: .+/)
    expect(() => parseJson('   ')).toThrow(BadRequest)
    expect(() => parseJson('{oops}')).toThrow(BadRequest)
  })

  it('drops __proto__ keys so nothing built from the result is polluted', () => {
    const value = parseJson('{"a": 1, "__proto__": {"polluted": true}, "nested": {"__proto__": {"polluted": true}}}') as Record<
      string,
      unknown
    >
    expect(Object.hasOwn(value, '__proto__')).toBe(false)
    expect(Object.hasOwn(value.nested as object, '__proto__')).toBe(false)
    const merged = Object.assign({}, value)
    expect((merged as Record<string, unknown>).polluted).toBeUndefined()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(value).toEqual({ a: 1, nested: {} })
  })

  it('drops escaped __proto__ keys and constructor.prototype', () => {
    const escaped = parseJson('{"\\u005f_proto__": {"polluted": true}}') as object
    expect(Object.keys(escaped)).toEqual([])
    const ctor = parseJson('{"constructor": {"prototype": {"polluted": true}}, "ok": {"constructor": "fine"}}') as Record<
      string,
      unknown
    >
    expect(Object.hasOwn(ctor, 'constructor')).toBe(false)
    expect(ctor.ok).toEqual({ constructor: 'fine' })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('parseUrlencoded', () => {
  it('parses like Werkzeug', () => {
    const md = parseUrlencoded('a=1&b=2&a=3&q=red+shoes&empty=&flag&&x=%C3%A9')
    expect(md).toBeInstanceOf(ImmutableMultiDict)
    expect(md.getAll('a')).toEqual(['1', '3'])
    expect(md.get('q')).toBe('red shoes')
    expect(md.get('empty')).toBe('')
    expect(md.get('flag')).toBe('')
    expect(md.get('x')).toBe('é')
    expect([...md.keys()]).toEqual(['a', 'b', 'q', 'empty', 'flag', 'x'])
    expect(parseUrlencoded(Buffer.from('k=v%2Bw=x')).get('k')).toBe('v+w=x')
    expect(parseUrlencoded('').size).toBe(0)
  })

  it('keeps bad percent sequences literally and never throws', () => {
    const md = parseUrlencoded('a=100%&b=%zz&c=%E0%A4%A&d=%FF&e=ok%20%')
    expect(md.get('a')).toBe('100%')
    expect(md.get('b')).toBe('%zz')
    expect(md.get('c')).toBe('\ufffd%A')
    expect(md.get('d')).toBe('\ufffd')
    expect(md.get('e')).toBe('ok %')
  })

  it('refuses too many parts with a 413', () => {
    expect(parseUrlencoded('a=1&b=2&c=3', { maxParts: 3 }).size).toBe(3)
    expect(() => parseUrlencoded('a=1&b=2&c=3&d=4', { maxParts: 3 })).toThrow(RequestEntityTooLarge)
    expect(() => parseUrlencoded('a=1&b=2&c=3&d=4', { maxParts: 3 })).toThrow(/too many fields/)
    expect(parseUrlencoded('a=1&b=2&c=3&d=4', { maxParts: null }).size).toBe(4)
  })

  it('__proto__ is an ordinary key and pollutes nothing', () => {
    const md = parseUrlencoded('__proto__=x&__proto__[polluted]=1&constructor[prototype][polluted]=1')
    expect(md.get('__proto__')).toBe('x')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    const obj = md.toObject()
    expect(Object.getPrototypeOf(obj)).toBeNull()
    expect(obj.__proto__).toBe('x')
  })

  it('property: never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.uint8Array()), (input) => {
        const md = parseUrlencoded(input instanceof Uint8Array ? Buffer.from(input) : input)
        for (const [k, v] of md) {
          expect(typeof k).toBe('string')
          expect(typeof v).toBe('string')
        }
      }),
      { numRuns: 500 },
    )
    fc.assert(
      fc.property(fc.array(fc.constantFrom('%', '%2', '%zz', '%C3', '%A9', '+', '&', '=', 'a', 'é', '\ud800')), (parts) => {
        parseUrlencoded(parts.join(''))
      }),
      { numRuns: 500 },
    )
  })

  it('property: round-trips encodeURIComponent pairs', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1 }), fc.string())), (pairs) => {
        const wellFormed = pairs.filter(([k, v]) => encodable(k) && encodable(v))
        const qs = wellFormed.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
        const md = parseUrlencoded(qs)
        for (const [k] of wellFormed) expect(md.getAll(k)).toEqual(wellFormed.filter(([k2]) => k2 === k).map(([, v]) => v))
      }),
    )
  })
})

function encodable(s: string): boolean {
  try {
    encodeURIComponent(s)
    return true
  } catch {
    return false // lone surrogates
  }
}

describe('parseContentType', () => {
  it('lower-cases the mimetype and unquotes parameters', () => {
    const ct = parseContentType('Multipart/Form-Data; Boundary="a b\\"c"; charset=UTF-8')
    expect(ct.mimetype).toBe('multipart/form-data')
    expect(ct.params.boundary).toBe('a b"c')
    expect(ct.params.charset).toBe('UTF-8')
    expect(Object.getPrototypeOf(ct.params)).toBeNull()
  })

  it('handles missing and junk headers', () => {
    expect(parseContentType(undefined)).toEqual({ mimetype: '', params: {} })
    expect(parseContentType('text/plain').mimetype).toBe('text/plain')
    expect(parseContentType('text/plain;;;novalue; =x; a="unterminated').params.a).toBe('unterminated')
    const proto = parseContentType('a/b; __proto__=x')
    expect(proto.params.__proto__).toBe('x')
    fc.assert(fc.property(fc.string(), (s) => void parseContentType(s)))
  })
})
