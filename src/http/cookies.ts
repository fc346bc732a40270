/**
 * Cookie parsing and `Set-Cookie` serialization on top of the `cookie` package,
 * with the checks that keep a bad name, value or attribute from becoming a
 * header injection.
 */
import { parse, serialize } from 'cookie'

/**
 * The attributes of a `Set-Cookie` header (Flask's `set_cookie` arguments).
 *
 * @example
 * ```ts
 * response.setCookie('theme', 'dark', { maxAge: 30 * 24 * 3600, httpOnly: true, sameSite: 'Lax', secure: true })
 * ```
 */
export interface CookieOptions {
  /** Lifetime in seconds; `0` or less deletes the cookie. */
  maxAge?: number
  /** Expiry as a Date or a Unix time in seconds. */
  expires?: Date | number
  /** Defaults to `/`. */
  path?: string | null
  domain?: string | null
  secure?: boolean
  httpOnly?: boolean
  sameSite?: 'Strict' | 'Lax' | 'None' | 'strict' | 'lax' | 'none' | null
  partitioned?: boolean
  priority?: 'Low' | 'Medium' | 'High' | 'low' | 'medium' | 'high'
}

const EMPTY: Record<string, string> = Object.freeze(Object.create(null)) as Record<string, string>

/**
 * Parses a `Cookie` header into a null-prototype object. Never throws:
 * malformed pairs are skipped and undecodable values are kept as sent.
 *
 * @example
 * ```ts
 * parseCookies('session=abc; theme=dark') // { session: 'abc', theme: 'dark' }
 * ```
 */
export function parseCookies(header: string | undefined | null): Record<string, string> {
  if (!header) return EMPTY
  try {
    return parse(header) as Record<string, string>
  } catch {
    return EMPTY
  }
}

const CTL = /[\u0000-\u001f\u007f]/

/**
 * Serializes one `Set-Cookie` header value. The value is percent-encoded where
 * it is not a valid cookie octet; a name or attribute with a control character,
 * `;` or `,` is a TypeError, never a header injection.
 *
 * @example
 * ```ts
 * serializeCookie('theme', 'dark', { maxAge: 3600, httpOnly: true, sameSite: 'Lax' })
 * // 'theme=dark; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax'
 * ```
 */
export function serializeCookie(name: string, value: string, options: CookieOptions = {}): string {
  for (const [what, v] of [['path', options.path], ['domain', options.domain]] as const) {
    if (v != null && (CTL.test(v) || v.includes(';'))) {
      throw new TypeError(`Invalid cookie ${what} ${JSON.stringify(v)}: control characters and ';' are not allowed`)
    }
  }
  let expires: Date | undefined
  if (options.expires !== undefined) {
    expires = options.expires instanceof Date ? options.expires : new Date(options.expires * 1000)
  }
  const maxAge = options.maxAge === undefined ? undefined : Math.max(0, Math.floor(options.maxAge))
  if (maxAge !== undefined && expires === undefined) expires = new Date(Date.now() + maxAge * 1000)
  const sameSite = options.sameSite ? (options.sameSite.toLowerCase() as 'strict' | 'lax' | 'none') : undefined
  try {
    return serialize(name, value, {
      maxAge,
      expires,
      path: options.path === undefined ? '/' : (options.path ?? undefined),
      domain: options.domain ?? undefined,
      secure: options.secure,
      httpOnly: options.httpOnly,
      sameSite,
      partitioned: options.partitioned,
      priority: options.priority ? (options.priority.toLowerCase() as 'low' | 'medium' | 'high') : undefined,
    })
  } catch (err) {
    throw new TypeError(`Invalid cookie ${JSON.stringify(name)}: ${(err as Error).message}`)
  }
}
