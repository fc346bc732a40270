/**
 * Talisman's defaults: equal to or stricter than both Flask-Talisman's and
 * helmet's (docs/talisman.md has the comparison table).
 */
import type { CspPolicy, TalismanOptions } from './types.ts'

/**
 * One year, the HSTS `max-age` that hstspreload.org requires.
 *
 * @example
 * ```ts
 * new Talisman(app, { strictTransportSecurityMaxAge: 2 * ONE_YEAR_IN_SECONDS })
 * ```
 */
export const ONE_YEAR_IN_SECONDS = 31_536_000

/**
 * The default CSP: helmet's policy with `font-src` and `style-src` narrowed
 * to `'self'` (nonces let inline `<script>`/`<style>` through, see
 * `csp_nonce()`). `upgrade-insecure-requests` is added on HTTPS responses
 * only: over plain HTTP it would point every sub-resource at an HTTPS port
 * that is not there.
 *
 * @example
 * ```ts
 * new Talisman(app, { contentSecurityPolicy: { ...DEFAULT_CSP_POLICY, 'img-src': ["'self'", 'data:', 'https:'] } })
 * ```
 */
export const DEFAULT_CSP_POLICY: CspPolicy = Object.freeze({
  'default-src': "'self'",
  'base-uri': "'self'",
  'font-src': "'self'",
  'form-action': "'self'",
  'frame-ancestors': "'self'",
  'img-src': ["'self'", 'data:'],
  'object-src': "'none'",
  'script-src': "'self'",
  'script-src-attr': "'none'",
  'style-src': "'self'",
})

/**
 * The default `Permissions-Policy`: Flask-Talisman's opt-out of the Topics
 * API plus the powerful features a typical web app does not use.
 *
 * @example
 * ```ts
 * new Talisman(app, { permissionsPolicy: { ...DEFAULT_PERMISSIONS_POLICY, geolocation: '(self)' } })
 * ```
 */
export const DEFAULT_PERMISSIONS_POLICY: Readonly<Record<string, string>> = Object.freeze({
  'browsing-topics': '()',
  camera: '()',
  geolocation: '()',
  microphone: '()',
  payment: '()',
  usb: '()',
})

/**
 * Every option's default.
 *
 * @example
 * ```ts
 * TALISMAN_DEFAULTS.referrerPolicy // 'same-origin'
 * ```
 */
export const TALISMAN_DEFAULTS = Object.freeze({
  forceHttps: true,
  forceHttpsPermanent: false,
  frameOptions: 'SAMEORIGIN',
  strictTransportSecurity: true,
  strictTransportSecurityMaxAge: ONE_YEAR_IN_SECONDS,
  strictTransportSecurityIncludeSubdomains: true,
  strictTransportSecurityPreload: false,
  contentSecurityPolicy: DEFAULT_CSP_POLICY,
  contentSecurityPolicyNonceIn: ['script-src', 'style-src'],
  contentSecurityPolicyReportUri: null,
  contentSecurityPolicyReportOnly: false,
  permissionsPolicy: DEFAULT_PERMISSIONS_POLICY,
  documentPolicy: null,
  referrerPolicy: 'same-origin',
  sessionCookieSecure: true,
  sessionCookieHttpOnly: true,
  sessionCookieSameSite: 'Lax',
  xContentTypeOptions: true,
  forceFileSave: true,
  xXssProtection: '0',
  originAgentCluster: true,
  xDnsPrefetchControl: 'off',
  xPermittedCrossDomainPolicies: 'none',
  crossOriginOpenerPolicy: 'same-origin',
  crossOriginResourcePolicy: 'same-origin',
  crossOriginEmbedderPolicy: null,
} satisfies Required<TalismanOptions>)

/**
 * Options with every default filled in.
 *
 * @example
 * ```ts
 * const resolved: ResolvedTalismanOptions = resolveTalismanOptions({ forceHttps: false })
 * resolved.frameOptions // 'SAMEORIGIN'
 * ```
 */
export type ResolvedTalismanOptions = { [K in keyof TalismanOptions]-?: Exclude<TalismanOptions[K], undefined> }
