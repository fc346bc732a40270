/**
 * Tokens in cookies for browser apps (Flask-JWT-Extended's
 * `set_access_cookies` & co): the token in an `HttpOnly` cookie, and its
 * CSRF value in a cookie scripts can read and send back as a header.
 */
import { currentContext, type Response } from 'phial'

function csrfOf(token: string): string | null {
  const payload = token.split('.')[1]
  if (!payload) return null
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { csrf?: unknown }
    return typeof claims.csrf === 'string' ? claims.csrf : null
  } catch {
    return null
  }
}

function setTokenCookies(response: Response, token: string, refresh: boolean, maxAge: number | undefined): void {
  const config = currentContext().app.config
  const name = refresh ? config.JWT_REFRESH_COOKIE_NAME : config.JWT_ACCESS_COOKIE_NAME
  const path = refresh ? config.JWT_REFRESH_COOKIE_PATH : config.JWT_ACCESS_COOKIE_PATH
  const lifetime = maxAge ?? (config.JWT_SESSION_COOKIE ? undefined : refresh ? config.JWT_REFRESH_TOKEN_EXPIRES : config.JWT_ACCESS_TOKEN_EXPIRES)
  const common = {
    path,
    domain: config.JWT_COOKIE_DOMAIN ?? undefined,
    secure: config.JWT_COOKIE_SECURE,
    sameSite: config.JWT_COOKIE_SAMESITE ?? undefined,
    maxAge: typeof lifetime === 'number' ? lifetime : undefined,
  }
  response.setCookie(name, token, { ...common, httpOnly: true })
  if (config.JWT_COOKIE_CSRF_PROTECT && config.JWT_CSRF_IN_COOKIES) {
    const csrf = csrfOf(token)
    if (csrf !== null) {
      response.setCookie(refresh ? config.JWT_REFRESH_CSRF_COOKIE_NAME : config.JWT_ACCESS_CSRF_COOKIE_NAME, csrf, { ...common, httpOnly: false })
    }
  }
}

/**
 * Puts an access token in its cookie (`JWT_ACCESS_COOKIE_NAME`, HttpOnly)
 * and its CSRF value in `csrf_access_token`, readable by scripts, which send
 * it back in `X-CSRF-TOKEN` on POST/PUT/PATCH/DELETE. Needs `'cookies'` in
 * `JWT_TOKEN_LOCATION`.
 *
 * @example
 * ```ts
 * app.post('/login', async function login() {
 *   const response = jsonify({ ok: true })
 *   setAccessCookies(response, await createAccessToken(user))
 *   return response
 * })
 * ```
 */
export function setAccessCookies(response: Response, token: string, maxAge?: number): Response {
  setTokenCookies(response, token, false, maxAge)
  return response
}

/**
 * Puts a refresh token in its cookie (and its CSRF value in `csrf_refresh_token`).
 *
 * @example
 * ```ts
 * setRefreshCookies(response, await createRefreshToken(user))
 * ```
 */
export function setRefreshCookies(response: Response, token: string, maxAge?: number): Response {
  setTokenCookies(response, token, true, maxAge)
  return response
}

/**
 * Deletes the access-token cookies.
 *
 * @example
 * ```ts
 * unsetAccessCookies(response)
 * ```
 */
export function unsetAccessCookies(response: Response): Response {
  const config = currentContext().app.config
  const options = { path: config.JWT_ACCESS_COOKIE_PATH, domain: config.JWT_COOKIE_DOMAIN ?? undefined }
  response.deleteCookie(config.JWT_ACCESS_COOKIE_NAME, options)
  response.deleteCookie(config.JWT_ACCESS_CSRF_COOKIE_NAME, options)
  return response
}

/**
 * Deletes the refresh-token cookies.
 *
 * @example
 * ```ts
 * unsetRefreshCookies(response)
 * ```
 */
export function unsetRefreshCookies(response: Response): Response {
  const config = currentContext().app.config
  const options = { path: config.JWT_REFRESH_COOKIE_PATH, domain: config.JWT_COOKIE_DOMAIN ?? undefined }
  response.deleteCookie(config.JWT_REFRESH_COOKIE_NAME, options)
  response.deleteCookie(config.JWT_REFRESH_CSRF_COOKIE_NAME, options)
  return response
}

/**
 * Deletes every token cookie (logout).
 *
 * @example
 * ```ts
 * app.post('/logout', function logout() { return unsetJwtCookies(jsonify({ ok: true })) })
 * ```
 */
export function unsetJwtCookies(response: Response): Response {
  unsetAccessCookies(response)
  return unsetRefreshCookies(response)
}
