/**
 * The `WTF_CSRF_*` settings: their types on `app.config` and their defaults.
 */
import type { Config } from 'phial'

declare module 'phial' {
  interface ConfigValues {
    /** Check CSRF tokens at all; turn off in tests. Default `true`. */
    WTF_CSRF_ENABLED: boolean
    /** Check every request with a method in `WTF_CSRF_METHODS` before the view; `false` leaves it to `csrf.protect()`. Default `true`. */
    WTF_CSRF_CHECK_DEFAULT: boolean
    /** Key that signs CSRF tokens; `null` uses `SECRET_KEY` (and accepts `SECRET_KEY_FALLBACKS`). Default `null`. */
    WTF_CSRF_SECRET_KEY: string | null
    /** Methods that need a token. Default `['POST', 'PUT', 'PATCH', 'DELETE']`. */
    WTF_CSRF_METHODS: string[]
    /** Form field (and session key) of the token. Default `'csrf_token'`. */
    WTF_CSRF_FIELD_NAME: string
    /** Headers read for the token when the form has none (fetch calls). Default `['X-CSRFToken', 'X-CSRF-Token']`. */
    WTF_CSRF_HEADERS: string[]
    /** Lifetime of a token, in seconds; `null` for no limit (the session's life). Default `3600`. */
    WTF_CSRF_TIME_LIMIT: number | null
    /** Over HTTPS, also require a `Referer` (or `Origin`) of the same host. Default `true`. */
    WTF_CSRF_SSL_STRICT: boolean
  }
}

/**
 * The defaults `CSRFProtect.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * CSRF_DEFAULTS.WTF_CSRF_TIME_LIMIT // 3600
 * ```
 */
export const CSRF_DEFAULTS = Object.freeze({
  WTF_CSRF_ENABLED: true,
  WTF_CSRF_CHECK_DEFAULT: true,
  WTF_CSRF_SECRET_KEY: null,
  WTF_CSRF_METHODS: ['POST', 'PUT', 'PATCH', 'DELETE'],
  WTF_CSRF_FIELD_NAME: 'csrf_token',
  WTF_CSRF_HEADERS: ['X-CSRFToken', 'X-CSRF-Token'],
  WTF_CSRF_TIME_LIMIT: 3600,
  WTF_CSRF_SSL_STRICT: true,
} as const)

/**
 * Sets each `WTF_CSRF_*` key that is not set yet to its default (lists copied).
 *
 * @example
 * ```ts
 * applyCsrfDefaults(app.config)
 * app.config.WTF_CSRF_FIELD_NAME // 'csrf_token'
 * ```
 */
export function applyCsrfDefaults(config: Config): void {
  for (const [key, value] of Object.entries(CSRF_DEFAULTS)) {
    config.setDefault(key, Array.isArray(value) ? [...value] : value)
  }
}
