/**
 * `abort` and `redirect` as Flask's helpers are: inside an app's context
 * they call that app's `aborter` and `redirect`, so an app (or an
 * extension) that overrides them changes what every `abort(…)` and
 * `redirect(…)` does; outside one they use Werkzeug's defaults.
 *
 * @module
 */
import { abort as defaultAbort } from '../http/abort.ts'
import { redirect as defaultRedirect } from '../http/redirect.ts'
import type { Response } from '../http/response.ts'
import { contextStorage } from './context.ts'

/**
 * Stops the request with an HTTP error (rendered as an HTML page, or JSON
 * for a JSON client, unless an error handler answers), or with a response.
 * Inside an app's context it calls `app.aborter`, so codes added to
 * `app.aborter.mapping` work here too.
 *
 * @example
 * ```ts
 * const post = posts.get(id) ?? abort(404)
 * if (post.authorId !== g.user.id) abort(403, 'Not your post.')
 * abort(new Response('Teapot', { status: 418 }))
 * ```
 */
export function abort(codeOrResponse: number | Response, description?: string): never {
  const ctx = contextStorage.getStore()
  if (ctx !== undefined) ctx.app.aborter(codeOrResponse, description)
  return defaultAbort(codeOrResponse, description)
}

/**
 * A redirect response (302 unless `code` says otherwise) with Werkzeug's
 * small HTML body. Inside an app's context it calls `app.redirect`, which
 * an app may override.
 *
 * @example
 * ```ts
 * app.post('/login', () => redirect(urlFor('index')))
 * return redirect('/new-home', 301)
 * ```
 */
export function redirect(location: string, code = 302): Response {
  const ctx = contextStorage.getStore()
  return ctx !== undefined ? ctx.app.redirect(location, code) : defaultRedirect(location, code)
}
