/**
 * A CORS policy compiled once from its options: the header values are
 * strings made at init time, so a request only matches its origin.
 */
import { Response, type Request } from 'phial'
import { CORS_DEFAULTS } from './config.ts'
import { compileOrigins, isValidOrigin, originAllowed, type OriginRule } from './origins.ts'
import type { CorsOptions } from './types.ts'

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * Options with every default filled in.
 *
 * @example
 * ```ts
 * const resolved: ResolvedCorsOptions = mergeCorsOptions({ maxAge: 60 })
 * resolved.methods // every method
 * ```
 */
export type ResolvedCorsOptions = { [K in keyof CorsOptions]-?: Exclude<CorsOptions[K], undefined> }

/**
 * A compiled policy: the header values as strings, the origins compiled.
 *
 * @example
 * ```ts
 * const policy: CorsPolicy = compilePolicy(mergeCorsOptions({ exposeHeaders: ['X-Total'] }))
 * policy.exposeHeader // 'X-Total'
 * ```
 */
export interface CorsPolicy {
  readonly origins: OriginRule
  /** Answer `*` itself: only with `origins: '*'`, `sendWildcard` and no credentials. */
  readonly constantWildcard: boolean
  /** The answer depends on `Origin`: add `Vary: Origin` (when `vary` is on). */
  readonly varyOrigin: boolean
  readonly credentials: boolean
  readonly automaticOptions: boolean
  readonly vary: boolean
  readonly allowPrivateNetwork: boolean
  /** Upper-case allowed methods, and their header value. */
  readonly methods: ReadonlySet<string>
  readonly methodsHeader: string
  readonly exposeHeader: string | null
  readonly maxAgeHeader: string | null
  /** `'*'` in allowHeaders: reflect every requested header. */
  readonly allowAnyHeader: boolean
  readonly allowHeaderNames: ReadonlySet<string>
  readonly allowHeaderPatterns: readonly RegExp[]
}

function list<T>(value: T | readonly T[] | null | undefined): T[] {
  if (value === null || value === undefined) return []
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T]
}

function checkedTokens(option: string, values: string[]): string[] {
  for (const v of values) {
    if (typeof v !== 'string' || !TOKEN.test(v)) {
      throw new TypeError(`CORS ${option} must be header or method names, got ${JSON.stringify(v)}.`)
    }
  }
  return values
}

/**
 * Merges option sets (later wins; `undefined` keeps the earlier value) over
 * the defaults.
 *
 * @example
 * ```ts
 * mergeCorsOptions(fromConfig, constructorOptions, resourceOptions).origins
 * ```
 */
export function mergeCorsOptions(...sets: Array<CorsOptions | undefined>): ResolvedCorsOptions {
  const out: Record<string, unknown> = { ...CORS_DEFAULTS }
  for (const set of sets) {
    if (!set) continue
    for (const [key, value] of Object.entries(set)) {
      if (!(key in CORS_DEFAULTS)) continue
      if (value !== undefined) out[key] = value
    }
  }
  return out as ResolvedCorsOptions
}

/**
 * Compiles resolved options into a {@link CorsPolicy}.
 *
 * @throws TypeError for a malformed option; Error for `sendWildcard` with
 *   `supportsCredentials` (the Fetch standard forbids `*` with credentials,
 *   so a browser would refuse every response).
 *
 * @example
 * ```ts
 * const policy = compilePolicy(mergeCorsOptions({ origins: 'https://example.com', maxAge: 600 }))
 * policy.maxAgeHeader // '600'
 * ```
 */
export function compilePolicy(options: ResolvedCorsOptions): CorsPolicy {
  const origins = compileOrigins(options.origins)
  const credentials = options.supportsCredentials === true
  if (origins.wildcard && credentials && options.sendWildcard) {
    throw new Error(
      "CORS: supportsCredentials cannot be used with sendWildcard and origins '*' (browsers refuse " +
        "'Access-Control-Allow-Origin: *' with credentials). List the allowed origins instead.",
    )
  }
  const methods = checkedTokens('methods', list(options.methods).map((m) => String(m).toUpperCase()))
  const expose = checkedTokens('exposeHeaders', list(options.exposeHeaders))
  const maxAge = options.maxAge
  if (maxAge !== null && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0)) {
    throw new TypeError(`CORS maxAge must be a whole number of seconds, got ${JSON.stringify(maxAge)}.`)
  }
  let allowAnyHeader = false
  const names = new Set<string>()
  const patterns: RegExp[] = []
  for (const item of list(options.allowHeaders)) {
    if (item === '*') allowAnyHeader = true
    else if (item instanceof RegExp) patterns.push(new RegExp(`^(?:${item.source})$`, item.flags.replace(/[gy]/g, '') + (item.flags.includes('i') ? '' : 'i')))
    else names.add(checkedTokens('allowHeaders', [item])[0]!.toLowerCase())
  }
  const constantWildcard = origins.wildcard && options.sendWildcard === true && !credentials
  return {
    origins,
    constantWildcard,
    varyOrigin: !constantWildcard,
    credentials,
    automaticOptions: options.automaticOptions !== false,
    vary: options.vary !== false,
    allowPrivateNetwork: options.allowPrivateNetwork === true,
    methods: new Set(methods),
    methodsHeader: [...new Set(methods)].sort().join(', '),
    exposeHeader: expose.length ? [...new Set(expose)].sort().join(', ') : null,
    maxAgeHeader: maxAge === null ? null : String(maxAge),
    allowAnyHeader,
    allowHeaderNames: names,
    allowHeaderPatterns: patterns,
  }
}

