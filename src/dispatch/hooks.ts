/**
 * The hooks around the view: `urlValuePreprocessor` and `beforeRequest`
 * before it (Flask's `preprocess_request`), `afterThisRequest` functions,
 * `afterRequest` hooks and the session save after it (`process_response`).
 *
 * Each stage is a synchronous step that returns a value, plus an `…Async`
 * continuation: the step runs the hooks in order until one returns a promise,
 * then hands that promise and the hook's index to the continuation, which
 * awaits it and runs the rest. A request whose hooks are all synchronous thus
 * makes no promise at all (each one costs an AsyncLocalStorage hook), and the
 * two halves of a stage sit side by side so that they can be read together.
 *
 * @module
 */
import type { Context } from '../core/context.ts'
import type { AfterRequestHook, BeforeRequestHook } from '../core/types.ts'
import { Response } from '../http/response.ts'
import { isThenable } from './make-response.ts'

/**
 * `urlValuePreprocessor` then `beforeRequest` hooks; the first value a hook
 * returns (the response, and the view does not run), else undefined. A
 * promise when a hook returned one.
 */
export function preprocessRequest(ctx: Context): unknown {
  const request = ctx.request
  const entry = ctx.routeEntry!
  if (entry.preprocessors !== null) {
    for (const fn of entry.preprocessors) fn(request.endpoint, request.viewArgs)
  }
  const before = entry.before
  if (before !== null) {
    for (let i = 0; i < before.length; i++) {
      const rv: unknown = before[i]!(ctx)
      if (isThenable(rv)) return preprocessRequestAsync(ctx, before, i, rv)
      if (rv !== undefined && rv !== null) return rv
    }
  }
  return undefined
}

/** Awaits what `beforeRequest` hook `index` returned, then runs the hooks after it. */
async function preprocessRequestAsync(
  ctx: Context,
  before: readonly BeforeRequestHook[],
  index: number,
  pending: PromiseLike<unknown>,
): Promise<unknown> {
  let rv: unknown = await pending
  if (rv !== undefined && rv !== null) return rv
  for (let i = index + 1; i < before.length; i++) {
    rv = before[i]!(ctx)
    if (isThenable(rv)) rv = await rv
    if (rv !== undefined && rv !== null) return rv
  }
  return undefined
}

/** The response after an after-request function returned `rv`: a Response replaces it, nothing keeps it. */
function afterHookResult(fn: { name: string }, rv: unknown, response: Response): Response {
  if (rv instanceof Response) return rv
  if (rv !== undefined) {
    throw new TypeError(`An afterRequest hook (${fn.name || 'anonymous'}) returned ${typeof rv}; return the Response or nothing.`)
  }
  return response
}

/** Runs after-request functions in order, each with `(response, ctx)`. */
function runAfterHooks(ctx: Context, hooks: readonly AfterRequestHook[], response: Response): Response | Promise<Response> {
  for (let i = 0; i < hooks.length; i++) {
    const fn = hooks[i]!
    const rv: unknown = fn(response, ctx)
    if (isThenable(rv)) return runAfterHooksAsync(ctx, hooks, i, response, rv)
    response = afterHookResult(fn, rv, response)
  }
  return response
}

/** Awaits what function `index` returned, then runs the functions after it. */
async function runAfterHooksAsync(
  ctx: Context,
  hooks: readonly AfterRequestHook[],
  index: number,
  response: Response,
  pending: PromiseLike<unknown>,
): Promise<Response> {
  response = afterHookResult(hooks[index]!, await pending, response)
  for (let i = index + 1; i < hooks.length; i++) {
    const fn = hooks[i]!
    let rv: unknown = fn(response, ctx)
    if (isThenable(rv)) rv = await rv
    response = afterHookResult(fn, rv, response)
  }
  return response
}

/**
 * `afterThisRequest` functions, then `afterRequest` hooks (one loop for
 * both, as Flask's `process_response`), then the session save. Returns the
 * Response itself unless one of them returned a promise.
 */
export function processResponse(ctx: Context, response: Response): Response | Promise<Response> {
  const own = ctx.afterThisRequestFuncs
  if (own !== null) {
    const rv = runAfterHooks(ctx, own, response)
    if (!(rv instanceof Response)) return rv.then((r) => afterRequestAndSave(ctx, r))
    response = rv
  }
  return afterRequestAndSave(ctx, response)
}

/** The `afterRequest` chain of the rule, then the session save. */
function afterRequestAndSave(ctx: Context, response: Response): Response | Promise<Response> {
  const after = ctx.routeEntry!.after
  if (after !== null) {
    const rv = runAfterHooks(ctx, after, response)
    if (!(rv instanceof Response)) return rv.then((r) => saveSession(ctx, r))
    response = rv
  }
  return saveSession(ctx, response)
}

/** Saves an opened session onto the response (a store may answer with a promise). */
function saveSession(ctx: Context, response: Response): Response | Promise<Response> {
  let session = ctx.openedSession
  const app = ctx.app
  const iface = app.sessionInterface
  if (session === null) {
    // Flask opens the session on every request, so a permanent one is
    // re-sent (its expiry slides) even when the view never touched it. A
    // lazy session is opened here only for a request that carries its cookie.
    // (A non-lazy interface opened it before the request, or failed to: nothing to refresh.)
    // the raw header object: `request.headers` would make its case-insensitive view for this one lookup
    if (!iface.lazy || !app.config.SESSION_REFRESH_EACH_REQUEST || !ctx.hasRequest || ctx.request.rawHeaders.cookie === undefined) return response
    if (ctx.request.cookies[iface.cookieName(app)] === undefined) return response
    session = ctx.session
    if (!session.permanent) return response
  }
  if (iface.isNullSession(session)) return response
  const saved = iface.saveSession(app, session, response)
  return isThenable(saved) ? Promise.resolve(saved).then(() => response) : response
}
