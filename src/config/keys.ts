/**
 * The configuration keys Phial knows, their types (`CoreConfigValues`, and
 * `ConfigValues` that apps and extensions extend by declaration merging) and
 * their defaults (Flask's `default_config`).
 *
 * @module
 */
/**
 * The built-in configuration keys and their types (Flask's, plus Phial's
 * `LOG_LEVEL` and `TRUST_PROXY`). See docs/config.md for what each one does.
 *
 * @example
 * ```ts
 * const testing: Partial<CoreConfigValues> = { TESTING: true, SECRET_KEY: 'test' }
 * ```
 */
export interface CoreConfigValues {
  /** Debug mode: detailed error pages, template reloading. Never in production. Default `false`. */
  DEBUG: boolean
  /** Testing mode: errors propagate to the test client instead of becoming 500 pages. Default `false`. */
  TESTING: boolean
  /** Re-throw unhandled errors instead of answering 500; `null` means "when DEBUG or TESTING". Default `null`. */
  PROPAGATE_EXCEPTIONS: boolean | null
  /** Key that signs session cookies and tokens; sessions need it. Default `null`. */
  SECRET_KEY: string | null
  /** Old secret keys still accepted for verifying (oldest first) while rotating. Default `null`. */
  SECRET_KEY_FALLBACKS: string[] | null
  /** Lifetime of a permanent session, in seconds. Default 31 days (`2678400`). */
  PERMANENT_SESSION_LIFETIME: number
  /** Host (and port) the app is served on, for URL building outside requests (and the host of a request without `Host`). Default `null`. */
  SERVER_NAME: string | null
  /** Path the app is mounted under, for URL building outside requests and the session cookie path. Default `'/'`. */
  APPLICATION_ROOT: string
  /** Name of the session cookie. Default `'session'`. */
  SESSION_COOKIE_NAME: string
  /** Domain attribute of the session cookie; `null` leaves it off (host-only). Default `null`. */
  SESSION_COOKIE_DOMAIN: string | null
  /** Path attribute of the session cookie; `null` uses `APPLICATION_ROOT`. Default `null`. */
  SESSION_COOKIE_PATH: string | null
  /** `HttpOnly` on the session cookie (not readable from JavaScript). Default `true`. */
  SESSION_COOKIE_HTTPONLY: boolean
  /** `Secure` on the session cookie (sent over HTTPS only). Default `false`; turn on in production. */
  SESSION_COOKIE_SECURE: boolean
  /** `Partitioned` on the session cookie (CHIPS; implies Secure). Default `false`. */
  SESSION_COOKIE_PARTITIONED: boolean
  /** `SameSite` on the session cookie. Default `null` (attribute not sent). */
  SESSION_COOKIE_SAMESITE: 'Strict' | 'Lax' | 'None' | null
  /** Re-send a permanent session cookie on every request, sliding its expiry. Default `true`. */
  SESSION_REFRESH_EACH_REQUEST: boolean
  /** Largest request body in bytes (413 above it): raw, multipart and streamed bodies (a `streamBody` route may set `request.maxContentLength`); `null` for no limit. Phial default 16 MiB (Flask: `None`). */
  MAX_CONTENT_LENGTH: number | null
  /** Largest non-file form field in bytes, and largest urlencoded body (413 above it). Default `500000`. */
  MAX_FORM_MEMORY_SIZE: number | null
  /** Largest JSON body in bytes (413 above it, before it is read when `Content-Length` says so); `null`: only `MAX_CONTENT_LENGTH`. Default 1 MiB. */
  MAX_JSON_SIZE: number | null
  /** Deepest nesting of arrays and objects in a JSON body (400 above it); `null` for no limit. Default `64`. */
  MAX_JSON_DEPTH: number | null
  /** Most array elements plus object members in a JSON body, counted over the whole document (413 above it); `null` for no limit. Default `100000`. */
  MAX_JSON_ITEMS: number | null
  /** Most fields plus files in a multipart form (413 above it). Default `1000`. */
  MAX_FORM_PARTS: number | null
  /** `Cache-Control: max-age` (seconds) for `sendFile` and static files; `null` sends conditional responses only. Default `null`. */
  SEND_FILE_MAX_AGE_DEFAULT: number | null
  /** Raise bad-request errors (e.g. a missing form key) instead of answering 400; `null` means "in DEBUG". Default `null`. */
  TRAP_BAD_REQUEST_ERRORS: boolean | null
  /** Raise HTTP exceptions instead of rendering their error pages (debugging). Default `false`. */
  TRAP_HTTP_EXCEPTIONS: boolean
  /** Log where a template was looked for, to debug template lookup. Default `false`. */
  EXPLAIN_TEMPLATE_LOADING: boolean
  /** Scheme of external URLs built outside a request. Default `'http'`. */
  PREFERRED_URL_SCHEME: string
  /** Reload changed templates; `null` means "in DEBUG". Default `null`. */
  TEMPLATES_AUTO_RELOAD: boolean | null
  /** Warn when a `Set-Cookie` header is larger than this many bytes; `0` disables. Default `4093`. */
  MAX_COOKIE_SIZE: number
  /** Answer OPTIONS automatically for every route. Default `true`. */
  PROVIDE_AUTOMATIC_OPTIONS: boolean
  /** Host names accepted in the `Host` header (`'.example.com'` matches subdomains); `null` accepts any. Default `null`. */
  TRUSTED_HOSTS: string[] | null
  /** Minimum level of `app.logger` (`'trace'`…`'fatal'`, `'silent'`). Default `'info'`. Phial only. */
  LOG_LEVEL: string
  /**
   * The reverse proxies in front of the app (Werkzeug's ProxyFix): a number
   * is how many to trust for `X-Forwarded-For` and `-Proto` (`true` is 1,
   * `0`/`false` none); an object counts each header — `{ for, proto, host,
   * port, prefix }` — and `-Host`, `-Port`, `-Prefix` are trusted only that
   * way. Default `0`. Phial only.
   */
  TRUST_PROXY: TrustProxy
  /**
   * Seconds a view (with its `beforeRequest` hooks) may take once it has
   * returned a promise; then the request is answered with a 504 through the
   * error handlers and `ctx.signal` is aborted. `0` turns it off; `null`
   * (the default) leaves it to the server: 30 s under `app.run`,
   * `phial serve` and `toNodeHandler`, none for `app.fetch` and the test
   * client. Phial only.
   */
  RESPONSE_TIMEOUT: number | null
  /** Hosts besides the request's own that `isSafeUrl` / `safeRedirect` accept (an SSO domain). Default `null` (none). Phial only. */
  SAFE_REDIRECT_HOSTS: string[] | null
  /** Serve dotfiles and dot-folders (`.env`, `.git/`) from static folders; `.well-known/` always is. Default `false` (404). Phial only. */
  STATIC_ALLOW_DOTFILES: boolean
  /** Follow symlinks in static folders that lead outside the folder. Default `false` (404). Phial only. */
  STATIC_FOLLOW_SYMLINKS: boolean
}

