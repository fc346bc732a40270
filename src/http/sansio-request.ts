/**
 * The request's sans-IO half (Werkzeug's `sansio/request.py`): lazy views
 * over the raw method, target and headers. request.ts adds the body.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { CoreConfigValues } from '../config/keys.ts'
import { blueprintChain } from '../routing/endpoint.ts'
import type { Rule } from '../routing/index.ts'
import { parseCookies } from './cookies.ts'
import { BadRequest } from './exceptions.ts'
import { ImmutableMultiDict } from './multidict.ts'
import { parseContentType, parseUrlencoded } from './body.ts'
import type { FileStorage } from './file-storage.ts'
import { isTrustedHost } from './host.ts'
import { forwardedValue, isSafePrefix, isValidHost, isValidPort, trustedCount, withPort, type ForwardedKind } from './proxy-fix.ts'
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
> &
  Partial<Pick<CoreConfigValues, 'MAX_JSON_SIZE' | 'MAX_JSON_DEPTH' | 'MAX_JSON_ITEMS'>>

const EMPTY_ARGS = new ImmutableMultiDict<string>()
const REQUEST_ID = /^[\w.\-:@]{1,200}$/

let idPrefix = ''
let idCounter = 0
const ID_COUNTER_LIMIT = 0xffffffffffff

/**
 * A fresh request id in UUID form: a random UUID's first 24 characters
 * (version and variant bits included), drawn once per process and again
 * every 2^48 ids, then a 48-bit counter in hex. Unique within the process
 * and, by the random prefix, across processes; about a tenth of the cost of
 * `randomUUID()` (bench/OPTIMISATIONS.md). Not a secret: do not use it as one.
 */
function nextRequestId(): string {
  if (idPrefix === '' || idCounter > ID_COUNTER_LIMIT) {
    idPrefix = randomUUID().slice(0, 24)
    idCounter = 0
  }
  const n = (idCounter++).toString(16)
  return idPrefix + '000000000000'.slice(n.length) + n
}

/**
 * The request without its body (Werkzeug's `sansio.Request`): method, path,
 * query, headers, cookies, content type, where it came from (proxies
 * included) and the routing result. {@link Request} adds the body.
 */
export class SansioRequest {
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

  /** What the adapter handed over. @internal */
  protected readonly requestInit: RequestInit
  /** The settings it reads. @internal */
  protected readonly requestConfig: RequestConfig
  #headers: RequestHeaders | null = null
  #args: ImmutableMultiDict<string> | null = null
  #cookies: Record<string, string> | null = null
  #contentType: { mimetype: string; params: Record<string, string> } | null = null
  #accept: AcceptHeaders | null = null
  #id: string | null = null

