/**
 * The remember-me cookie: the user id and the cookie's lifetime, signed and
 * timestamped with the app's `SECRET_KEY` (itsdangerous' URL-safe timed
 * serializer), so a tampered or expired cookie is refused on the server too,
 * not only by the browser's `Expires`.
 */
import type { Context, Response } from 'phial'

/** The app of a context (the core's `AppCore`; a `Phial` is one). */
type App = Context['app']
import { BadData, URLSafeTimedSerializer } from 'phial/signing'

/** Salt of remember-me cookie signatures: a session cookie can never pass for one. */
export const REMEMBER_SALT = 'phial.login.remember'

/** Longest cookie value looked at; anything longer is refused unverified. */
const MAX_COOKIE_LENGTH = 4096

type Payload = [id: string, seconds: number]

const serializers = new WeakMap<App, { key: unknown; fallbacks: unknown; serializer: URLSafeTimedSerializer<Payload> }>()

function serializerFor(app: App): URLSafeTimedSerializer<Payload> {
  const key = app.config.SECRET_KEY
  if (!key) {
    throw new Error('A secret key is required for the remember-me cookie: set SECRET_KEY in the app config.')
  }
  const fallbacks = app.config.SECRET_KEY_FALLBACKS
  const cached = serializers.get(app)
  if (cached && cached.key === key && cached.fallbacks === fallbacks) return cached.serializer
  const serializer = new URLSafeTimedSerializer<Payload>([...(fallbacks ?? []), key], { salt: REMEMBER_SALT })
  serializers.set(app, { key, fallbacks, serializer })
  return serializer
}

/**
 * The signed value of a remember-me cookie for user `id`, valid for `seconds`.
 *
 * @example
 * ```ts
 * const value = encodeRememberCookie(app, '42', 3600)
 * decodeRememberCookie(app, value) // '42'
 * ```
 */
export function encodeRememberCookie(app: App, id: string, seconds: number): string {
  return serializerFor(app).dumps([id, seconds])
}

/**
 * The user id in a remember-me cookie, or null when the cookie is tampered
 * with, signed with another key, malformed, or older than the lifetime it
 * was issued with.
 *
 * @example
 * ```ts
 * decodeRememberCookie(app, 'garbage') // null
 * ```
 */
export function decodeRememberCookie(app: App, value: string): string | null {
  if (!value || value.length > MAX_COOKIE_LENGTH) return null
  let payload: unknown
  let signedAt: Date
  try {
    ;[payload, signedAt] = serializerFor(app).loads(value, { returnTimestamp: true })
  } catch (err) {
    if (err instanceof BadData) return null
    throw err
  }
  if (!Array.isArray(payload) || payload.length !== 2) return null
  const [id, seconds] = payload as unknown[]
  if (typeof id !== 'string' || id === '' || typeof seconds !== 'number' || !(seconds > 0)) return null
  if (Date.now() - signedAt.getTime() > seconds * 1000) return null
  return id
}

/**
 * A lifetime in seconds, checked: a positive finite number.
 *
 * @example
 * ```ts
 * durationSeconds(3600, 'duration') // 3600
 * durationSeconds('1h', 'duration') // throws TypeError
 * ```
 */
export function durationSeconds(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${what} must be a positive number of seconds, got ${JSON.stringify(value) ?? String(value)}`)
  }
  return value
}

function cookieAttributes(app: App): { domain?: string; path: string } {
  const c = app.config
  return { domain: c.REMEMBER_COOKIE_DOMAIN ?? undefined, path: c.REMEMBER_COOKIE_PATH ?? '/' }
}

/**
 * Sets the remember-me cookie for user `id` on `response`, with the
 * `REMEMBER_COOKIE_*` settings and `seconds` (default `REMEMBER_COOKIE_DURATION`).
 *
 * @example
 * ```ts
 * app.afterRequest((response) => { setRememberCookie(currentApp, response, '42') })
 * ```
 */
export function setRememberCookie(app: App, response: Response, id: string, seconds?: number): void {
  const c = app.config
  const lifetime = durationSeconds(seconds ?? c.REMEMBER_COOKIE_DURATION, seconds === undefined ? 'REMEMBER_COOKIE_DURATION' : 'duration')
  const secure = c.REMEMBER_COOKIE_SECURE ?? c.SESSION_COOKIE_SECURE ?? false
  response.setCookie(c.REMEMBER_COOKIE_NAME, encodeRememberCookie(app, id, lifetime), {
    ...cookieAttributes(app),
    expires: new Date(Date.now() + lifetime * 1000),
    secure,
    httpOnly: c.REMEMBER_COOKIE_HTTPONLY,
    sameSite: c.REMEMBER_COOKIE_SAMESITE ?? undefined,
  })
}

/**
 * Deletes the remember-me cookie (same name, domain and path it was set with).
 *
 * @example
 * ```ts
 * clearRememberCookie(app, response)
 * ```
 */
export function clearRememberCookie(app: App, response: Response): void {
  response.deleteCookie(app.config.REMEMBER_COOKIE_NAME, cookieAttributes(app))
}
