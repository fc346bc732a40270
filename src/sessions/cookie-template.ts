/**
 * The session's `Set-Cookie` header without the general serializer on every
 * save (issue 12): the header is made once per cookie name and options by
 * `serializeCookie` itself, around a placeholder value and expiry, and each
 * save fills in the token (base64url and `.`, which need no encoding) and the
 * date. The bytes are `serializeCookie`'s by construction.
 *
 * @module
 */
import { serializeCookie, type CookieOptions } from '../http/cookies.ts'

const VALUE = 'PHIAL_SESSION_VALUE'
const SENTINEL = new Date(Date.UTC(2001, 0, 2, 3, 4, 5))
const SENTINEL_TEXT = SENTINEL.toUTCString()
const TOKEN = /^[A-Za-z0-9_.-]*$/

const OPTION_KEYS = ['domain', 'path', 'httpOnly', 'secure', 'sameSite', 'partitioned', 'priority', 'maxAge'] as const

/** A session `Set-Cookie` header maker for one cookie name and set of options. */
export class SessionCookieTemplate {
  readonly #name: string
  readonly #options: CookieOptions
  readonly #head: string
  readonly #tail: string
  readonly #datedMid: string
  readonly #datedTail: string

  constructor(name: string, options: CookieOptions) {
    this.#name = name
    this.#options = { ...options }
    const plain = serializeCookie(name, VALUE, options)
    const dated = serializeCookie(name, VALUE, { ...options, expires: SENTINEL })
    this.#head = `${name}=`
    const after = this.#head.length + VALUE.length
    const at = dated.indexOf(SENTINEL_TEXT, after)
    if (!plain.startsWith(`${this.#head}${VALUE}`) || !dated.startsWith(`${this.#head}${VALUE}`) || at === -1)
      throw new Error('Unexpected Set-Cookie layout') // never: the serializer writes name=value first
    this.#tail = plain.slice(after)
    this.#datedMid = dated.slice(after, at)
    this.#datedTail = dated.slice(at + SENTINEL_TEXT.length)
  }

  /** True when this template was made for `name` and options equal to `options`. */
  fits(name: string, options: CookieOptions): boolean {
    if (name !== this.#name) return false
    for (const key of OPTION_KEYS) if (options[key] !== this.#options[key]) return false
    return options.expires === undefined
  }

  /** The header for a token, with `Expires` when given; a value that would need encoding goes through `serializeCookie`. */
  header(value: string, expires: Date | undefined): string {
    if (!TOKEN.test(value)) return serializeCookie(this.#name, value, { ...this.#options, expires })
    if (expires === undefined) return `${this.#head}${value}${this.#tail}`
    return `${this.#head}${value}${this.#datedMid}${expires.toUTCString()}${this.#datedTail}`
  }
}