  constructor(config: RequestConfig, init: RequestInit) {
    this.requestConfig = config
    this.requestInit = init
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
    return (this.#headers ??= new RequestHeaders(this.requestInit.headers))
  }

  /** The raw header object (lower-case names). */
  get rawHeaders(): IncomingHttpHeaders {
    return this.requestInit.headers
  }

  /** The cookies sent, as a null-prototype object. */
  get cookies(): Record<string, string> {
    return (this.#cookies ??= parseCookies(this.requestInit.headers.cookie))
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
    return this.requestInit.headers['content-type'] ?? null
  }

  /** The `Content-Length` header as a number, or null. */
  get contentLength(): number | null {
    const value = this.requestInit.headers['content-length']
    if (value === undefined) return null
    const n = Number(value)
    return Number.isSafeInteger(n) && n >= 0 ? n : null
  }

  /** The `User-Agent` header, or ''. */
  get userAgent(): string {
    return this.requestInit.headers['user-agent'] ?? ''
  }

  /** The `Referer` header, or null. */
  get referrer(): string | null {
    return this.requestInit.headers.referer ?? null
  }

  /** The `Origin` header, or null. */
  get origin(): string | null {
    return (this.requestInit.headers.origin as string | undefined) ?? null
  }

  /** True for `application/json` and `application/*+json` bodies. */
  get isJson(): boolean {
    const mt = this.mimetype
    return mt === 'application/json' || (mt.startsWith('application/') && mt.endsWith('+json'))
  }

  /** Parsed `Accept`, `Accept-Language`, `Accept-Charset`, `Accept-Encoding` headers. */
  get accept(): AcceptHeaders {
    return (this.#accept ??= parseAcceptHeaders(this.requestInit.headers))
  }

  /** True when the client prefers JSON to HTML (used for error pages). */
  get wantsJson(): boolean {
    const header = this.requestInit.headers.accept
    if (!header) return this.isJson
    if (header.indexOf('json') === -1) return false
    return this.accept.mimetypes.acceptJson && !this.accept.mimetypes.acceptHtml
      ? true
      : this.accept.mimetypes.quality('application/json') > this.accept.mimetypes.quality('text/html')
  }

  /**
   * A request id: a trusted `X-Request-ID` header (when `TRUST_PROXY` is set)
   * or a fresh UUID-shaped id (a random per-process prefix and a counter).
   * Logs and error pages carry it.
   */
  get id(): string {
    if (this.#id === null) {
      const sent = this.requestInit.headers['x-request-id']
      this.#id = typeof sent === 'string' && this.#trusted('for') > 0 && REQUEST_ID.test(sent) ? sent : nextRequestId()
    }
    return this.#id
  }

  // ------------------------------------------------------------- where from

  #trusted(kind: ForwardedKind): number {
    return trustedCount(this.requestConfig.TRUST_PROXY, kind)
  }

  #forwarded(name: string, kind: ForwardedKind): string | null {
    return forwardedValue(this.requestInit.headers[name], this.#trusted(kind))
  }

  /** The client address, from `X-Forwarded-For` when `TRUST_PROXY` trusts that many proxies. */
  get remoteAddr(): string | null {
    return this.#forwarded('x-forwarded-for', 'for') ?? this.requestInit.remoteAddr ?? null
  }

  /** Every address the request passed through, client first (`X-Forwarded-For` + peer). */
  get accessRoute(): string[] {
    const sent = this.requestInit.headers['x-forwarded-for']
    const route = typeof sent === 'string' && sent ? sent.split(',').map((s) => s.trim()) : []
    if (this.requestInit.remoteAddr) route.push(this.requestInit.remoteAddr)
    return route
  }

  /** `http` or `https` (from `X-Forwarded-Proto` behind a trusted proxy). */
  get scheme(): string {
    const forwarded = this.#forwarded('x-forwarded-proto', 'proto')
    if (forwarded === 'http' || forwarded === 'https') return forwarded
    return this.requestInit.secure ? 'https' : 'http'
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
    let host = this.#forwarded('x-forwarded-host', 'host')
    if (host !== null && !isValidHost(host)) host = null
    host ??= this.requestInit.headers.host ?? this.requestConfig.SERVER_NAME ?? 'localhost'
    const port = this.#forwarded('x-forwarded-port', 'port')
    if (port !== null && isValidPort(port)) host = withPort(host, port)
    const trusted = this.requestConfig.TRUSTED_HOSTS
    if (trusted && !isTrustedHost(host, trusted)) throw new BadRequest(`Host "${host}" is not trusted.`)
    return host
  }

  /**
   * The mount point of the app (`X-Forwarded-Prefix` behind a proxy trusted
   * for it, else `APPLICATION_ROOT`), without a trailing slash. A forwarded
   * prefix that is not a plain local path (`//evil.example`, a backslash, a
   * scheme) is ignored: URLs and redirects are built from it.
   */
  get rootPath(): string {
    let prefix = this.#forwarded('x-forwarded-prefix', 'prefix')
    if (prefix !== null && !isSafePrefix(prefix)) prefix = null
    prefix ??= this.requestConfig.APPLICATION_ROOT ?? '/'
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

  #parsedContentType(): { mimetype: string; params: Record<string, string> } {
    return (this.#contentType ??= parseContentType(this.requestInit.headers['content-type']))
  }
}
