/**
 * URL building (Flask's `url_for`): blueprint-relative endpoints, URL
 * defaults, the app's mount point, external URLs and anchors.
 */
import type { AppCore } from './app-core.ts'
import { currentContext, type Context } from './context.ts'
import { blueprintChain } from '../routing/endpoint.ts'

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

  injectUrlDefaults(app, endpoint, values)
  let url = app.urlMap.build(endpoint, values, { method: _method })

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
  url = root + url
  if (_anchor !== undefined) url += `#${String(_anchor).replace(ANCHOR_SAFE, (c) => encodeURIComponent(c))}`
  return url
}
