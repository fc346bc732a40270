/**
 * Case-insensitive response headers, stored in an object that inherits
 * nothing, so the Node adapter can hand them to `writeHead` without copying.
 */

/**
 * Anything {@link HeaderMap} can be built from.
 *
 * @example
 * ```ts
 * new HeaderMap({ 'Cache-Control': 'no-store', 'Set-Cookie': ['a=1', 'b=2'] })
 * ```
 */
export type HeadersInit =
  | HeaderMap
  | Record<string, string | number | readonly string[] | undefined>
  | Iterable<readonly [string, string]>

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const BAD_VALUE = /[\r\n\0]/

/** Throws a TypeError when a header name or value could split the response (CR, LF, NUL). */
export function assertHeader(name: string, value: string): void {
  if (!TOKEN.test(name)) throw new TypeError(`Invalid header name ${JSON.stringify(name)}`)
  if (BAD_VALUE.test(value)) {
    throw new TypeError(`Invalid value for header "${name}": it contains CR, LF or NUL, which could split the response`)
  }
}

/**
 * The constructor of {@link HeaderMap.raw}: its prototype is an empty
 * null-prototype object, so a header named `constructor`, `toString` or
 * `__proto__` is an own property like any other, as with
 * `Object.create(null)` — but V8 keeps these objects in fast mode, where an
 * `Object.create(null)` object starts as a hash table: making the headers
 * of a response, reading them and Node's `for…in` over them in `writeHead`
 * cost ~0.5 µs less per response (bench/OPTIMISATIONS.md, issue 12).
 */
const RawHeaders = function RawHeaders(this: object) {} as unknown as new () => Record<string, string | string[]>
RawHeaders.prototype = Object.create(null) as object

/**
 * The headers of a {@link Response}: case-insensitive, multi-valued for
 * `Set-Cookie`, and refusing any name or value that could inject a header.
 *
 * @example
 * ```ts
 * const h = new HeaderMap({ 'Content-Type': 'text/plain' })
 * h.append('Set-Cookie', 'a=1')
 * h.get('content-type') // 'text/plain'
 * ```
 */
export class HeaderMap {
  /**
   * The raw storage: lower-case names to a value, or a list for repeated
   * headers. It inherits no property (its prototype is an empty
   * null-prototype object).
   */
  readonly raw: Record<string, string | string[]>

  constructor(init?: HeadersInit) {
    this.raw = new RawHeaders()
    if (init) this.extend(init)
  }

  /** Adds every header of `init`, replacing existing values. */
  extend(init: HeadersInit): this {
    if (init instanceof HeaderMap) {
      for (const [k, v] of Object.entries(init.raw)) this.raw[k] = Array.isArray(v) ? [...v] : v
    } else if (Symbol.iterator in init) {
      for (const [k, v] of init as Iterable<readonly [string, string]>) this.append(k, v)
    } else {
      for (const [k, v] of Object.entries(init)) {
        if (v === undefined) continue
        if (Array.isArray(v)) {
          this.delete(k)
          for (const item of v) this.append(k, item)
        } else this.set(k, String(v))
      }
    }
    return this
  }

  /** The value of a header, repeated values joined with `, ` (Set-Cookie: use {@link getSetCookie}). */
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()]
    if (v === undefined) return null
    return Array.isArray(v) ? v.join(', ') : v
  }

  /** Every value of a header, in order. */
  getAll(name: string): string[] {
    const v = this.raw[name.toLowerCase()]
    if (v === undefined) return []
    return Array.isArray(v) ? [...v] : [v]
  }

  /** The `Set-Cookie` values, one per cookie. */
  getSetCookie(): string[] {
    return this.getAll('set-cookie')
  }

  /** Replaces a header. */
  set(name: string, value: string | number): this {
    const s = String(value)
    assertHeader(name, s)
    this.raw[name.toLowerCase()] = s
    return this
  }

  /** Adds a value, keeping the existing ones. */
  append(name: string, value: string | number): this {
    const s = String(value)
    assertHeader(name, s)
    const key = name.toLowerCase()
    const prev = this.raw[key]
    if (prev === undefined) this.raw[key] = s
    else if (Array.isArray(prev)) prev.push(s)
    else this.raw[key] = [prev, s]
    return this
  }

  /** Sets a header only when it is not set yet. */
  setDefault(name: string, value: string | number): this {
    if (!this.has(name)) this.set(name, value)
    return this
  }

  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined
  }

  delete(name: string): this {
    delete this.raw[name.toLowerCase()]
    return this
  }

  /** `[name, value]` pairs, a repeated header once per value. */
  *entries(): IterableIterator<[string, string]> {
    for (const [k, v] of Object.entries(this.raw)) {
      if (Array.isArray(v)) for (const item of v) yield [k, item]
      else yield [k, v]
    }
  }

  keys(): string[] {
    return Object.keys(this.raw)
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }

  /** A plain `{ name: value }` object (repeated values joined, except Set-Cookie as an array). */
  toJSON(): Record<string, string | string[]> {
    return { ...this.raw }
  }
}
