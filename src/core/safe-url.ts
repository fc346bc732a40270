/**
 * Open-redirect protection: {@link isSafeUrl} says whether a target (a
 * `next` argument, a `Referer`) stays on this site, and {@link safeRedirect}
 * redirects there only when it does. `redirect()` itself follows any target,
 * as Flask's does: use these for any target a client chose.
 *
 * @module
 */
import { redirect } from '../http/redirect.ts'
import type { Response } from '../http/response.ts'
import { currentContext, hasRequestContext } from './context.ts'

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
  /** Other hosts an absolute URL may name; default: the `SAFE_REDIRECT_HOSTS` config key. */
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
 * True when `url` is a safe place to redirect to: a path on this site
 * (`/account`, `posts?page=2`) or an absolute http(s) URL whose host is this
 * site or an allowed host. Refused: other hosts, scheme-relative URLs
 * (`//evil.test`), the backslash forms browsers read as slashes
 * (`/\evil.test`, `\\evil.test`), a scheme without `//` (`https:evil.test`,
 * `javascript:…`), credentials (`https://u@host`), and any control
 * character or edge space (`\t//evil.test`). The idea of Django's
 * `url_has_allowed_host_and_scheme`, resolved with the WHATWG URL parser
 * that browsers use. Without `host`/`requireHttps` it reads the current
 * request.
 *
 * @example
 * ```ts
 * isSafeUrl('/posts/1', { host: 'example.com' })             // true
 * isSafeUrl('https://example.com/a', { host: 'example.com' }) // true
 * isSafeUrl('//evil.test/', { host: 'example.com' })         // false
 * isSafeUrl('/\\evil.test', { host: 'example.com' })         // false
 * ```
 */
export function isSafeUrl(url: unknown, options: SafeUrlOptions = {}): boolean {
  if (typeof url !== 'string' || url === '' || url.length > 2048) return false
  if (CONTROL_OR_SPACE_EDGE.test(url)) return false
  // WHATWG parsers treat "\" as "/" in http(s) URLs
  const normalized = url.replace(/\\/g, '/')
  if (normalized.startsWith('//')) return false
  let { host, requireHttps: secure, allowedHosts: allowed } = options
  if (host === undefined || allowed === undefined || secure === undefined) {
    // with an explicit host it works outside a request too (plain http, no other hosts)
    const ctx = host === undefined || hasRequestContext() ? currentContext() : null
    if (host === undefined) host = ctx!.request.host
    secure ??= ctx?.request.isSecure ?? false
    allowed ??= ctx?.app.config.SAFE_REDIRECT_HOSTS ?? []
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
 * A redirect to `target` when {@link isSafeUrl} accepts it, else to
 * `fallback` — for targets a client chose (`?next=`, a form field, the
 * `Referer`). `fallback` is yours and is not checked.
 *
 * @example
 * ```ts
 * app.post('/login', function login() {
 *   // … check the password, then:
 *   return safeRedirect(request.args.get('next'), urlFor('index'))
 * })
 * ```
 */
export function safeRedirect(target: unknown, fallback: string, code = 302): Response {
  return redirect(isSafeUrl(target) ? (target as string) : fallback, code)
}
