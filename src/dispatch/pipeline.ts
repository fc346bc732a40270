/**
 * One request in Flask's order (`full_dispatch_request`): routing, body,
 * session, `urlValuePreprocessor`, `beforeRequest`, the view
 * (`dispatchRequest`), error handlers, and the after-request stage.
 *
 * How the two halves resume: {@link fullDispatchRequest} runs synchronously
 * and returns the Response itself as long as nothing returns a promise. At
 * the first promise (a hook's or the view's), or the first error, it hands
 * over to {@link fullDispatchRequestAsync} with a {@link Resume} that says
 * where it stopped, and returns that function's promise; the async half
 * awaits the pending value and carries on from that point with awaits. A
 * request with a body to read or a session to open eagerly starts in the
 * async half (`Resume.Start`).
 *
 * @module
 */
import type { Context } from '../core/context.ts'
import { NotFound } from '../http/exceptions.ts'
import { Response } from '../http/response.ts'
import { appcontextPushed, requestStarted } from '../signals.ts'
import { handleException, handleUserException } from './errors.ts'
import { finalizeRequest } from './finalize.ts'
import { preprocessRequest } from './hooks.ts'
import { isThenable } from './make-response.ts'
import { makeDefaultOptionsResponse, matchRequest } from './match.ts'
import { startDeadline, type Deadline } from './timeout.ts'

/** Where {@link fullDispatchRequestAsync} picks up a request. */
const enum Resume {
  /** From the start: the body must be read or the session opened first. */
  Start,
  /** A `beforeRequest` hook returned a promise (`value`). */
  Hooks,
  /** The view returned a promise (`value`). */
  View,
  /** A hook or the view threw `value`. */
  Error,
}

/**
 * Raises the routing error, answers OPTIONS, or calls the view (Flask's
 * `dispatch_request`).
 */
export function dispatchRequest(ctx: Context): unknown {
  const request = ctx.request
  if (request.routingException !== null) throw request.routingException
  const entry = ctx.routeEntry!
  if (entry.provideAutomaticOptions && request.method === 'OPTIONS') return makeDefaultOptionsResponse(ctx)
  const view = entry.view
  if (view === null) throw new NotFound()
  return (view as (args: unknown, ctx: Context) => unknown)(request.viewArgs, ctx)
}

function sendStarted(ctx: Context): void {
  if (appcontextPushed.receiversCount > 0) appcontextPushed.send(ctx.app, {})
  if (requestStarted.receiversCount > 0) requestStarted.send(ctx.app, {})
}

/**
 * Handles the request of `ctx` (inside its context) and returns the
 * Response, or a promise of it once something awaited. May throw a
 * propagated error (`PROPAGATE_EXCEPTIONS`, `TESTING`).
 *
 * @example
 * ```ts
 * const rv = contextStorage.run(ctx, fullDispatchRequest, ctx)
 * const response = rv instanceof Response ? rv : await rv
 * ```
 */
export function fullDispatchRequest(ctx: Context, responseTimeout = 0): Response | Promise<Response> {
  const entry = matchRequest(ctx)
  const request = ctx.request
  if ((!entry.streamBody && request.hasBody) || !ctx.app.sessionInterface.lazy) {
    return fullDispatchRequestAsync(ctx, Resume.Start, undefined, responseTimeout)
  }
  try {
    let rv: unknown
    try {
      sendStarted(ctx)
      rv = entry.preprocessors === null && entry.before === null ? undefined : preprocessRequest(ctx)
      if (isThenable(rv)) return fullDispatchRequestAsync(ctx, Resume.Hooks, rv, responseTimeout)
      if (rv === undefined) {
        rv = dispatchRequest(ctx)
        if (isThenable(rv)) return fullDispatchRequestAsync(ctx, Resume.View, rv, responseTimeout)
      }
    } catch (err) {
      return fullDispatchRequestAsync(ctx, Resume.Error, err, responseTimeout)
    }
    const response = finalizeRequest(ctx, rv, false)
    return response instanceof Response ? response : response.catch((err: unknown) => handleException(ctx, err))
  } catch (err) {
    return handleException(ctx, err)
  }
}

/**
 * The general path: {@link fullDispatchRequest} from where it stopped (see
 * the module comment). The response timeout (`responseTimeout`: the
 * adapter's default when `RESPONSE_TIMEOUT` is null) is armed here, after
 * the body was read, and bounds the awaited hooks and view.
 */
async function fullDispatchRequestAsync(ctx: Context, from: Resume, value: unknown, responseTimeout: number): Promise<Response> {
  let deadline: Deadline | null = null
  try {
    let rv: unknown
    try {
      if (from === Resume.Error) throw value
      if (from === Resume.Start) {
        sendStarted(ctx)
        const app = ctx.app
        const request = ctx.request
        if (!ctx.routeEntry!.streamBody && request.hasBody) await request.loadBody()
        if (!app.sessionInterface.lazy) ctx.openedSession = await app.sessionInterface.openSession(app, request)
        const entry = ctx.routeEntry!
        rv = entry.preprocessors === null && entry.before === null ? undefined : preprocessRequest(ctx)
        if (isThenable(rv)) {
          deadline = startDeadline(ctx, responseTimeout)
          rv = deadline === null ? await rv : await deadline.race(rv)
        }
      } else {
        deadline = startDeadline(ctx, responseTimeout)
        rv = deadline === null ? await value : await deadline.race(value)
      }
      if (from !== Resume.View && rv === undefined) {
        rv = dispatchRequest(ctx)
        if (isThenable(rv)) {
          deadline ??= startDeadline(ctx, responseTimeout)
          rv = deadline === null ? await rv : await deadline.race(rv)
        }
      }
    } catch (err) {
      rv = await handleUserException(ctx, err)
    } finally {
      deadline?.clear()
    }
    // a Response as is: awaiting it would cost a turn of the microtask queue per request with a body
    const finalized = finalizeRequest(ctx, rv, false)
    return finalized instanceof Response ? finalized : await finalized
  } catch (err) {
    return handleException(ctx, err)
  }
}
