/**
 * Redirect targets: the login URL with its `next` parameter, and the check
 * that keeps `next` from sending a user to another site (an open redirect).
 */
import { currentContext, isSafeUrl, urlFor, type SafeUrlOptions } from 'phial'

// the one implementation is the core's; phial/login re-exports it
export { isSafeUrl, type SafeUrlOptions }

/**
 * Where to go after a login: the `next` query argument (or, with
 * `USE_SESSION_FOR_NEXT`, the session's `next`) when {@link isSafeUrl}
 * accepts it (with `SAFE_REDIRECT_HOSTS` and `LOGIN_SAFE_REDIRECT_HOSTS`
 * as the other allowed hosts), else `fallback`. Use it in your login view.
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
  if (typeof next !== 'string') return fallback
  const loginHosts = ctx.app.config.get('LOGIN_SAFE_REDIRECT_HOSTS') as string[] | undefined
  if (!loginHosts?.length) return isSafeUrl(next) ? next : fallback
  const allowedHosts = [...(ctx.app.config.SAFE_REDIRECT_HOSTS ?? []), ...loginHosts]
  return isSafeUrl(next, { allowedHosts }) ? next : fallback
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
