/**
 * `Talisman` (Flask-Talisman's): HTTPS redirect and the security headers on
 * every response, with per-view overrides.
 */
import { BadRequest, redirect, type AppCore, type Context, type Request, type Response } from 'phial'
import { TALISMAN_DEFAULTS, type ResolvedTalismanOptions } from './defaults.ts'
import { applyHeaders, compileHeaders, type HeaderSet } from './headers.ts'
import { cspNonce, nonceOf } from './nonce.ts'
import type { TalismanOptions, TalismanViewOptions } from './types.ts'

/** View function → its overrides (any Talisman instance reads them). */
const viewOverrides = new WeakMap<object, TalismanViewOptions>()

/**
 * Fills in the defaults (later sets win; `undefined` keeps the earlier value).
 *
 * @example
 * ```ts
 * resolveTalismanOptions({ frameOptions: 'DENY' }).frameOptions // 'DENY'
 * ```
 */
export function resolveTalismanOptions(...sets: Array<TalismanOptions | undefined>): ResolvedTalismanOptions {
  const out: Record<string, unknown> = { ...TALISMAN_DEFAULTS }
  for (const set of sets) {
    if (!set) continue
    for (const [key, value] of Object.entries(set)) {
      if (!(key in TALISMAN_DEFAULTS)) throw new TypeError(`Unknown Talisman option ${JSON.stringify(key)}.`)
      if (value !== undefined) out[key] = value
    }
  }
  return out as ResolvedTalismanOptions
}

/** The state of one app. */
interface AppState {
  readonly options: ResolvedTalismanOptions
  readonly base: HeaderSet
  readonly byView: WeakMap<object, HeaderSet>
}

/** The HTTPS URL of a plain-HTTP request (port 80 dropped; another explicit port is kept, as Flask-Talisman). */
function httpsUrl(request: Request): string {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    // Node's parser lets any Host through; one that is not a host cannot be redirected to
    throw new BadRequest('The Host header is not a valid host name.')
  }
  url.protocol = 'https:'
  if (url.port === '80') url.port = ''
  return url.href
}

/**
 * HTTP security headers for an app (Flask-Talisman's `Talisman`): redirects
 * plain HTTP to HTTPS, sends HSTS over HTTPS, a Content-Security-Policy with
 * per-request nonces (`csp_nonce()` in templates), `X-Frame-Options`,
 * `Referrer-Policy`, `Permissions-Policy`, `X-Content-Type-Options`, the
 * cross-origin isolation policies and the rest of helmet's headers, and
 * forces the session cookie `Secure`, `HttpOnly` and `SameSite=Lax`. The
 * defaults are equal to or stricter than both Flask-Talisman's and helmet's.
 * Every header value is computed at init; a request copies strings.
 *
 * @example
 * ```ts
 * import { Talisman } from 'phial/talisman'
 *
 * export const talisman = new Talisman()
 * export function createApp() {
 *   const app = new Phial(import.meta.url)
 *   talisman.initApp(app, { contentSecurityPolicy: { 'default-src': "'self'", 'img-src': ["'self'", 'https:'] } })
 *   return app
 * }
 * ```
 */
export class Talisman {
  readonly #options: TalismanOptions
  readonly #states = new WeakMap<AppCore, AppState>()

  /**
   * @example
   * ```ts
   * const talisman = new Talisman(app, { forceHttpsPermanent: true })
   * ```
   */
  constructor(app?: AppCore, options: TalismanOptions = {}) {
    this.#options = options
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Sets up an app: checks and compiles the options (merged over the
   * constructor's; a bad one throws here), sets the session cookie config,
   * registers `csp_nonce()` for templates, the HTTPS redirect before each
   * request and the headers after it. Stored in `app.extensions.talisman`.
   *
   * @example
   * ```ts
   * talisman.initApp(app, { contentSecurityPolicyReportOnly: true, contentSecurityPolicyReportUri: '/csp-report' })
   * ```
   */
  initApp(app: AppCore, options: TalismanOptions = {}): void {
    const resolved = resolveTalismanOptions(this.#options, options)
    const state: AppState = { options: resolved, base: compileHeaders(resolved), byView: new WeakMap() }
    this.#states.set(app, state)
    app.extensions.talisman = this
    const config = app.config
    if (resolved.sessionCookieHttpOnly) config.SESSION_COOKIE_HTTPONLY = true
    config.SESSION_COOKIE_SAMESITE = resolved.sessionCookieSameSite
    if (resolved.sessionCookieSecure && !app.debug) config.SESSION_COOKIE_SECURE = true
    app.templateGlobal('csp_nonce', function csp_nonce(): string {
      return cspNonce()
    })

    const talismanForceHttps = (ctx: Context): Response | undefined => {
      const current = ctx.app
      // as Flask-Talisman: Secure is forced at each request unless in debug, so DEBUG set after init still works over http
      if (resolved.sessionCookieSecure && !current.debug && current.config.SESSION_COOKIE_SECURE !== true) {
        current.config.SESSION_COOKIE_SECURE = true
      }
      const request = ctx.request
      if (current.debug || !this.#headerSet(state, current, request).forceHttps || request.isSecure) return undefined
      const safe = request.method === 'GET' || request.method === 'HEAD'
      // 307/308 keep the method and body of a POST; 301/302 would turn it into a GET
      const code = resolved.forceHttpsPermanent ? (safe ? 301 : 308) : safe ? 302 : 307
      return redirect(httpsUrl(request), code)
    }
    const talismanHeaders = (response: Response, ctx: Context): void => {
      const request = ctx.request
      applyHeaders(this.#headerSet(state, ctx.app, request), request, response, nonceOf(request))
    }
    app.beforeRequest(talismanForceHttps)
    app.afterRequest(talismanHeaders)
  }

  /**
   * Per-view options (Flask-Talisman's `@talisman(...)`): returns a function
   * that marks a view and returns it unchanged, so its endpoint name stays.
   * The options are merged over the app's and compiled on the view's first
   * request.
   *
   * @example
   * ```ts
   * app.get('/embed', talisman.override({ frameOptions: null, contentSecurityPolicy: { 'default-src': "'self'", 'frame-ancestors': 'https://partner.example' } })(
   *   function embed() { return renderTemplate('embed.html') },
   * ))
   * app.get('/healthz', talisman.override({ forceHttps: false })(function healthz() { return 'ok' }))
   * ```
   */
  override(options: TalismanViewOptions): <V extends (...args: never[]) => unknown>(view: V) => V {
    compileHeaders(resolveTalismanOptions(this.#options, options))
    return (view) => {
      viewOverrides.set(view, options)
      return view
    }
  }

  /** The header set of the request's view: its overrides compiled once, or the app's. */
  #headerSet(state: AppState, app: AppCore, request: Request): HeaderSet {
    const endpoint = request.endpoint
    if (endpoint === null) return state.base
    const view = app.viewFunctions[endpoint]
    if (view === undefined) return state.base
    const overrides = viewOverrides.get(view)
    if (overrides === undefined) return state.base
    let set = state.byView.get(view)
    if (set === undefined) {
      set = compileHeaders(resolveTalismanOptions(state.options, overrides))
      state.byView.set(view, set)
    }
    return set
  }
}
