/**
 * Redirect responses and the routing redirect (trailing slash, `redirectTo`).
 */
import { escapeHtml } from './escape.ts'
import { HTTPException } from './exceptions.ts'
import { Response } from './response.ts'

const UNSAFE = /[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/gu

/**
 * Percent-encodes what may not appear in a `Location` header (spaces, CR, LF,
 * non-ASCII), as Werkzeug's `iri_to_uri` does, so a redirect target can
 * never inject a header.
 *
 * @example
 * ```ts
 * safeLocation('/search?q=a b\r\nX: y') // '/search?q=a%20b%0D%0AX:%20y'
 * ```
 */
export function safeLocation(location: string): string {
  return location.replace(UNSAFE, (run) => encodeURIComponent(run).replace(/%25/g, '%'))
}

/**
 * A redirect response (302 unless `code` says otherwise) with Werkzeug's
 * small HTML body.
 *
 * @example
 * ```ts
 * app.post('/login', () => redirect(urlFor('index')))
 * return redirect('/new-home', 301)
 * ```
 */
export function redirect(location: string, code = 302): Response {
  if (!Number.isInteger(code) || code < 300 || code > 399) throw new RangeError(`redirect(): ${code} is not a 3xx status code`)
  const target = safeLocation(location)
  const html = escapeHtml(target)
  const body =
    '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
    `<p>You should be redirected automatically to the target URL: <a href="${html}">${html}</a>. If not, click the link.\n`
  const response = new Response(body, { status: code })
  response.headers.set('location', target)
  return response
}

/**
 * Raised by routing to redirect (308) to the canonical URL: the trailing-slash
 * form of a rule, or a rule's `redirectTo`. Error handlers do not see it.
 *
 * @example
 * ```ts
 * throw new RequestRedirect('/docs/')
 * ```
 */
export class RequestRedirect extends HTTPException {
  static override code = 308
  readonly newUrl: string

  constructor(newUrl: string, code = 308) {
    super(`Redirecting to ${newUrl}`)
    this.newUrl = newUrl
    this.code = code
  }

  override toResponse(): Response {
    return redirect(this.newUrl, this.code)
  }
}
