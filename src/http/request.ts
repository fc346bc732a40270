/**
 * Phial's Request (Werkzeug's): lazy views over the raw method, target,
 * headers and body. The body is read and parsed before `beforeRequest` runs,
 * so `form`, `files` and `json` are synchronous.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import { Readable } from 'node:stream'
import type { CoreConfigValues } from '../config/keys.ts'
import { blueprintChain } from '../routing/endpoint.ts'
import type { Rule } from '../routing/index.ts'
import { parseCookies } from './cookies.ts'
import { BadRequest, RequestEntityTooLarge, UnsupportedMediaType } from './exceptions.ts'
import { ImmutableMultiDict, MultiDict } from './multidict.ts'
import { parseContentType, parseJson, parseUrlencoded, readBody } from './body.ts'
import { parseMultipart } from './multipart.ts'
import type { FileStorage } from './file-storage.ts'
import { isTrustedHost } from './host.ts'
import { decodePath } from './url.ts'
import { RequestHeaders } from './request-headers.ts'
import { parseAcceptHeaders, type AcceptHeaders } from './request-accept.ts'

/**
 * What a server adapter hands to the app to build a {@link Request}.
 *
 * @example
 * ```ts
 * new Request(app.config, { method: 'GET', url: '/search?q=x', headers: { host: 'localhost' } })
 * ```
 */
export interface RequestInit {
  /** The method, upper-case. */
  method: string
  /** The request target as sent: path and query, still percent-encoded. */
  url: string
  /** Lower-case header names, as `IncomingMessage.headers` has them. */
  headers: IncomingHttpHeaders
  /** The peer address. */
  remoteAddr?: string | null
  /** True when the connection itself is TLS. */
  secure?: boolean
  /** The body: a stream to read, bytes already in memory, or nothing. */
  body?: NodeJS.ReadableStream | Uint8Array | null
  /** The Node request, when there is one. */
  raw?: IncomingMessage | null
}

/**
 * The settings a Request reads (Werkzeug's Request reads the same from
 * `current_app.config`): pass the app's config, or any object with these keys.
 */
export type RequestConfig = Pick<
  CoreConfigValues,
  'TRUST_PROXY' | 'SERVER_NAME' | 'TRUSTED_HOSTS' | 'APPLICATION_ROOT' | 'MAX_CONTENT_LENGTH' | 'MAX_FORM_MEMORY_SIZE' | 'MAX_FORM_PARTS'
>

const EMPTY_ARGS = new ImmutableMultiDict<string>()
const EMPTY_FILES = new ImmutableMultiDict<FileStorage>()
const EMPTY_BUFFER = Buffer.alloc(0)
const REQUEST_ID = /^[\w.\-:@]{1,200}$/

/**
 * The incoming request. Reach it as the `request` global or as `ctx.request`.
 *
 * @example
 * ```ts
 * app.post('/upload', async () => {
 *   const file = request.files.get('photo')
 *   if (!file?.filename) abort(400, 'No file sent.')
 *   await file.save(`uploads/${secureFilename(file.filename)}`)
 *   return { name: request.form.get('title'), page: request.args.get('page', { type: Number, default: 1 }) }
 * })
 * ```
 */
export class Request {
  /** The method, upper-case (`GET`). */
  readonly method: string
  /** The path, percent-decoded (`/café`). */
  readonly path: string
  /** The raw query string without `?` (`a=1&b=2`). */
  readonly queryString: string
  /** The Node request when served by the Node adapter. */
  readonly raw: IncomingMessage | null
  /** The rule that matched, once routing ran. */
  urlRule: Rule | null = null
  /** The endpoint of the matched rule. */
  endpoint: string | null = null
  /** The values the rule's converters produced. */
  viewArgs: Record<string, unknown> | null = null
  /** The routing error (404, 405, redirect) raised when the view would run. */
  routingException: Error | null = null

  readonly #init: RequestInit
  readonly #config: RequestConfig
  #headers: RequestHeaders | null = null
  #args: ImmutableMultiDict<string> | null = null
  #cookies: Record<string, string> | null = null
  #data: Buffer | null = null
  #form: ImmutableMultiDict<string> | null = null
  #files: ImmutableMultiDict<FileStorage> | null = null
  #json: { value: unknown } | null = null
  #bodyLoaded = false
  #contentType: { mimetype: string; params: Record<string, string> } | null = null
  #accept: AcceptHeaders | null = null
  #id: string | null = null

