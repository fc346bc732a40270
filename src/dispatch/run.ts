/**
 * The one way into dispatch (Flask's `wsgi_app`), for every adapter — Node,
 * fetch, the test client and `testRequestContext`: build the context of a
 * request, run it through the pipeline inside that context, hand the result
 * to the adapter's writer, and tear down. The adapters only translate IO.
 *
 * @module
 */
import type { AppCore, CurrentApp } from '../core/app-core.ts'
import { Context } from '../core/context.ts'
import { runInContext } from '../core/enter-context.ts'
import { Request, type RequestInit } from '../http/request.ts'
import { Response } from '../http/response.ts'
import { fullDispatchRequest } from './pipeline.ts'
import { doTeardown, needsTeardown } from './teardown.ts'

/**
 * The context of one request: a {@link Request} over the adapter's raw
 * init, reading the app's config.
 *
 * @example
 * ```ts
 * const ctx = createRequestContext(app, { method: 'GET', url: '/', headers: { host: 'localhost' } })
 * ```
 */
export function createRequestContext(app: AppCore, init: RequestInit): Context {
  // every AppCore is a Phial at run time (AppCore is abstract, and only app.ts extends it)
  return new Context(app as CurrentApp, new Request(app.config, init))
}

/**
 * What an adapter does with the outcome: `send` writes the response, `fail`
 * answers a propagated error. Both run inside the request's context, and
 * each is responsible for calling {@link finishRequest} once the response is
 * out. The two extra arguments are the adapter's own (the Node
 * `ServerResponse`, a start time): passing them through keeps the fast path
 * free of per-request closures.
 */
export interface Responder<A, B, R> {
  send(ctx: Context, response: Response, a: A, b: B): R
  fail(ctx: Context, error: unknown, a: A, b: B): R
  /** Seconds an awaited view may take when `RESPONSE_TIMEOUT` is null (the adapter's default); 0 or absent: none. */
  responseTimeout?: number
}

function dispatchIn<A, B, R>(ctx: Context, responder: Responder<A, B, R>, a: A, b: B): R | Promise<R> {
  let response: Response | Promise<Response>
  try {
    response = fullDispatchRequest(ctx, responder.responseTimeout)
  } catch (err) {
    return responder.fail(ctx, err, a, b)
  }
  if (response instanceof Response) return responder.send(ctx, response, a, b)
  return response.then(
    (r) => responder.send(ctx, r, a, b),
    (err: unknown) => responder.fail(ctx, err, a, b),
  )
}

/**
 * Runs the request of `ctx` inside its context and hands the response (or
 * the propagated error) to `responder`. Synchronous — no promise at all —
 * when the app answered without awaiting and the responder did too.
 *
 * @example
 * ```ts
 * const served = runRequest(ctx, NODE_RESPONDER, res, start)
 * ```
 */
export function runRequest<A, B, R>(ctx: Context, responder: Responder<A, B, R>, a: A, b: B): R | Promise<R> {
  return runInContext(ctx, dispatchIn<A, B, R>, ctx, responder, a, b)
}

/**
 * Tears the request down when there is anything to do (inside its context).
 * `error` is the propagated error, if any.
 */
export function finishRequest(ctx: Context, error?: unknown): void | Promise<void> {
  if (error !== undefined) ctx.error = error
  if (!needsTeardown(ctx)) return
  // a plain call when ctx is already the active context
  return runInContext(ctx, doTeardown, ctx, ctx.error)
}
