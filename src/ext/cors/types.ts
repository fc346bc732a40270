/**
 * The option types of `phial/cors`.
 */
import type { Request } from 'phial'

/**
 * Decides for one origin: `true` allows it, `false`/`null`/`undefined`
 * refuses it; a string or list (Flask-CORS's callable origins) is matched
 * like the `origins` option itself (`'*'` allows every origin).
 *
 * @example
 * ```ts
 * const fromDb: OriginFunction = (origin) => tenants.has(origin)
 * ```
 */
export type OriginFunction = (origin: string, request: Request) => boolean | string | readonly string[] | null | undefined

/**
 * One allowed origin: an exact origin (`'https://example.com'`, compared
 * case-insensitively), `'*'` for any, a RegExp that must match the whole
 * origin, or a function.
 *
 * @example
 * ```ts
 * const origins: OriginMatcher[] = ['https://example.com', /^https:\/\/[a-z0-9-]+\.example\.com$/, (o) => o.endsWith('.test')]
 * ```
 */
export type OriginMatcher = string | RegExp | OriginFunction

/**
 * The CORS options of a resource, of `crossOrigin()`, and of `new CORS()`
 * (Flask-CORS's keyword arguments in camelCase).
 *
 * @example
 * ```ts
 * const options: CorsOptions = { origins: ['https://app.example.com'], supportsCredentials: true, maxAge: 600 }
 * ```
 */
export interface CorsOptions {
  /** Allowed origins. Default `'*'` (any origin, credentials off). */
  origins?: OriginMatcher | readonly OriginMatcher[]
  /** Methods allowed by a preflight (`Access-Control-Allow-Methods`). Default every method. */
  methods?: string | readonly string[]
  /** Request headers allowed by a preflight: names (case-insensitive), RegExps, or `'*'` to allow whatever is asked. Default `'*'`. */
  allowHeaders?: string | RegExp | readonly (string | RegExp)[]
  /** Response headers scripts on the other origin may read (`Access-Control-Expose-Headers`). Default none. */
  exposeHeaders?: string | readonly string[] | null
  /** Allow cookies and HTTP auth (`Access-Control-Allow-Credentials: true`); never answered with `*`. Default `false`. */
  supportsCredentials?: boolean
  /** How long a browser may cache a preflight, in seconds (`Access-Control-Max-Age`). Default none. */
  maxAge?: number | null
  /** With `origins: '*'`, answer `*` rather than the request's origin. Cannot be used with credentials. Default `false`. */
  sendWildcard?: boolean
  /** Answer preflights (OPTIONS with `Access-Control-Request-Method`) without running the view. Default `true`. */
  automaticOptions?: boolean
  /** Add `Vary: Origin` (and `Access-Control-Request-Headers` on reflected preflights). Default `true`. */
  vary?: boolean
  /** Answer Private Network Access preflights (`Access-Control-Allow-Private-Network: true`). Default `false`. */
  allowPrivateNetwork?: boolean
}

/**
 * A path pattern: a string where `*` matches anything (a trailing `/*` also
 * matches the bare prefix: `'/api/*'` covers `/api`, `/api/` and
 * `/api/users/1`), or a RegExp that must match the whole path.
 *
 * @example
 * ```ts
 * const patterns: ResourcePattern[] = ['/api/*', /^\/v\d+\/public\//]
 * ```
 */
export type ResourcePattern = string | RegExp

/**
 * What `resources` takes (Flask-CORS's): one pattern, a list of patterns
 * (the top-level options apply), or patterns with their own options — an
 * object `{ '/api/*': { origins: … } }` or a list of `[pattern, options]`
 * pairs (the form for RegExps). The most specific (longest) pattern wins.
 *
 * @example
 * ```ts
 * const resources: ResourcesOption = { '/api/public/*': { origins: '*' }, '/api/*': { origins: ['https://app.example.com'] } }
 * ```
 */
export type ResourcesOption =
  | ResourcePattern
  | readonly ResourcePattern[]
  | Readonly<Record<string, CorsOptions>>
  | ReadonlyArray<readonly [ResourcePattern, CorsOptions]>

/**
 * Options of `new CORS(app, options)`: the resource options plus `resources`.
 *
 * @example
 * ```ts
 * new CORS(app, { resources: { '/api/*': { origins: 'https://app.example.com' } }, maxAge: 3600 })
 * ```
 */
export interface CorsExtensionOptions extends CorsOptions {
  /** Which paths CORS covers, and with which options. Default `'/*'` (every path). */
  resources?: ResourcesOption
}

