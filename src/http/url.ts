/**
 * Percent-decoding and -encoding of URL parts, never throwing on bad input.
 */

const ENCODED_RUN = /(?:%[0-9A-Fa-f]{2})+/g

/**
 * Decodes percent-escapes in a path as a WSGI server does: valid escapes become
 * their UTF-8 characters (invalid UTF-8 becomes U+FFFD), malformed ones such as
 * `%zz` stay as they are. Never throws.
 *
 * @example
 * ```ts
 * decodePath('/caf%C3%A9/%zz') // '/café/%zz'
 * ```
 */
export function decodePath(path: string): string {
  if (!path.includes('%')) return path
  try {
    return decodeURIComponent(path)
  } catch {
    return path.replace(ENCODED_RUN, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'))
  }
}

/**
 * Encodes a query string from an object; arrays give repeated keys, `null` and
 * `undefined` are skipped.
 *
 * @example
 * ```ts
 * encodeQuery({ q: 'a b', tag: ['x', 'y'] }) // 'q=a+b&tag=x&tag=y'
 * ```
 */
export function encodeQuery(values: Record<string, unknown> | Iterable<readonly [string, unknown]>): string {
  const params = new URLSearchParams()
  const entries = Symbol.iterator in values ? (values as Iterable<readonly [string, unknown]>) : Object.entries(values)
  for (const [key, value] of entries) {
    if (value === null || value === undefined) continue
    if (Array.isArray(value)) {
      for (const item of value) if (item !== null && item !== undefined) params.append(key, String(item))
    } else params.append(key, String(value))
  }
  return params.toString()
}
