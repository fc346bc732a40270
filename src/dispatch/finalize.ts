/**
 * Turning a view's return value into the final response (Flask's
 * `finalize_request`): make the Response, run the after-request stage, send
 * `requestFinished`. Synchronous unless something returned a promise.
 *
 * @module
 */
import type { Context } from '../core/context.ts'
import { Response } from '../http/response.ts'
import { requestFinished } from '../signals.ts'
import { warnLargeCookies } from './cookie-size.ts'
import { processResponse } from './hooks.ts'
import { isThenable, toResponse } from './make-response.ts'

const HTML = 'text/html; charset=utf-8'

/**
 * `text/plain` for a view that returned the output of a `.txt` template
 * (alone or as a tuple's body) and did not set its own content type.
 */
function markPlainText(text: string, rv: unknown, response: Response): void {
  const body = Array.isArray(rv) ? rv[0] : rv
  if (body === text && response.headers.get('content-type') === HTML) response.headers.set('content-type', 'text/plain; charset=utf-8')
}

/**
 * Makes the response of `rv` and post-processes it. Errors while handling an
 * error are logged, not raised (`fromErrorHandler`). Returns the Response
 * itself when nothing awaited; a bad return value throws synchronously.
 */
export function finalizeRequest(ctx: Context, rv: unknown, fromErrorHandler: boolean): Response | Promise<Response> {
  if (Array.isArray(rv) && rv.length > 1 && isThenable(rv[0])) {
    // `[renderTemplate('404.html'), 404]`: a tuple whose body is still a promise
    const rest = rv.slice(1)
    return Promise.resolve(rv[0]).then((body) => finalizeRequest(ctx, [body, ...rest], fromErrorHandler))
  }
  // the request itself: its wantsJson is read only if an HTTP error is rendered
  const response = toResponse(rv, ctx.routeEntry!.endpoint ?? 'error handler', ctx.request, ctx.app.config, ctx.app.json)
  if (ctx.renderedText !== null) markPlainText(ctx.renderedText, rv, response)
  let processed: Response | Promise<Response>
  try {
    processed = processResponse(ctx, response)
    if (processed instanceof Response) {
      // the raw lower-case key: `has()` would lower-case the name on every response
      if (processed.headers.raw['set-cookie'] !== undefined) warnLargeCookies(ctx.app, processed)
      if (requestFinished.receiversCount > 0) requestFinished.send(ctx.app, { response: processed })
      return processed
    }
  } catch (err) {
    return finalizeFailed(ctx, err, response, fromErrorHandler)
  }
  return finalizeRequestAsync(ctx, response, processed, fromErrorHandler)
}

/** {@link finalizeRequest} once post-processing returned a promise. */
async function finalizeRequestAsync(ctx: Context, response: Response, pending: Promise<Response>, fromErrorHandler: boolean): Promise<Response> {
  try {
    response = await pending
    if (response.headers.raw['set-cookie'] !== undefined) warnLargeCookies(ctx.app, response)
    if (requestFinished.receiversCount > 0) requestFinished.send(ctx.app, { response })
  } catch (err) {
    return finalizeFailed(ctx, err, response, fromErrorHandler)
  }
  return response
}

/** Post-processing failed: raise, or (while handling an error) log and keep the response. */
function finalizeFailed(ctx: Context, err: unknown, response: Response, fromErrorHandler: boolean): Response {
  if (!fromErrorHandler) throw err
  ctx.app.logger.error({ err, requestId: ctx.request.id }, 'Request finalizing failed with an error while handling an error')
  return response
}
