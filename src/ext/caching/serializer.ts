/**
 * The value codec of every cache backend: JSON with tagged types, so a value
 * comes back with the type it went in with (Date, bytes, Map, Set, BigInt,
 * undefined) and reading a value never runs code — unlike Flask-Caching's
 * pickle, whose `loads` runs whatever a poisoned cache entry tells it to.
 *
 * Integers are stored as plain decimal text so that the backends' atomic
 * counters (Redis `INCRBY`, Memcached `incr`) work on the same keys as
 * `get`/`set`.
 */

/** Prefix of every encoded non-integer value; anything else is not ours. */
const MARK = 'p1:'
/** The tag key of an encoded special value. */
const TAG = '$t'
const INTEGER = /^-?(?:0|[1-9]\d{0,15})$/

/**
 * Thrown by {@link decodeValue} for text that Phial did not write (another
 * client's value, a corrupt entry). The cache treats it as a miss.
 *
 * @example
 * ```ts
 * try { decodeValue('foreign') } catch (err) { err instanceof CacheDecodeError } // true
 * ```
 */
export class CacheDecodeError extends Error {
  override name = 'CacheDecodeError'
}

function replacer(this: Record<string, unknown>, key: string, encoded: unknown): unknown {
  // `encoded` went through toJSON already (Date, Buffer); the original is this[key].
  const value = this[key]
  if (value === undefined) return Array.isArray(this) ? { [TAG]: 'u' } : undefined
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return { [TAG]: 'n', v: value.toString() }
    if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return { [TAG]: 'f', v: Object.is(value, -0) ? '-0' : String(value) }
    return encoded
  }
  if (value instanceof Date) return { [TAG]: 'd', v: Number.isNaN(value.getTime()) ? null : value.toISOString() }
  if (value instanceof Uint8Array) return { [TAG]: 'b', v: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') }
  if (value instanceof Map) return { [TAG]: 'm', v: [...value] }
  if (value instanceof Set) return { [TAG]: 's', v: [...value] }
  // An object that has a key named like the tag goes as entries, so it cannot pass for a tag.
  if (!Array.isArray(value) && Object.hasOwn(value, TAG)) return { [TAG]: 'o', v: Object.entries(value) }
  return encoded
}

/** Stands for `undefined` in an array until the array is revived (a reviver's `undefined` would leave a hole). */
const UNDEFINED = Symbol('undefined')

function reviver(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (value[i] === UNDEFINED) value[i] = undefined
    return value
  }
  const record = value as Record<string, unknown>
  if (!Object.hasOwn(record, TAG)) return value
  const v = record.v
  switch (record[TAG]) {
    case 'u':
      return UNDEFINED
    case 'n':
      return BigInt(v as string)
    case 'f':
      return Number(v)
    case 'd':
      return new Date(v === null ? Number.NaN : (v as string))
    case 'b':
      return Buffer.from(v as string, 'base64')
    case 'm':
      return new Map(v as Array<[unknown, unknown]>)
    case 's':
      return new Set(v as unknown[])
    case 'o':
      return Object.fromEntries(v as Array<[string, unknown]>)
    default:
      throw new CacheDecodeError(`Unknown type tag ${JSON.stringify(record[TAG])} in a cached value`)
  }
}

/**
 * Encodes a value as cache text. Safe integers are plain decimal (counters);
 * everything else is `p1:` + JSON with tags for the types JSON lacks. A class
 * instance comes back as a plain object (its own enumerable fields), as with
 * `JSON.stringify`; functions and symbols are dropped.
 *
 * @example
 * ```ts
 * encodeValue(42)                          // '42'
 * encodeValue({ at: new Date(0) })         // 'p1:{"at":{"$t":"d","v":"1970-01-01T00:00:00.000Z"}}'
 * ```
 */
export function encodeValue(value: unknown): string {
  if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value)
  if (value === undefined) return `${MARK}{"${TAG}":"u"}`
  // Wrapping in an array lets the replacer see the top-level value as this[key].
  const json = JSON.stringify([value], replacer)
  return MARK + json.slice(1, -1)
}

/**
 * Decodes text written by {@link encodeValue}. Never evaluates anything: it
 * is `JSON.parse` with a reviver that only builds the tagged types.
 *
 * @throws {@link CacheDecodeError} for text Phial did not write.
 *
 * @example
 * ```ts
 * decodeValue(encodeValue(new Map([[1, 'a']]))) // Map { 1 => 'a' }
 * ```
 */
export function decodeValue(text: string): unknown {
  if (text.startsWith(MARK)) {
    try {
      const value: unknown = JSON.parse(text.slice(MARK.length), reviver)
      return value === UNDEFINED ? undefined : value
    } catch (err) {
      if (err instanceof CacheDecodeError) throw err
      throw new CacheDecodeError(`A cached value is not valid: ${(err as Error).message}`)
    }
  }
  if (INTEGER.test(text)) return Number(text)
  throw new CacheDecodeError('A cached value was not written by phial/caching')
}

/**
 * Decodes stored text; text Phial did not write counts as a miss.
 *
 * @example
 * ```ts
 * readStored(await backend.get(key)) // { found: false } on a miss
 * ```
 */
export function readStored(text: string | undefined): { found: true; value: unknown } | { found: false } {
  if (text === undefined) return { found: false }
  try {
    return { found: true, value: decodeValue(text) }
  } catch (err) {
    if (err instanceof CacheDecodeError) return { found: false }
    throw err
  }
}
