/**
 * Percent-encoding for built URLs, with the characters Werkzeug keeps
 * (the WHATWG path-segment set: `!$&'()*+,:;=@` plus the unreserved ones).
 *
 * @module
 */
import { ValidationError } from './errors.ts'

const SEGMENT_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,:;=@]*$/
const PATH_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,:;=@/]*$/
const RESTORE_SEGMENT = /%(?:24|26|2B|2C|3A|3B|3D|40)/g
const RESTORE_PATH = /%(?:24|26|2B|2C|2F|3A|3B|3D|40)/g
const RESTORE_QUERY = /%(?:20|24|2C|2F|3A|3B|3F|40)/g
const QUERY_SAFE = /^[A-Za-z0-9\-._~!$'()*,/:;?@]*$/

function restore(escape: string): string {
  return escape === '%20' ? '+' : decodeURIComponent(escape)
}

function encode(value: string): string {
  try {
    return encodeURIComponent(value)
  } catch {
    throw new ValidationError('the value contains a lone surrogate and cannot be percent-encoded')
  }
}

/**
 * Percent-encodes one path segment: `/` is encoded, `!$&'()*+,:;=@` and the
 * unreserved characters are kept. What converters' `toUrl` use.
 *
 * @example
 * ```ts
 * encodePathSegment('a b/c@d') // 'a%20b%2Fc@d'
 * ```
 */
export function encodePathSegment(value: string): string {
  if (SEGMENT_SAFE.test(value)) return value
  return encode(value).replace(RESTORE_SEGMENT, restore)
}

/**
 * Percent-encodes a path, keeping `/` (what the `path` converter and the
 * static parts of a rule use).
 *
 * @example
 * ```ts
 * encodePath('/docs/café/a b') // '/docs/caf%C3%A9/a%20b'
 * ```
 */
export function encodePath(value: string): string {
  if (PATH_SAFE.test(value)) return value
  return encode(value).replace(RESTORE_PATH, restore)
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/**
 * Percent-encodes a decoded path for a `Location` header, like
 * {@link encodePath} but never throwing: lone surrogates become U+FFFD.
 *
 * @example
 * ```ts
 * encodeLocation('/café docs/') // '/caf%C3%A9%20docs/'
 * ```
 */
export function encodeLocation(path: string): string {
  if (PATH_SAFE.test(path)) return path
  return encodePath(path.replace(LONE_SURROGATE, '\uFFFD'))
}

/**
 * Encodes a query-string key or value like Python's `urlencode` in Werkzeug:
 * space becomes `+`, `!$'()*,/:;?@` are kept.
 *
 * @example
 * ```ts
 * encodeQueryComponent('a b&c') // 'a+b%26c'
 * ```
 */
export function encodeQueryComponent(value: string): string {
  if (QUERY_SAFE.test(value)) return value
  return encode(value).replace(RESTORE_QUERY, restore)
}

/**
 * Builds a query string (without `?`) from the values of a record, in
 * insertion order: arrays become repeated keys, `null`/`undefined` are
 * skipped, and so are the keys in `skip`. Returns `''` when nothing is left.
 *
 * @example
 * ```ts
 * encodeQuery({ q: 'a b', tag: ['x', 'y'], none: null }) // 'q=a+b&tag=x&tag=y'
 * encodeQuery({ id: 1, q: 'x' }, new Set(['id']))        // 'q=x'
 * ```
 */
export function encodeQuery(values: Record<string, unknown>, skip?: ReadonlySet<string>): string {
  let out = ''
  for (const key in values) {
    if (!Object.hasOwn(values, key) || (skip !== undefined && skip.has(key))) continue
    const value = values[key]
    if (value === undefined || value === null) continue
    const k = encodeQueryComponent(key)
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item === undefined || item === null) continue
        out += (out === '' ? '' : '&') + k + '=' + encodeQueryComponent(String(item))
      }
    } else {
      out += (out === '' ? '' : '&') + k + '=' + encodeQueryComponent(String(value))
    }
  }
  return out
}
