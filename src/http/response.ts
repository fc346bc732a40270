/**
 * Phial's Response (Werkzeug's): a status, headers and a body that the server
 * adapters write without converting to WHATWG objects.
 */
import type { Readable } from 'node:stream'
import { nodeHttp } from './node-http.ts'
import { HeaderMap, type HeadersInit } from './headers.ts'
import { HeaderSet } from './header-set.ts'
import { serializeCookie, type CookieOptions } from './cookies.ts'

/**
 * A byte range of a file on disk, streamed by the adapters (used by `sendFile`).
 *
 * @example
 * ```ts
 * new Response(new FileBody('/srv/big.iso', 0, 1023))
 * ```
 */
export class FileBody {
  constructor(
    /** Absolute path of the file. */
    readonly path: string,
    /** First byte, inclusive. */
    readonly start: number,
    /** Last byte, inclusive; `start - 1` for an empty file. */
    readonly end: number,
  ) {}

  get length(): number {
    return this.end - this.start + 1
  }
}

/**
 * What a response body can be. Streams and iterables are sent chunked.
 *
 * @example
 * ```ts
 * new Response(Readable.from(['a', 'b']))   // chunked
 * ```
 */
export type ResponseBody =
  | string
  | Uint8Array
  | Readable
  | AsyncIterable<Uint8Array | string>
  | ReadableStream<Uint8Array>
  | FileBody
  | null

/**
 * Options of the {@link Response} constructor.
 *
 * @example
 * ```ts
 * new Response('{"ok":true}', { status: 201, mimetype: 'application/json', headers: { 'X-Id': '7' } })
 * ```
 */
export interface ResponseInit {
  status?: number
  headers?: HeadersInit
  /** A mimetype; `text/*` types get `; charset=utf-8`. */
  mimetype?: string
  /** A full Content-Type header value (wins over `mimetype`). */
  contentType?: string
}

/** Adds `; charset=utf-8` to text types, as Werkzeug's `get_content_type` does. */
export function contentTypeFor(mimetype: string): string {
  if (mimetype.includes(';')) return mimetype
  if (
    mimetype.startsWith('text/') ||
    mimetype === 'application/xml' ||
    mimetype === 'application/javascript' ||
    mimetype === 'application/ecmascript' ||
    (mimetype.startsWith('application/') && mimetype.endsWith('+xml'))
  ) {
    return `${mimetype}; charset=utf-8`
  }
  return mimetype
}

const HTML_UTF8 = 'text/html; charset=utf-8'

/**
 * Content types already checked by `HeaderMap.set`, by the `contentType` or
 * `mimetype` they came from (a handful per app: `application/json`,
 * `text/plain`…), so that making a response does not check them again.
 * Bounded; a value that failed the check is never kept.
 */
const checkedTypes = new Map<string, string>()
const checkedMimetypes = new Map<string, string>()
const CHECKED_LIMIT = 64

function remember(cache: Map<string, string>, key: string, value: string): void {
  if (cache.size < CHECKED_LIMIT) cache.set(key, value)
}

/**
 * An HTTP response. Views may return one, or anything `makeResponse` turns
 * into one.
 *
 * @example
 * ```ts
 * const res = new Response('created', { status: 201, mimetype: 'text/plain' })
 * res.setCookie('seen', '1', { maxAge: 3600, httpOnly: true })
 * res.headers.set('X-Frame-Options', 'DENY')
 * ```
 */
export class Response {
  status: number
  readonly headers: HeaderMap
  body: ResponseBody
  /** Functions to call once the response has been sent (or failed to). */
  closeCallbacks: Array<() => void> | null = null

