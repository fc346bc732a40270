/**
 * When a view's array is Flask's response tuple rather than a JSON array.
 * Python has tuples and lists; JavaScript has only arrays, so
 * `return [body, { 'X-Test': 'test' }]` (Flask's `return body, headers`)
 * and `return ['a', { b: 'c' }]` (a JSON list) look alike. The rule reads the
 * array as a tuple when its parts can only mean one, and calls the rest
 * ambiguous: an error under DEBUG or TESTING, JSON otherwise.
 *
 * @module
 */
import { HeaderMap } from '../http/headers.ts'

/** What an array returned by a view is: JSON, a tuple, or ambiguous (a string and a string-valued object, or two header-shaped objects). */
export const ArrayReading = { Json: 0, Tuple: 1, Ambiguous: 2 } as const
/** One of {@link ArrayReading}'s values. */
export type ArrayReading = (typeof ArrayReading)[keyof typeof ArrayReading]

/** One-word response headers a Flask view sets in a tuple (most header names have a hyphen). */
const ONE_WORD_HEADERS = new Set(['location', 'allow', 'etag', 'link', 'vary', 'expires', 'date', 'server', 'refresh', 'pragma', 'age', 'warning', 'trailer', 'upgrade', 'via'])
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/** A value JSON would encode as itself: what may sit in a JSON array. */
function isJsonish(value: unknown): boolean {
  return value === null || typeof value !== 'object' || Array.isArray(value) || isPlainObject(value)
}

function isHeaderValue(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))
}

/** Every key a header name (a token with a hyphen, or a common one-word header) and every value a header value. */
function isHeaderShaped(value: Record<string, unknown>): boolean {
  let any = false
  for (const key in value) {
    if (!TOKEN.test(key) || (!key.includes('-') && !ONE_WORD_HEADERS.has(key.toLowerCase()))) return false
    if (!isHeaderValue(value[key])) return false
    any = true
  }
  return any
}

function isStringValued(value: Record<string, unknown>): boolean {
  for (const key in value) if (typeof value[key] !== 'string') return false
  return true
}

/**
 * How to read an array a view returned.
 *
 * - `[body, status]`, `[body, status, headers]`: a tuple.
 * - `[body, headers]` with `headers` a `HeaderMap` or WHATWG `Headers`: a tuple.
 * - `[body, { … }]` where `body` is not a JSON value (a `Response`, `Markup`,
 *   bytes, a stream, an HTTP error, a promise): a tuple.
 * - `[body, { 'X-Test': 'test' }]` where every key is a header name (it has a
 *   hyphen, or is `Location`, `Allow`, `ETag`, `Link`, `Vary`, …) and every
 *   value a string, number or string list: a tuple, unless `body` is itself
 *   such an object (two header-shaped objects are ambiguous).
 * - `['text', { a: 'b' }]` (a string and another string-valued object): ambiguous.
 * - anything else: JSON.
 *
 * @example
 * ```ts
 * readArray(['<p>hi</p>', { 'X-Test': 'test' }]) // ArrayReading.Tuple
 * readArray([{ id: 1 }, { id: 2 }])              // ArrayReading.Json
 * readArray(['hi', { Foo: 'bar' }])              // ArrayReading.Ambiguous
 * ```
 */
export function readArray(value: readonly unknown[]): ArrayReading {
  if (value.length === 3) return isStatus(value[1]) && value[2] !== null && typeof value[2] === 'object' ? ArrayReading.Tuple : ArrayReading.Json
  if (value.length !== 2) return ArrayReading.Json
  const [body, second] = value
  if (isStatus(second) || second instanceof HeaderMap || second instanceof Headers) return ArrayReading.Tuple
  if (!isPlainObject(second)) return ArrayReading.Json
  if (!isJsonish(body)) return ArrayReading.Tuple
  if (isHeaderShaped(second)) return isPlainObject(body) && isHeaderShaped(body) ? ArrayReading.Ambiguous : ArrayReading.Tuple
  if (typeof body === 'string' && isStringValued(second)) return ArrayReading.Ambiguous
  return ArrayReading.Json
}

/**
 * The error for an ambiguous array under DEBUG or TESTING: silently sending
 * JSON where a Flask port meant headers (or the reverse) is the bug to avoid.
 */
export function ambiguousArrayError(where: string, value: readonly unknown[]): TypeError {
  const keys = Object.keys(value[1] as object).map((k) => JSON.stringify(k)).join(', ')
  return new TypeError(
    `The view function for '${where}' returned a two-item array that could be a [body, headers] tuple or a JSON array ` +
      `(its second item has the keys ${keys}). Return [body, new HeaderMap({ … })] for headers, or jsonify([...]) for a JSON array. ` +
      '(Outside DEBUG and TESTING it is sent as JSON.)',
  )
}
