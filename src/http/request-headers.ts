/**
 * A read-only, case-insensitive view of the request headers that wraps Node's
 * header object without copying it.
 */
import type { IncomingHttpHeaders } from 'node:http'

/**
 * The headers of a request.
 *
 * @example
 * ```ts
 * request.headers.get('User-Agent')
 * request.headers.has('authorization')
 * ```
 */
export class RequestHeaders {
  readonly #raw: IncomingHttpHeaders

  constructor(raw: IncomingHttpHeaders) {
    this.#raw = raw
  }

  /** A header's value (repeated values joined with `, `), or null. */
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()]
    if (value === undefined) return null
    return Array.isArray(value) ? value.join(', ') : value
  }

  /** Every value of a header. */
  getAll(name: string): string[] {
    const value = this.#raw[name.toLowerCase()]
    if (value === undefined) return []
    return Array.isArray(value) ? [...value] : [value]
  }

  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined
  }

  keys(): string[] {
    return Object.keys(this.#raw)
  }

  *entries(): IterableIterator<[string, string]> {
    for (const [k, v] of Object.entries(this.#raw)) {
      if (v === undefined) continue
      if (Array.isArray(v)) for (const item of v) yield [k, item]
      else yield [k, v]
    }
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }

  /** A plain copy (lower-case names). */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const key of Object.keys(this.#raw)) out[key] = this.get(key)!
    return out
  }
}