  constructor(body: ResponseBody = null, init?: ResponseInit) {
    this.body = body
    this.status = init?.status ?? 200
    this.headers = new HeaderMap(init?.headers)
    const contentType = init?.contentType
    const mimetype = init?.mimetype
    if (contentType) {
      const checked = checkedTypes.get(contentType)
      if (checked !== undefined) this.headers.raw['content-type'] = checked
      else {
        this.headers.set('content-type', contentType)
        remember(checkedTypes, contentType, contentType)
      }
    } else if (mimetype) {
      const checked = checkedMimetypes.get(mimetype)
      if (checked !== undefined) this.headers.raw['content-type'] = checked
      else {
        const value = contentTypeFor(mimetype)
        this.headers.set('content-type', value)
        remember(checkedMimetypes, mimetype, value)
      }
    } else if (!this.headers.has('content-type')) this.headers.raw['content-type'] = HTML_UTF8
  }

  /** The reason phrase of the status ("Not Found"). */
  get statusText(): string {
    return nodeHttp.STATUS_CODES[this.status] ?? 'Unknown'
  }

  /** True for 2xx statuses. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300
  }

  /** The mimetype without parameters (`text/html`). */
  get mimetype(): string | null {
    const ct = this.headers.get('content-type')
    if (!ct) return null
    const semi = ct.indexOf(';')
    return (semi === -1 ? ct : ct.slice(0, semi)).trim().toLowerCase()
  }

  set mimetype(value: string) {
    this.headers.set('content-type', contentTypeFor(value))
  }

  get contentType(): string | null {
    return this.headers.get('content-type')
  }

  set contentType(value: string) {
    this.headers.set('content-type', value)
  }

  /** The length of the body in bytes when it is known without reading a stream. */
  get contentLength(): number | null {
    const header = this.headers.get('content-length')
    if (header !== null) return Number(header)
    const body = this.body
    if (body === null) return 0
    if (typeof body === 'string') return Buffer.byteLength(body)
    if (body instanceof Uint8Array) return body.byteLength
    if (body instanceof FileBody) return body.length
    return null
  }

  /** The `Location` header. */
  get location(): string | null {
    return this.headers.get('location')
  }

  set location(value: string) {
    this.headers.set('location', value)
  }

  /**
   * The `Vary` header as a live set of tokens (Werkzeug's `response.vary`):
   * `add`, `delete`, `has` ignore case. Assign a list (or a string, or null)
   * to replace it.
   *
   * @example
   * ```ts
   * response.vary.add('Accept-Language')
   * response.vary = ['Cookie', 'Accept']
   * ```
   */
  get vary(): HeaderSet {
    return new HeaderSet(this.headers, 'vary')
  }

  set vary(value: Iterable<string> | string | null) {
    this.headers.delete('vary')
    if (value === null) return
    this.vary.update(typeof value === 'string' ? value.split(',').map((t) => t.trim()).filter(Boolean) : value)
  }

  /**
   * Adds a `Set-Cookie` header. A name, value or attribute that could inject a
   * header is a TypeError.
   *
   * @example
   * ```ts
   * res.setCookie('theme', 'dark', { maxAge: 30 * 86400, sameSite: 'Lax' })
   * ```
   */
  setCookie(name: string, value = '', options: CookieOptions = {}): this {
    this.headers.append('set-cookie', serializeCookie(name, value, options))
    return this
  }

  /**
   * Deletes a cookie in the browser (an expired, empty cookie with the same
   * path and domain).
   *
   * @example
   * ```ts
   * res.deleteCookie('theme')
   * ```
   */
  deleteCookie(name: string, options: Omit<CookieOptions, 'maxAge' | 'expires'> = {}): this {
    return this.setCookie(name, '', { ...options, maxAge: 0, expires: new Date(0) })
  }

  /** Registers a function to call once the response is sent. */
  callOnClose(fn: () => void): this {
    ;(this.closeCallbacks ??= []).push(fn)
    return this
  }

  /** Runs the close callbacks once. */
  close(): void {
    const callbacks = this.closeCallbacks
    if (!callbacks) return
    this.closeCallbacks = null
    for (const fn of callbacks) {
      try {
        fn()
      } catch {
        /* a close callback must not break the server */
      }
    }
  }
}
