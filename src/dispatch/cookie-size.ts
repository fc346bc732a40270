/**
 * Werkzeug's cookie size warning for every cookie a response sets: browsers
 * silently drop a `Set-Cookie` larger than about 4 KB, so a session or
 * remember-me cookie that grew too big is a bug that shows only as "I got
 * logged out". `MAX_COOKIE_SIZE` is the limit (0 turns the check off).
 *
 * @module
 */
import type { AppCore } from '../core/app-core.ts'
import type { Response } from '../http/response.ts'

/**
 * Logs a warning for each `Set-Cookie` of `response` longer than
 * `MAX_COOKIE_SIZE` bytes. Called only for responses that set a cookie.
 *
 * @example
 * ```ts
 * if (response.headers.has('set-cookie')) warnLargeCookies(app, response)
 * ```
 */
export function warnLargeCookies(app: AppCore, response: Response): void {
  const limit = app.config.MAX_COOKIE_SIZE
  if (!limit) return
  for (const header of response.headers.getSetCookie()) {
    const size = Buffer.byteLength(header)
    if (size <= limit) continue
    const eq = header.indexOf('=')
    const name = eq < 0 ? header : header.slice(0, eq)
    app.logger.warn(
      { cookie: name, size, limit },
      `The '${name}' cookie is too large: the Set-Cookie value is ${size} bytes but the limit (MAX_COOKIE_SIZE) is ${limit} bytes. ` +
        'Browsers may silently ignore cookies larger than this. Store less in it (for the session: use a server-side session store).',
    )
  }
}
