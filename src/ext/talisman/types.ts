/**
 * The option types of `phial/talisman`.
 */

/**
 * A Content-Security-Policy as an object: directive → sources (a string or
 * a list). Directive names are written as in the header (`'script-src'`) or
 * in camelCase (`scriptSrc`); keywords keep their quotes (`"'self'"`). An
 * empty list writes a directive without sources (`upgrade-insecure-requests`).
 *
 * @example
 * ```ts
 * const policy: CspPolicy = { 'default-src': "'self'", 'img-src': ["'self'", 'data:', 'https://cdn.example.com'] }
 * ```
 */
export type CspPolicy = Readonly<Record<string, string | readonly string[]>>

/**
 * A structured-header policy (`Permissions-Policy`, `Document-Policy`): a
 * string as sent, or feature → allowlist (`{ camera: '()', fullscreen: '(self)' }`).
 *
 * @example
 * ```ts
 * const permissions: StructuredPolicy = { geolocation: '()', fullscreen: '(self)' }
 * ```
 */
export type StructuredPolicy = string | Readonly<Record<string, string>>

/**
 * Options that may differ per view (`talisman.override(options)(view)`):
 * every header option. Flask-Talisman's names in camelCase, plus the headers
 * helmet sets that Flask-Talisman does not.
 *
 * @example
 * ```ts
 * const embeddable: TalismanViewOptions = { frameOptions: null, contentSecurityPolicy: { 'frame-ancestors': '*' } }
 * ```
 */
export interface TalismanViewOptions {
  /** Redirect plain-HTTP requests to HTTPS (not in DEBUG). Default `true`. */
  forceHttps?: boolean
  /** `X-Frame-Options`: `'SAMEORIGIN'`, `'DENY'`, or `null` for none. Default `'SAMEORIGIN'`. */
  frameOptions?: 'SAMEORIGIN' | 'DENY' | null
  /** The CSP: a string, an object, or `null` for none. Default {@link DEFAULT_CSP_POLICY}. */
  contentSecurityPolicy?: string | CspPolicy | null
  /** Directives that get the request's nonce (`'nonce-…'`) when a page used `csp_nonce()`. Default `['script-src', 'style-src']`. */
  contentSecurityPolicyNonceIn?: readonly string[]
  /** `Permissions-Policy`; `null` or `{}` for none. Default {@link DEFAULT_PERMISSIONS_POLICY}. */
  permissionsPolicy?: StructuredPolicy | null
  /** `Document-Policy`; `null` or `{}` for none. Default none. */
  documentPolicy?: StructuredPolicy | null
  /** `Referrer-Policy`; `null` for none. Default `'same-origin'` (no referrer leaves the site; same-origin requests keep theirs, which the CSRF check over HTTPS needs). */
  referrerPolicy?: string | null
  /** `Cross-Origin-Opener-Policy`; `null` for none. Default `'same-origin'`. */
  crossOriginOpenerPolicy?: 'same-origin' | 'same-origin-allow-popups' | 'noopener-allow-popups' | 'unsafe-none' | null
  /** `Cross-Origin-Resource-Policy`; `null` for none. Default `'same-origin'`. */
  crossOriginResourcePolicy?: 'same-origin' | 'same-site' | 'cross-origin' | null
  /** `Cross-Origin-Embedder-Policy`; `null` for none. Default none (as helmet: it breaks cross-origin images). */
  crossOriginEmbedderPolicy?: 'require-corp' | 'credentialless' | 'unsafe-none' | null
}

/**
 * Options of `new Talisman(app, options)` (Flask-Talisman's keyword
 * arguments in camelCase).
 *
 * @example
 * ```ts
 * new Talisman(app, { contentSecurityPolicy: { 'default-src': "'self'", 'img-src': '*' }, strictTransportSecurityPreload: true })
 * ```
 */
export interface TalismanOptions extends TalismanViewOptions {
  /** Redirect with 301/308 instead of 302/307. Default `false`. */
  forceHttpsPermanent?: boolean
  /** `Strict-Transport-Security` on HTTPS responses. Default `true`. */
  strictTransportSecurity?: boolean
  /** HSTS `max-age` in seconds. Default one year (`31536000`). */
  strictTransportSecurityMaxAge?: number
  /** HSTS `includeSubDomains`. Default `true`. */
  strictTransportSecurityIncludeSubdomains?: boolean
  /** HSTS `preload` (see hstspreload.org first). Default `false`. */
  strictTransportSecurityPreload?: boolean
  /** Where browsers POST violation reports (`report-uri`). Default none. */
  contentSecurityPolicyReportUri?: string | null
  /** Send `Content-Security-Policy-Report-Only`: report, do not block. Default `false`. */
  contentSecurityPolicyReportOnly?: boolean
  /** Force `SESSION_COOKIE_SECURE` on (except in DEBUG). Default `true`. */
  sessionCookieSecure?: boolean
  /** Force `SESSION_COOKIE_HTTPONLY` on. Default `true`. */
  sessionCookieHttpOnly?: boolean
  /** `SESSION_COOKIE_SAMESITE`. Default `'Lax'`. */
  sessionCookieSameSite?: 'Strict' | 'Lax' | 'None'
  /** `X-Content-Type-Options: nosniff`. Default `true`. */
  xContentTypeOptions?: boolean
  /** `X-Download-Options: noopen` (Flask-Talisman's `force_file_save`). Default `true`. */
  forceFileSave?: boolean
  /** `X-XSS-Protection`: `'0'` turns the old, exploitable XSS auditors off; `null` sends nothing. Default `'0'`. */
  xXssProtection?: '0' | '1; mode=block' | null
  /** `Origin-Agent-Cluster: ?1`. Default `true`. */
  originAgentCluster?: boolean
  /** `X-DNS-Prefetch-Control`. Default `'off'`. */
  xDnsPrefetchControl?: 'on' | 'off' | null
  /** `X-Permitted-Cross-Domain-Policies`. Default `'none'`. */
  xPermittedCrossDomainPolicies?: string | null
}