  constructor(config: RequestConfig, init: RequestInit) {
    this.#config = config
    this.#init = init
    this.method = init.method.toUpperCase()
    this.raw = init.raw ?? null
    let target = init.url || '/'
    if (target.charCodeAt(0) !== 47 /* / */) {
      // absolute-form (a proxy request) or '*'
      const scheme = target.indexOf('://')
      if (scheme !== -1) {
        const slash = target.indexOf('/', scheme + 3)
        target = slash === -1 ? '/' : target.slice(slash)
      } else target = '/' + target
    }
    const q = target.indexOf('?')
    const rawPath = q === -1 ? target : target.slice(0, q)
    this.queryString = q === -1 ? '' : target.slice(q + 1)
    this.path = decodePath(rawPath)
  }

  // ---------------------------------------------------------------- headers

  /** The request headers, case-insensitive (`request.headers.get('User-Agent')`). */
  get headers(): RequestHeaders {
    return (this.#headers ??= new RequestHeaders(this.#init.headers))
  }

  /** The raw header object (lower-case names). */
  get rawHeaders(): IncomingHttpHeaders {
    return this.#init.headers
  }

  /** The cookies sent, as a null-prototype object. */
  get cookies(): Record<string, string> {
    return (this.#cookies ??= parseCookies(this.#init.headers.cookie))
  }

  /** The parsed query string. */
  get args(): ImmutableMultiDict<string> {
    if (this.#args === null) {
      this.#args = this.queryString === '' ? EMPTY_ARGS : parseUrlencoded(this.queryString, { maxParts: null })
    }
    return this.#args
  }

  /** `Content-Type` without parameters, lower-case (`application/json`). */
  get mimetype(): string {
    return this.#parsedContentType().mimetype
  }

  /** The parameters of `Content-Type` (`{ charset: 'utf-8' }`). */
  get mimetypeParams(): Record<string, string> {
    return this.#parsedContentType().params
  }

  /** The `Content-Type` header as sent. */
  get contentType(): string | null {
    return this.#init.headers['content-type'] ?? null
  }

  /** The `Content-Length` header as a number, or null. */
  get contentLength(): number | null {
    const value = this.#init.headers['content-length']
    if (value === undefined) return null
    const n = Number(value)
    return Number.isSafeInteger(n) && n >= 0 ? n : null
  }

  /** The `User-Agent` header, or ''. */
  get userAgent(): string {
    return this.#init.headers['user-agent'] ?? ''
  }

  /** The `Referer` header, or null. */
  get referrer(): string | null {
    return this.#init.headers.referer ?? null
  }

  /** The `Origin` header, or null. */
  get origin(): string | null {
    return (this.#init.headers.origin as string | undefined) ?? null
  }

  /** True for `application/json` and `application/*+json` bodies. */
  get isJson(): boolean {
    const mt = this.mimetype
    return mt === 'application/json' || (mt.startsWith('application/') && mt.endsWith('+json'))
  }

  /** Parsed `Accept`, `Accept-Language`, `Accept-Charset`, `Accept-Encoding` headers. */
  get accept(): AcceptHeaders {
    return (this.#accept ??= parseAcceptHeaders(this.#init.headers))
  }

  /** True when the client prefers JSON to HTML (used for error pages). */
  get wantsJson(): boolean {
    const header = this.#init.headers.accept
    if (!header) return this.isJson
    if (header.indexOf('json') === -1) return false
    return this.accept.mimetypes.acceptJson && !this.accept.mimetypes.acceptHtml
      ? true
      : this.accept.mimetypes.quality('application/json') > this.accept.mimetypes.quality('text/html')
  }

  /**
   * A request id: a trusted `X-Request-ID` header (when `TRUST_PROXY` is set)
   * or a fresh UUID. Logs and error pages carry it.
   */
  get id(): string {
    if (this.#id === null) {
      const sent = this.#init.headers['x-request-id']
      this.#id = typeof sent === 'string' && this.#trustedHops() > 0 && REQUEST_ID.test(sent) ? sent : randomUUID()
    }
    return this.#id
  }

  // ------------------------------------------------------------- where from

  #trustedHops(): number {
    const trust = this.#config.TRUST_PROXY
    return trust === true ? 1 : typeof trust === 'number' ? trust : 0
  }

  #forwarded(name: string): string | null {
    const hops = this.#trustedHops()
    if (hops === 0) return null
    const value = this.#init.headers[name]
    if (typeof value !== 'string' || value === '') return null
    const parts = value.split(',')
    // trust the value the n-th proxy from us appended
    const item = parts.length >= hops ? parts[parts.length - hops] : undefined
    return item?.trim() || null
  }

  /** The client address, from `X-Forwarded-For` when `TRUST_PROXY` trusts that many proxies. */
  get remoteAddr(): string | null {
    return this.#forwarded('x-forwarded-for') ?? this.#init.remoteAddr ?? null
  }

  /** Every address the request passed through, client first (`X-Forwarded-For` + peer). */
  get accessRoute(): string[] {
    const sent = this.#init.headers['x-forwarded-for']
    const route = typeof sent === 'string' && sent ? sent.split(',').map((s) => s.trim()) : []
    if (this.#init.remoteAddr) route.push(this.#init.remoteAddr)
    return route
  }

  /** `http` or `https` (from `X-Forwarded-Proto` behind a trusted proxy). */
  get scheme(): string {
    const forwarded = this.#forwarded('x-forwarded-proto')
    if (forwarded === 'http' || forwarded === 'https') return forwarded
    return this.#init.secure ? 'https' : 'http'
  }

  /** True over HTTPS. */
  get isSecure(): boolean {
    return this.scheme === 'https'
  }

  /**
   * The host (and port) the client asked for, checked against `TRUSTED_HOSTS`
   * (a host that is not trusted is a 400).
   */
  get host(): string {
    const host = this.#forwarded('x-forwarded-host') ?? this.#init.headers.host ?? this.#config.SERVER_NAME ?? 'localhost'
    const trusted = this.#config.TRUSTED_HOSTS
    if (trusted && !isTrustedHost(host, trusted)) throw new BadRequest(`Host "${host}" is not trusted.`)
    return host
  }

  /** The mount point of the app (`X-Forwarded-Prefix` behind a trusted proxy, else `APPLICATION_ROOT`), without a trailing slash. */
  get rootPath(): string {
    const prefix = this.#forwarded('x-forwarded-prefix') ?? this.#config.APPLICATION_ROOT ?? '/'
    return prefix === '/' ? '' : prefix.replace(/\/+$/, '')
  }

  /** `scheme://host` (`https://example.com`). */
  get hostUrl(): string {
    return `${this.scheme}://${this.host}/`
  }

  /** `scheme://host/root/` */
  get urlRoot(): string {
    return `${this.scheme}://${this.host}${this.rootPath}/`
  }

  /** The full URL without the query string. */
  get baseUrl(): string {
    return `${this.scheme}://${this.host}${this.rootPath}${encodeURI(this.path)}`
  }

  /** The full URL as the client asked for it. */
  get url(): string {
    return this.queryString ? `${this.baseUrl}?${this.queryString}` : this.baseUrl
  }

  /** Path and query (Werkzeug's `full_path`: always with `?`). */
  get fullPath(): string {
    return `${this.path}?${this.queryString}`
  }

  // ------------------------------------------------------------- blueprints

  /** The blueprint of the matched endpoint (`auth` for `auth.login`), or null. */
  get blueprint(): string | null {
    const endpoint = this.endpoint
    if (endpoint === null) return null
    const dot = endpoint.lastIndexOf('.')
    return dot === -1 ? null : endpoint.slice(0, dot)
  }

  /** The blueprint and its parents, innermost first (`['admin.users', 'admin']`). */
  get blueprints(): string[] {
    return blueprintChain(this.blueprint)
  }

  // ------------------------------------------------------------------- body

  /** True when the client sent (or announced) a body. */
  get hasBody(): boolean {
    const h = this.#init.headers
    const length = h['content-length']
    if (length !== undefined) return length !== '0'
    return h['transfer-encoding'] !== undefined || this.#init.body instanceof Uint8Array
  }

  /** True once the body was read (it is unless the route streams it). */
  get bodyLoaded(): boolean {
    return this.#bodyLoaded
  }

  /**
   * Reads and parses the body within the app's limits. The app calls it before
   * the `beforeRequest` hooks; routes with `streamBody: true` skip it.
   */
  async loadBody(): Promise<void> {
    if (this.#bodyLoaded) return
    this.#bodyLoaded = true
    const source = this.#init.body ?? null
    if (source === null || !this.hasBody) return
    const config = this.#config
    if (this.mimetype === 'multipart/form-data') {
      const parsed = await parseMultipart(source, this.contentType ?? '', {
        maxFormMemorySize: config.MAX_FORM_MEMORY_SIZE,
        maxFormParts: config.MAX_FORM_PARTS,
        maxContentLength: config.MAX_CONTENT_LENGTH,
      })
      this.#form = parsed.form
      this.#files = parsed.files
      this.#data = EMPTY_BUFFER
      this.onCleanup(parsed.cleanup)
      return
    }
    this.#data = await readBody(source, { limit: config.MAX_CONTENT_LENGTH, declaredLength: this.contentLength })
  }

  /**
   * Takes a body that is already in memory (and not multipart) as read,
   * synchronously: `app.testRequestContext` uses it so that `form`, `json`
   * and `data` work without dispatching. A multipart body still needs
   * `await request.loadBody()`.
   * @internal
   */
  preloadBody(): void {
    const body = this.#init.body
    if (this.#bodyLoaded || !(body instanceof Uint8Array) || this.mimetype === 'multipart/form-data') return
    this.#bodyLoaded = true
    this.#data = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  }

  #cleanups: Array<() => unknown> | null = null

  /** Registers work to do once the response has been sent (temp files). */
  onCleanup(fn: () => unknown): void {
    ;(this.#cleanups ??= []).push(fn)
  }

  /** Runs the registered cleanups. */
  async cleanup(): Promise<void> {
    const fns = this.#cleanups
    if (!fns) return
    this.#cleanups = null
    await Promise.allSettled(fns.map(async (fn) => fn()))
  }

  /** True when cleanups are registered (temp files to remove once the response is sent). */
  get hasCleanups(): boolean {
    return this.#cleanups !== null
  }

  /** The raw body bytes (empty for multipart, whose parts are in `form` and `files`). */
  get data(): Buffer {
    if (!this.#bodyLoaded && this.hasBody) {
      throw new Error(
        'The request body was not read: this route streams it (streamBody: true). Read request.stream instead.',
      )
    }
    return this.#data ?? EMPTY_BUFFER
  }

  /** The body decoded as text (UTF-8 unless the charset says otherwise). */
  getData(options: { asText: true }): string
  getData(options?: { asText?: false }): Buffer
  getData(options: { asText?: boolean } = {}): Buffer | string {
    const data = this.data
    if (!options.asText) return data
    const charset = this.mimetypeParams.charset?.toLowerCase()
    const encoding = charset === 'latin1' || charset === 'iso-8859-1' ? 'latin1' : 'utf8'
    return data.toString(encoding)
  }

  /**
   * The body as a stream. For a route with `streamBody: true` this is the
   * socket's stream itself; otherwise it replays the bytes already read.
   */
  get stream(): Readable {
    if (!this.#bodyLoaded) {
      const body = this.#init.body
      if (body instanceof Uint8Array) return Readable.from([Buffer.from(body)])
      if (body) {
        this.#bodyLoaded = true
        return body as Readable
      }
      return Readable.from([])
    }
    return Readable.from([this.#data ?? EMPTY_BUFFER])
  }

  /** Form fields of an urlencoded or multipart body. */
  get form(): ImmutableMultiDict<string> {
    if (this.#form === null) {
      const data = this.#data
      if (data !== null && data.length > 0 && this.mimetype === 'application/x-www-form-urlencoded') {
        // Werkzeug bounds an urlencoded body by max_form_memory_size as a whole
        const limit = this.#config.MAX_FORM_MEMORY_SIZE
        if (limit != null && data.length > limit) {
          throw new RequestEntityTooLarge(`The form data is larger than the limit of ${limit} bytes (MAX_FORM_MEMORY_SIZE).`)
        }
        this.#form = parseUrlencoded(data, { maxParts: this.#config.MAX_FORM_PARTS })
      } else this.#form = EMPTY_ARGS
    }
    return this.#form
  }

  /** Files of a multipart body, by field name. */
  get files(): ImmutableMultiDict<FileStorage> {
    return this.#files ?? EMPTY_FILES
  }

  /** Query and form values together (form values after query values). */
  get values(): MultiDict<string> {
    const merged = new MultiDict<string>(this.args)
    for (const [k, v] of this.form) merged.add(k, v)
    return merged
  }

  /**
   * The JSON body. A request that is not JSON is a 415 and malformed JSON is a
   * 400, as in Flask; use {@link getJson} for other behaviour.
   */
  get json(): unknown {
    return this.getJson()
  }

  /**
   * The JSON body. `force` ignores the content type; `silent` returns null
   * instead of raising.
   *
   * @example
   * ```ts
   * const body = request.getJson({ silent: true }) ?? {}
   * ```
   */
  getJson(options: { force?: boolean; silent?: boolean } = {}): unknown {
    if (this.#json !== null) return this.#json.value
    if (!options.force && !this.isJson) {
      if (options.silent) return null
      throw new UnsupportedMediaType(
        "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
      )
    }
    try {
      const value = parseJson(this.data)
      this.#json = { value }
      return value
    } catch (err) {
      if (options.silent) return null
      throw err
    }
  }

  #parsedContentType(): { mimetype: string; params: Record<string, string> } {
    return (this.#contentType ??= parseContentType(this.#init.headers['content-type']))
  }
}
