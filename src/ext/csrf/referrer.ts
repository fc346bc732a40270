/**
 * The HTTPS referrer check of CSRF protection: a cross-site request over
 * HTTPS must not pass just because it carried a token leaked elsewhere.
 */
import type { Request } from 'phial'
import { CSRFError } from './errors.ts'

function origin(url: string): string | null {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}`
  } catch {
    return null
  }
}

/**
 * True when two URLs have the same scheme, host and port (default ports
 * normalised).
 *
 * @example
 * ```ts
 * sameOrigin('https://example.com/form', 'https://example.com:443/') // true
 * sameOrigin('https://evil.test/', 'https://example.com/')           // false
 * ```
 */
export function sameOrigin(a: string, b: string): boolean {
  const x = origin(a)
  return x !== null && x === origin(b)
}

/**
 * Requires a `Referer` (or, when the browser sent none, an `Origin`) that is
 * `https://` + the request's host; throws a {@link CSRFError} otherwise
 * ("The referrer header is missing." / "The referrer does not match the host.").
 *
 * @example
 * ```ts
 * if (request.isSecure && app.config.WTF_CSRF_SSL_STRICT) checkReferrer(request)
 * ```
 */
export function checkReferrer(request: Request): void {
  const referrer = request.referrer || request.origin
  if (!referrer) throw new CSRFError('The referrer header is missing.')
  if (!sameOrigin(referrer, `https://${request.host}/`)) throw new CSRFError('The referrer does not match the host.')
}