/**
 * Per-header trust counts, Werkzeug's `ProxyFix(x_for, x_proto, x_host,
 * x_port, x_prefix)`. A missing count is 0 (not trusted).
 *
 * @example
 * ```ts
 * app.config.TRUST_PROXY = { for: 1, proto: 1, host: 1, prefix: 1 }  // nginx sets all four
 * ```
 */
export interface TrustProxyCounts {
  /** `X-Forwarded-For` → `request.remoteAddr` (and a sent `X-Request-ID` is believed when > 0). */
  for?: number
  /** `X-Forwarded-Proto` → `request.scheme`. */
  proto?: number
  /** `X-Forwarded-Host` → `request.host`. Off by default: a proxy must set or clear it. */
  host?: number
  /** `X-Forwarded-Port` → the port of `request.host`. Off by default. */
  port?: number
  /** `X-Forwarded-Prefix` → `request.rootPath` (the mount point). Off by default. */
  prefix?: number
}

/** The `TRUST_PROXY` setting: a count for `-For` and `-Proto`, `true` (1), or counts per header. */
export type TrustProxy = number | boolean | TrustProxyCounts

/**
 * The configuration keys `app.config` is typed with. Add your own by
 * declaration merging:
 *
 * @example
 * ```ts
 * declare module 'phial' {
 *   interface ConfigValues {
 *     DATABASE_URL: string
 *     MAIL_SENDER: string
 *   }
 * }
 * app.config.DATABASE_URL // string
 * ```
 */
export interface ConfigValues extends CoreConfigValues {}

const coreDefaults = {
  DEBUG: false,
  TESTING: false,
  PROPAGATE_EXCEPTIONS: null,
  SECRET_KEY: null,
  SECRET_KEY_FALLBACKS: null,
  PERMANENT_SESSION_LIFETIME: 31 * 24 * 60 * 60,
  SERVER_NAME: null,
  APPLICATION_ROOT: '/',
  SESSION_COOKIE_NAME: 'session',
  SESSION_COOKIE_DOMAIN: null,
  SESSION_COOKIE_PATH: null,
  SESSION_COOKIE_HTTPONLY: true,
  SESSION_COOKIE_SECURE: false,
  SESSION_COOKIE_PARTITIONED: false,
  SESSION_COOKIE_SAMESITE: null,
  SESSION_REFRESH_EACH_REQUEST: true,
  MAX_CONTENT_LENGTH: 16 * 1024 * 1024,
  MAX_FORM_MEMORY_SIZE: 500_000,
  MAX_JSON_SIZE: 1024 * 1024,
  MAX_JSON_DEPTH: 64,
  MAX_JSON_ITEMS: 100_000,
  MAX_FORM_PARTS: 1000,
  SEND_FILE_MAX_AGE_DEFAULT: null,
  TRAP_BAD_REQUEST_ERRORS: null,
  TRAP_HTTP_EXCEPTIONS: false,
  EXPLAIN_TEMPLATE_LOADING: false,
  PREFERRED_URL_SCHEME: 'http',
  TEMPLATES_AUTO_RELOAD: null,
  MAX_COOKIE_SIZE: 4093,
  PROVIDE_AUTOMATIC_OPTIONS: true,
  TRUSTED_HOSTS: null,
  LOG_LEVEL: 'info',
  TRUST_PROXY: 0,
  RESPONSE_TIMEOUT: null,
  SAFE_REDIRECT_HOSTS: null,
  STATIC_ALLOW_DOTFILES: false,
  STATIC_FOLLOW_SYMLINKS: false,
} satisfies CoreConfigValues

/**
 * The values every {@link Config} starts with (frozen). Keys added to
 * {@link ConfigValues} by declaration merging have no default here.
 *
 * @example
 * ```ts
 * DEFAULT_CONFIG.MAX_CONTENT_LENGTH // 16777216
 * DEFAULT_CONFIG.SESSION_COOKIE_NAME // 'session'
 * ```
 */
export const DEFAULT_CONFIG: Readonly<ConfigValues> = Object.freeze(coreDefaults) as Readonly<ConfigValues>
