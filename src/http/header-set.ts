/**
 * `HeaderSet`: a comma-separated header as a live, case-insensitive set of
 * tokens (Werkzeug's `HeaderSet`), for `response.vary`.
 *
 * @module
 */
import type { HeaderMap } from './headers.ts'

/**
 * The tokens of one comma-separated header (`Vary: Cookie, Accept`), read
 * from and written to the headers at each call, so it never goes stale.
 * Tokens compare without case and keep the spelling they were added with;
 * removing the last one removes the header.
 *
 * @example
 * ```ts
 * response.vary.add('Cookie')
 * response.vary.has('cookie')   // true
 * String(response.vary)         // 'Cookie'
 * ```
 */
export class HeaderSet implements Iterable<string> {
  readonly #headers: HeaderMap
  readonly #name: string

  /** @param headers the headers to read and write; @param name the header (`vary`) */
  constructor(headers: HeaderMap, name: string) {
    this.#headers = headers
    this.#name = name
  }

  /** The tokens, in order. */
  values(): string[] {
    const value = this.#headers.get(this.#name)
    if (value === null) return []
    return value.split(',').map((t) => t.trim()).filter((t) => t !== '')
  }

  #write(tokens: string[]): void {
    if (tokens.length === 0) this.#headers.delete(this.#name)
    else this.#headers.set(this.#name, tokens.join(', '))
  }

  /** Number of tokens. */
  get size(): number {
    return this.values().length
  }

  /** True when `token` is there (any case). */
  has(token: string): boolean {
    const lower = token.toLowerCase()
    return this.values().some((t) => t.toLowerCase() === lower)
  }

  /** Adds `token` unless it is there; returns the set. */
  add(token: string): this {
    const clean = String(token).trim()
    if (clean === '' || /[,\r\n]/.test(clean)) throw new TypeError(`'${token}' is not a header token`)
    if (!this.has(clean)) this.#write([...this.values(), clean])
    return this
  }

  /** Adds each token (Werkzeug's `update`). */
  update(tokens: Iterable<string>): this {
    for (const token of tokens) this.add(token)
    return this
  }

  /** Removes `token` (any case); returns whether it was there. */
  delete(token: string): boolean {
    const lower = token.toLowerCase()
    const values = this.values()
    const kept = values.filter((t) => t.toLowerCase() !== lower)
    if (kept.length === values.length) return false
    this.#write(kept)
    return true
  }

  /** Removes the header. */
  clear(): void {
    this.#headers.delete(this.#name)
  }

  [Symbol.iterator](): Iterator<string> {
    return this.values()[Symbol.iterator]()
  }

  /** The header value (`Cookie, Accept`), empty when there is none. */
  toString(): string {
    return this.values().join(', ')
  }
}
