/**
 * The `phial/login` settings: their types on `app.config` and their defaults.
 */
import type { Config } from 'phial'

/** A session-protection mode: `'basic'`, `'strong'`, or `null` for none. */
export type SessionProtectionMode = 'basic' | 'strong' | null

declare module 'phial' {
  interface ConfigValues {
    /** Turn `loginRequired` / `freshLoginRequired` off (handy in tests). Default `false`. */
    LOGIN_DISABLED: boolean
    /**
     * Load the user before every view, so `currentUser` is ready even with an async `userLoader`.
     * `false` loads only where needed (`loginRequired`, templates, permissions, `await loadUser()`). Default `true`.
     */
    LOGIN_PRELOAD_USER: boolean
    /** `'basic'`, `'strong'` or `null`; overrides `loginManager.sessionProtection` when set. Default `undefined` (the manager's, `'basic'`). */
    SESSION_PROTECTION?: SessionProtectionMode
    /** Keep the page to return to in the session (`next`) instead of the query string. Default `false`. */
    USE_SESSION_FOR_NEXT: boolean
    /** Host put in the login URL of a redirect (Flask-Login's `FORCE_HOST_FOR_REDIRECTS`). Default `null`. */
    FORCE_HOST_FOR_REDIRECTS: string | null
    /** Hosts besides the request's own that `safeNextUrl` accepts (with the core's `SAFE_REDIRECT_HOSTS`, which `isSafeUrl` reads). Default `[]`. */
    LOGIN_SAFE_REDIRECT_HOSTS: string[]
    /** Name of the remember-me cookie. Default `'remember_token'`. */
    REMEMBER_COOKIE_NAME: string
    /** Lifetime of the remember-me cookie, in seconds. Default 365 days. */
    REMEMBER_COOKIE_DURATION: number
    /** Domain of the remember-me cookie. Default `null`. */
    REMEMBER_COOKIE_DOMAIN: string | null
    /** Path of the remember-me cookie. Default `'/'`. */
    REMEMBER_COOKIE_PATH: string
    /** `Secure` on the remember-me cookie; `null` follows `SESSION_COOKIE_SECURE`. Default `null`. */
    REMEMBER_COOKIE_SECURE: boolean | null
    /** `HttpOnly` on the remember-me cookie. Default `true`. */
    REMEMBER_COOKIE_HTTPONLY: boolean
    /** `SameSite` of the remember-me cookie. Default `'Lax'` (Flask-Login: none). */
    REMEMBER_COOKIE_SAMESITE: 'Strict' | 'Lax' | 'None' | null
    /** Send the remember-me cookie again on every request of a remembered user (sliding expiry). Default `false`. */
    REMEMBER_COOKIE_REFRESH_EACH_REQUEST: boolean
  }
}

/**
 * The defaults `LoginManager.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * LOGIN_DEFAULTS.REMEMBER_COOKIE_NAME // 'remember_token'
 * ```
 */
export const LOGIN_DEFAULTS = Object.freeze({
  LOGIN_DISABLED: false,
  LOGIN_PRELOAD_USER: true,
  USE_SESSION_FOR_NEXT: false,
  FORCE_HOST_FOR_REDIRECTS: null,
  LOGIN_SAFE_REDIRECT_HOSTS: [] as string[],
  REMEMBER_COOKIE_NAME: 'remember_token',
  REMEMBER_COOKIE_DURATION: 365 * 24 * 3600,
  REMEMBER_COOKIE_DOMAIN: null,
  REMEMBER_COOKIE_PATH: '/',
  REMEMBER_COOKIE_SECURE: null,
  REMEMBER_COOKIE_HTTPONLY: true,
  REMEMBER_COOKIE_SAMESITE: 'Lax',
  REMEMBER_COOKIE_REFRESH_EACH_REQUEST: false,
})

/**
 * The session keys `phial/login` writes (Flask-Login's `SESSION_KEYS`): the
 * ones it removes on logout, on a failed strong session check, and before a login.
 *
 * @example
 * ```ts
 * for (const key of LOGIN_SESSION_KEYS) session.delete(key)
 * ```
 */
export const LOGIN_SESSION_KEYS: readonly string[] = Object.freeze(['_user_id', '_remember', '_remember_seconds', '_id', '_fresh', 'next'])

/**
 * Sets each login setting that is not set yet to its default (lists copied).
 *
 * @example
 * ```ts
 * applyLoginDefaults(app.config)
 * app.config.REMEMBER_COOKIE_DURATION // 31536000
 * ```
 */
export function applyLoginDefaults(config: Config): void {
  for (const [key, value] of Object.entries(LOGIN_DEFAULTS)) {
    config.setDefault(key, Array.isArray(value) ? [...value] : value)
  }
}
