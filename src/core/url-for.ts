/**
 * URL building (Flask's `url_for`): blueprint-relative endpoints, URL
 * defaults, the app's mount point, external URLs and anchors.
 */
import type { AppCore } from './app-core.ts'
import { currentContext, type Context } from './context.ts'
import { blueprintChain } from '../routing/endpoint.ts'
import { BuildError } from '../routing/errors.ts'
import type { MatchResult } from '../routing/index.ts'
import { normalizeHost, subdomainOf } from '../http/host.ts'
import type { Request } from '../http/request.ts'

/**
 * The underscore options of `urlFor`, also accepted among the values as in Flask.
 *
 * @example
 * ```ts
 * urlFor('user', { id: 7 }, { _external: true, _scheme: 'https', _anchor: 'bio' }) // 'https://example.com/user/7#bio'
 * ```
 */
export interface UrlForOptions {
  /** Build an absolute URL (`https://host/path`). Default: true outside a request, else false unless `_scheme`. */
  _external?: boolean
  /** Append `#anchor`. */
  _anchor?: string
  /** Pick the rule that accepts this method. */
  _method?: string
  /** The scheme of an external URL (needs `_external`). */
  _scheme?: string
}

const ANCHOR_SAFE = /[^A-Za-z0-9\-._~%!#$&'()*+,/:;=?@]/gu

const hostWarned = new WeakSet<object>()

/**
 * Once per app, in production (neither DEBUG nor TESTING): an external URL
 * built from the request's Host when neither SERVER_NAME nor TRUSTED_HOSTS
 * bounds it — a password-reset link would point wherever the client said.
 */
function warnHostFromClient(app: AppCore): void {
  hostWarned.add(app)
  const config = app.config
  if (config.DEBUG || config.TESTING || config.SERVER_NAME || config.TRUSTED_HOSTS) return
  app.logger.warn(
    'An external URL was built from the client\'s Host header, and any Host is accepted: set TRUSTED_HOSTS ' +
      "(or SERVER_NAME) in production so that links such as password resets cannot point at another site.",
  )
}

/**
 * The domain part a request is routed by (Flask's `create_url_adapter`):
 * with host matching, its host; with subdomain matching, its subdomain under
 * `SERVER_NAME` (`null` when the host is not under it: nothing matches, a
 * 404); otherwise `''`, the default domain — rules with a `subdomain` then
 * never match, as in Flask without `subdomain_matching`.
 *
 * @example
 * ```ts
 * // new Phial(url, { subdomainMatching: true }), SERVER_NAME 'example.com'
 * requestDomain(app, request) // 'api' for Host: api.example.com
 * ```
 */
export function requestDomain(app: AppCore, request: Request): string | null {
  if (app.urlMap.hostMatching) return normalizeHost(request.host, request.scheme)
  if (!app.subdomainMatching) return ''
  const serverName = app.config.SERVER_NAME
  return serverName ? subdomainOf(request.host, serverName, request.scheme) : ''
}

/**
 * Matches a request against the app's URL map, by its domain when the app
 * routes by subdomain or host (an app that does not pays one check). A
 * canonical redirect onto another domain gets an absolute location.
 *
 * @example
 * ```ts
 * const result = matchRequestUrl(app, request) // { kind: 'match', rule, args }
 * ```
 */
export function matchRequestUrl(app: AppCore, request: Request): MatchResult {
  const map = app.urlMap
  if (!map.hostMatching && !app.subdomainMatching) return map.match(request.path, request.method)
  const domain = requestDomain(app, request)
  const result = map.match(request.path, request.method, domain)
  if (result.kind === 'redirect' && result.domain !== undefined) {
    const host = hostOfDomain(app, request, result.domain)
    return { kind: 'redirect', status: 308, location: `${request.scheme}://${host}${request.rootPath}${result.location}` }
  }
  return result
}

/**
 * The methods the rules matching the request's path (on its domain)
 * accept, for the automatic OPTIONS answer's `Allow`.
 *
 * @example
 * ```ts
 * allowedMethodsFor(app, request) // ['GET', 'HEAD', 'OPTIONS']
 * ```
 */
export function allowedMethodsFor(app: AppCore, request: Request): string[] {
  const map = app.urlMap
  if (!map.hostMatching && !app.subdomainMatching) return map.allowedMethods(request.path)
  return map.allowedMethods(request.path, requestDomain(app, request))
}

/** The server name a request's URLs are built under: SERVER_NAME, else its host (always its host with host matching). */
function serverNameOf(app: AppCore, request: Request): string {
  const configured = app.config.SERVER_NAME
  return normalizeHost(!app.urlMap.hostMatching && configured ? configured : request.host, request.scheme)
}

/** The host of a built domain part (Werkzeug's `MapAdapter.get_host`). */
function hostOfDomain(app: AppCore, request: Request | null, domain: string): string {
  if (app.urlMap.hostMatching) {
    if (domain !== '') return domain
    return request !== null ? normalizeHost(request.host, request.scheme) : (app.config.SERVER_NAME as string)
  }
  const serverName = request !== null ? serverNameOf(app, request) : (app.config.SERVER_NAME as string)
  return domain === '' ? serverName : `${domain}.${serverName}`
}

/**
 * Builds a URL for an endpoint and values in the current app. Values the rule
 * does not take become the query string; `.name` is relative to the current
 * blueprint.
 *
 * @example
 * ```ts
 * urlFor('index')                                // '/'
 * urlFor('user', { id: 42, tab: 'posts' })       // '/user/42?tab=posts'
 * urlFor('.login')                               // '/auth/login' inside the auth blueprint
 * urlFor('static', { filename: 'style.css' })    // '/static/style.css'
 * urlFor('index', {}, { _external: true })       // 'http://localhost/'
 * ```
 */
export function urlFor(endpoint: string, values: Record<string, unknown> = {}, options: UrlForOptions = {}): string {
  const ctx = currentContext()
  return buildUrl(ctx.app, ctx, endpoint, values, options)
}

/** Runs the app's and the endpoint's blueprints' `urlDefaults` functions on `values`. */
export function injectUrlDefaults(app: AppCore, endpoint: string, values: Record<string, unknown>): void {
  const run = (scope: string | null): void => {
    const fns = app.urlDefaultFunctions.get(scope)
    if (fns) for (const fn of fns) fn(endpoint, values)
  }
  run(null)
  const dot = endpoint.lastIndexOf('.')
  if (dot !== -1) for (const bp of blueprintChain(endpoint.slice(0, dot)).reverse()) run(bp)
}

/**
 * `urlFor` for a given app and context (null: no request).
 * @internal
 */
export function buildUrl(
  app: AppCore,
  ctx: Context | null,
  endpoint: string,
  rawValues: Record<string, unknown>,
  options: UrlForOptions,
): string {
  const values: Record<string, unknown> = {}
  let { _external, _anchor, _method, _scheme } = options
  for (const key of Object.keys(rawValues)) {
    const value = rawValues[key]
    switch (key) {
      case '_external': _external ??= value as boolean; break
      case '_anchor': _anchor ??= value as string; break
      case '_method': _method ??= value as string; break
      case '_scheme': _scheme ??= value as string; break
      case '__proto__': break
      default: values[key] = value
    }
  }
  const request = ctx?.hasRequest ? ctx.request : null
  if (request !== null) {
    if (endpoint.startsWith('.')) {
      const bp = request.blueprint
      endpoint = bp ? bp + endpoint : endpoint.slice(1)
    }
    _external ??= _scheme !== undefined
  } else {
    if (endpoint.startsWith('.')) endpoint = endpoint.slice(1)
    _external ??= true
  }
  if (_scheme !== undefined && !_external) throw new Error("When specifying '_scheme', '_external' must be true.")

  app.injectUrlDefaults(endpoint, values)
  const map = app.urlMap
  if (map.hostMatching || app.subdomainMatching || map.usesDomains) {
    try {
      return buildAcrossDomains(app, request, endpoint, values, _method, _external, _scheme, _anchor)
    } catch (error) {
      return buildFailed(app, error, endpoint, values, { _anchor, _method, _scheme, _external })
    }
  }
  let url: string
  try {
    url = map.build(endpoint, values, { method: _method })
  } catch (error) {
    return buildFailed(app, error, endpoint, values, { _anchor, _method, _scheme, _external })
  }

  let root: string
  if (request !== null) {
    root = request.rootPath
    if (_external) {
      if (!hostWarned.has(app)) warnHostFromClient(app)
      root = `${_scheme ?? request.scheme}://${request.host}${root}`
    }
  } else {
    const serverName = app.config.SERVER_NAME
    const appRoot = (app.config.APPLICATION_ROOT ?? '/').replace(/\/+$/, '')
    if (_external) {
      if (!serverName) {
        throw new Error(
          "Unable to build URLs outside an active request without 'SERVER_NAME' configured. " +
            "Also configure 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as needed.",
        )
      }
      root = `${_scheme ?? app.config.PREFERRED_URL_SCHEME}://${serverName}${appRoot}`
    } else root = appRoot
  }
  return withAnchor(root + url, _anchor)
}

function withAnchor(url: string, anchor: string | undefined): string {
  return anchor === undefined ? url : `${url}#${String(anchor).replace(ANCHOR_SAFE, (c) => encodeURIComponent(c))}`
}

/**
 * `urlFor` in an app with subdomain or host rules (Werkzeug's
 * `MapAdapter.build`): the URL is absolute when asked for, or when the
 * rule is on another subdomain or host than the current one (the request's,
 * or SERVER_NAME's default subdomain outside a request).
 */
function buildAcrossDomains(
  app: AppCore,
  request: Request | null,
  endpoint: string,
  values: Record<string, unknown>,
  method: string | undefined,
  external: boolean,
  scheme: string | undefined,
  anchor: string | undefined,
): string {
  const map = app.urlMap
  const config = app.config
  const current =
    request === null
      ? map.hostMatching ? (config.SERVER_NAME ?? '').toLowerCase() : ''
      : map.hostMatching ? normalizeHost(request.host, request.scheme) : app.subdomainMatching ? requestDomain(app, request) ?? '' : ''
  const built = map.buildParts(endpoint, values, { method, domain: current })
  const root = request !== null ? request.rootPath : (config.APPLICATION_ROOT ?? '/').replace(/\/+$/, '')
  const sameHost = map.hostMatching ? built.domain === '' || built.domain === current : built.domain === current
  if (!external && sameHost) return withAnchor(root + built.path, anchor)
  if (request === null && !config.SERVER_NAME && !(map.hostMatching && built.domain !== '')) {
    throw new Error(
      `Unable to build an external URL for '${endpoint}' outside an active request without 'SERVER_NAME' configured. ` +
        "Also configure 'APPLICATION_ROOT' and 'PREFERRED_URL_SCHEME' as needed.",
    )
  }
  if (request !== null && !hostWarned.has(app)) warnHostFromClient(app)
  const host = hostOfDomain(app, request, built.domain)
  const urlScheme = scheme ?? (request !== null ? request.scheme : config.PREFERRED_URL_SCHEME)
  return withAnchor(`${urlScheme}://${host}${root}${built.path}`, anchor)
}

/**
 * A `BuildError` goes to `app.handleUrlBuildError` (Flask's
 * `url_build_error_handlers`), with the underscore options among the
 * values as Flask passes them; anything else is rethrown.
 */
function buildFailed(app: AppCore, error: unknown, endpoint: string, values: Record<string, unknown>, options: UrlForOptions): string {
  if (!(error instanceof BuildError)) throw error
  Object.assign(values, options)
  return app.handleUrlBuildError(error, endpoint, values)
}