/**
 * Responses whose CORS headers were decided (by `crossOrigin`, a preflight
 * answer, or the extension): nothing else touches them, so a view's own
 * policy is final even when it refused the origin (Flask-CORS's
 * `FLASK_CORS_EVALUATED`).
 */
const evaluated = new WeakSet<Response>()

/**
 * True when CORS headers were already decided for this response.
 *
 * @example
 * ```ts
 * app.afterRequest((response) => { if (!corsEvaluated(response)) audit(response) })
 * ```
 */
export function corsEvaluated(response: Response): boolean {
  return evaluated.has(response)
}

/** Adds `token` to the response's `Vary` unless it is there (or `Vary: *`). */
export function addVary(response: Response, token: string): void {
  const raw = response.headers.raw
  const current = raw.vary
  if (current === undefined) {
    raw.vary = token
    return
  }
  const joined = Array.isArray(current) ? current.join(', ') : current
  const lower = token.toLowerCase()
  for (const part of joined.split(',')) {
    const p = part.trim().toLowerCase()
    if (p === '*' || p === lower) return
  }
  raw.vary = joined ? `${joined}, ${token}` : token
}

/** The request's origin when it is well formed and allowed, else null. */
function allowedOrigin(policy: CorsPolicy, request: Request): string | null {
  const origin = request.headers.get('origin')
  if (origin === null || !isValidOrigin(origin)) return null
  return originAllowed(policy.origins, origin, request) ? origin : null
}

/**
 * True for a CORS preflight: OPTIONS with `Origin` and
 * `Access-Control-Request-Method`.
 *
 * @example
 * ```ts
 * if (isPreflight(request)) return preflightResponse(policy, request)
 * ```
 */
export function isPreflight(request: Request): boolean {
  return request.method === 'OPTIONS' && request.headers.has('access-control-request-method') && request.headers.has('origin')
}

/**
 * Adds the CORS headers of an actual (non-preflight) response: the allowed
 * origin, credentials, exposed headers, and `Vary: Origin`. A response that
 * already carries `Access-Control-Allow-Origin` (set by the view or by
 * `crossOrigin`) is left as it is.
 *
 * @example
 * ```ts
 * app.afterRequest((response) => { applyCorsHeaders(policy, request, response) })
 * ```
 */
export function applyCorsHeaders(policy: CorsPolicy, request: Request, response: Response): void {
  const raw = response.headers.raw
  if (evaluated.has(response) || raw['access-control-allow-origin'] !== undefined) return
  evaluated.add(response)
  if (policy.vary && policy.varyOrigin) addVary(response, 'Origin')
  if (!request.headers.has('origin')) return
  let value: string
  if (policy.constantWildcard) value = '*'
  else {
    const origin = allowedOrigin(policy, request)
    if (origin === null) return
    value = origin
  }
  raw['access-control-allow-origin'] = value
  if (policy.credentials) raw['access-control-allow-credentials'] = 'true'
  if (policy.exposeHeader !== null) raw['access-control-expose-headers'] = policy.exposeHeader
}

/** The requested headers this policy allows, as a header value (names kept as sent, lower-cased). */
function allowedRequestHeaders(policy: CorsPolicy, requested: string): string {
  const out: string[] = []
  for (const part of requested.split(',')) {
    const name = part.trim().toLowerCase()
    if (!name || !TOKEN.test(name) || out.includes(name)) continue
    if (policy.allowAnyHeader || policy.allowHeaderNames.has(name) || policy.allowHeaderPatterns.some((re) => re.test(name))) out.push(name)
  }
  return out.sort().join(', ')
}

/** Largest `Access-Control-Request-Headers` looked at (a browser sends a short list). */
const MAX_REQUEST_HEADERS_LENGTH = 4096

/**
 * The answer to a preflight, made without running the view: 204 with the
 * allowed origin, methods, headers and max age — or, for an origin that is
 * not allowed, a 204 without them (the browser then refuses the request).
 *
 * @example
 * ```ts
 * app.beforeRequest(() => (isPreflight(request) ? preflightResponse(policy, request) : undefined))
 * ```
 */
export function preflightResponse(policy: CorsPolicy, request: Request): Response {
  const response = new Response(null, { status: 204 })
  evaluated.add(response)
  const raw = response.headers.raw
  delete raw['content-type']
  if (policy.vary && policy.varyOrigin) addVary(response, 'Origin')
  const value = policy.constantWildcard ? '*' : allowedOrigin(policy, request)
  if (value === null) return response
  raw['access-control-allow-origin'] = value
  if (policy.credentials) raw['access-control-allow-credentials'] = 'true'
  const method = request.headers.get('access-control-request-method')!.trim().toUpperCase()
  // as Flask-CORS: a method that is not allowed gets the origin but no method or header grant
  if (!policy.methods.has(method)) return response
  raw['access-control-allow-methods'] = policy.methodsHeader
  const requested = request.headers.get('access-control-request-headers')
  if (requested !== null && requested.length <= MAX_REQUEST_HEADERS_LENGTH) {
    const allowed = allowedRequestHeaders(policy, requested)
    if (allowed) raw['access-control-allow-headers'] = allowed
    if (policy.vary) addVary(response, 'Access-Control-Request-Headers')
  }
  if (policy.maxAgeHeader !== null) raw['access-control-max-age'] = policy.maxAgeHeader
  if (policy.allowPrivateNetwork && request.headers.get('access-control-request-private-network') === 'true') {
    raw['access-control-allow-private-network'] = 'true'
  }
  return response
}
