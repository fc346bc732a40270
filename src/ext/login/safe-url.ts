/**
 * Redirect targets: the login URL with its `next` parameter, and the check
 * that keeps `next` from sending a user to another site (an open redirect).
 */
import { currentContext, urlFor } from 'phial'

/**
 * Options of {@link isSafeUrl}.
 *
 * @example
 * ```ts
 * const options: SafeUrlOptions = { host: 'example.com', allowedHosts: ['auth.example.com'] }
 * ```
 */
export interface SafeUrlOptions {
  /** This site's host (with port when not the default); default: the current request's host. */
  host?: string
  /** Other hosts an absolute URL may name; default: `LOGIN_SAFE_REDIRECT_HOSTS`. */
  allowedHosts?: readonly string[]
  /** Whether an absolute URL must be https (default: only when the request is). */
  requireHttps?: boolean
}

// Browsers drop tabs and newlines anywhere in a URL and strip leading C0
// controls and spaces, so "\t//evil" and "/\n/evil" are "//evil" to them:
// any such character makes the URL unsafe rather than trying to clean it.
const CONTROL_OR_SPACE_EDGE = /[\u0000-\u001f\u007f]|^[\u0020]|[\u0020]$/
const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/

/**
 * True when `url` is a safe place to redirect to after a login: a path on
 * this site (`/account`, `posts?page=2`) or an absolute http(s) URL whose host
 * is this site or an allowed host. Refused: other hosts, scheme-relative
 * URLs (`//evil.test`), the backslash forms browsers read as slashes
 * (`/\evil.test`, `\\evil.test`), a scheme without `//` (`https:evil.test`,
 * `javascript:…`), and any control character or edge space (`\t//evil.test`).
 * The same idea as Django's `url_has_allowed_host_and_scheme`, resolved with
 * the WHATWG URL parser that browsers use.
 *
 * @example
 * ```ts
 * isSafeUrl('/posts/1', { host: 'example.com' })           // true
 * isSafeUrl('https://example.com/a', { host: 'example.com' }) // true
 * isSafeUrl('//evil.test/', { host: 'example.com' })       // false
 * isSafeUrl('/\\evil.test', { host: 'example.com' })       // false
 * ```
 */
export function isSafeUrl(url: unknown, options: SafeUrlOptions = {}): boolean {
  if (typeof url !== 'string' || url === '' || url.length > 2048) return false
  if (CONTROL_OR_SPACE_EDGE.test(url)) return false
  // WHATWG parsers treat "\" as "/" in http(s) URLs
  const normalized = url.replace(/\\/g, '/')
  if (normalized.startsWith('//')) return false
  let host = options.host
  let secure = options.requireHttps
  let allowed = options.allowedHosts
  if (host === undefined || allowed === undefined || secure === undefined) {
    const ctx = currentContext()
    if (host === undefined) host = ctx.request.host
    if (secure === undefined) secure = ctx.request.isSecure
    allowed ??= (ctx.app.config.get('LOGIN_SAFE_REDIRECT_HOSTS') as string[] | undefined) ?? []
  }
  const scheme = SCHEME.exec(normalized)
  if (scheme !== null) {
    const name = scheme[0].toLowerCase()
    if (name !== 'http:' && name !== 'https:') return false
    if (!normalized.slice(name.length).startsWith('//')) return false // "https:evil.test"
    if (secure && name !== 'https:') return false
  }
  let resolved: URL
  try {
    resolved = new URL(normalized, `${secure ? 'https' : 'http'}://${host}/`)
  } catch {
    return false
  }
  if (resolved.protocol !== 'http:' && resolved.protocol !== 'https:') return false
  if (resolved.username !== '' || resolved.password !== '') return false
  const target = resolved.host.toLowerCase()
  if (target === host.toLowerCase()) return true
  return allowed.some((h) => h.toLowerCase() === target)
}

/**
 * Where to go after a login: the `next` query argument (or, with
 * `USE_SESSION_FOR_NEXT`, the session's `next`) when {@link isSafeUrl}
 * accepts it, else `fallback`. Use it in your login view.
 *
 * @example
 * ```ts
 * app.post('/login', async function login() {
 *   // … check the password, then:
 *   await loginUser(user)
 *   return redirect(safeNextUrl(urlFor('index')))
 * })
 * ```
 */
export function safeNextUrl(fallback = '/'): string {
  const ctx = currentContext()
  const request = ctx.request
  let next: unknown = request.args.get('next') ?? request.form.get('next')
  if (!next && ctx.app.config.get('USE_SESSION_FOR_NEXT') === true) next = ctx.session.pop('next')
  return typeof next === 'string' && isSafeUrl(next) ? next : fallback
}

/**
 * The login view's URL: an endpoint name goes through `urlFor`; an absolute
 * URL or a path is used as is (Flask-Login's `expand_login_view`).
 *
 * @example
 * ```ts
 * expandLoginView('auth.login')  // '/auth/login'
 * expandLoginView('https://sso.example.com/login') // unchanged
 * ```
 */
export function expandLoginView(loginView: string): string {
  if (loginView.startsWith('https://') || loginView.startsWith('http://') || loginView.startsWith('/')) return loginView
  return urlFor(loginView)
}

/**
 * `currentUrl` reduced to its path and query when the login URL is on the
 * same scheme and host (Flask-Login's `make_next_param`).
 *
 * @example
 * ```ts
 * makeNextParam('/login', 'http://localhost/secret?x=1') // '/secret?x=1'
 * ```
 */
export function makeNextParam(loginUrl: string, currentUrl: string): string {
  const login = new URL(loginUrl, 'relative:/')
  let current: URL
  try {
    current = new URL(currentUrl)
  } catch {
    return currentUrl
  }
  const loginIsRelative = login.protocol === 'relative:'
  if (loginIsRelative || (login.protocol === current.protocol && login.host === current.host)) {
    return current.pathname + current.search
  }
  return currentUrl
}

/**
 * The URL that sends a user to the login view, with `next` set to the page
 * they wanted (Flask-Login's `login_url`). `FORCE_HOST_FOR_REDIRECTS` puts a
 * fixed host in it.
 *
 * @example
 * ```ts
 * loginUrl('login', 'http://localhost/secret') // '/login?next=%2Fsecret'
 * ```
 */
export function loginUrl(loginView: string, nextUrl?: string | null, nextField = 'next'): string {
  const base = expandLoginView(loginView)
  if (nextUrl === undefined || nextUrl === null) return base
  const absolute = /^https?:\/\//i.test(base)
  const parsed = new URL(base, 'http://placeholder.invalid')
  parsed.searchParams.set(nextField, makeNextParam(base, nextUrl))
  const ctx = currentContext()
  const forced = ctx.app.config.get('FORCE_HOST_FOR_REDIRECTS')
  if (typeof forced === 'string' && forced !== '') {
    return `${absolute ? parsed.protocol : `${ctx.request.scheme}:`}//${forced}${parsed.pathname}${parsed.search}${parsed.hash}`
  }
  return absolute ? parsed.href : parsed.pathname + parsed.search + parsed.hash
}
