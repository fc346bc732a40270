/**
 * Request handling in Flask's order: routing, body, `urlValuePreprocessor`,
 * `beforeRequest`, the view, error handlers, `afterRequest`, the session, and
 * teardown. Awaits happen only where a hook or view returned a promise.
 */
import type { Phial } from '../app.ts'
import type { Context } from '../core/context.ts'
import { HTTPException, InternalServerError, MethodNotAllowed, NotFound } from '../http/exceptions.ts'
import { RequestRedirect } from '../http/redirect.ts'
import { Response } from '../http/response.ts'
import { isThenable, toResponse } from './make-response.ts'
import type { RouteEntry } from './route-table.ts'
import {
  appcontextPushed,
  appcontextPopped,
  appcontextTearingDown,
  gotRequestException,
  requestFinished,
  requestStarted,
  requestTearingDown,
} from '../signals.ts'
import { findErrorHandler } from './errors.ts'
import { renderDebugPage } from './debug-page.ts'

/** Matches the request's path; stores the result on the request and returns the rule's hook chains. */
function matchRequest(app: Phial, ctx: Context): RouteEntry {
  const request = ctx.request
  if (app.config.TRUSTED_HOSTS) {
    // as Flask: every request's host is checked, and a bad one is a 400 raised where the view would run
    try {
      void request.host
    } catch (err) {
      request.routingException = err as Error
      return app.routeEntry(null)
    }
  }
  const result = app.urlMap.match(request.path, request.method)
  if (result.kind === 'match') {
    request.urlRule = result.rule
    request.endpoint = result.rule.endpoint
    request.viewArgs = result.args
    return app.routeEntry(result.rule)
  }
  const entry = app.routeEntry(null)
  if (result.kind === 'redirect') {
    let location = result.location
    if (location.startsWith('/')) {
      // the map gives a percent-encoded path: encoding it again would turn %C3 into %25C3
      location = request.rootPath + location
      if (request.queryString) location += (location.includes('?') ? '&' : '?') + request.queryString
    }
    request.routingException = new RequestRedirect(location, result.status)
  } else if (result.kind === 'methodNotAllowed') {
    request.routingException = new MethodNotAllowed(result.allowed)
  } else {
    request.routingException = new NotFound()
  }
  return entry
}

/** The automatic answer to OPTIONS: 200 with `Allow`. */
function defaultOptionsResponse(app: Phial, ctx: Context): Response {
  const response = new Response('')
  response.headers.set('allow', app.urlMap.allowedMethods(ctx.request.path).join(', '))
  return response
}

/**
 * `urlValuePreprocessor` then `beforeRequest` hooks; the first value a hook
 * returns. Synchronous until a hook returns a promise: then the rest runs in
 * {@link preprocessFrom} and this returns its promise.
 */
function preprocess(ctx: Context, entry: RouteEntry): unknown {
  const request = ctx.request
  if (entry.preprocessors !== null) {
    for (const fn of entry.preprocessors) fn(request.endpoint, request.viewArgs)
  }
  const before = entry.before
  if (before !== null) {
    for (let i = 0; i < before.length; i++) {
      const rv: unknown = before[i]!(ctx)
      if (isThenable(rv)) return preprocessFrom(ctx, before, i, rv)
      if (rv !== undefined && rv !== null) return rv
    }
  }
  return undefined
}

/** Awaits the promise of `beforeRequest` hook `index`, then runs the hooks after it. */
async function preprocessFrom(ctx: Context, before: RouteEntry['before'] & object, index: number, pending: PromiseLike<unknown>): Promise<unknown> {
  let rv: unknown = await pending
  if (rv !== undefined && rv !== null) return rv
  for (let i = index + 1; i < before.length; i++) {
    rv = before[i]!(ctx)
    if (isThenable(rv)) rv = await rv
    if (rv !== undefined && rv !== null) return rv
  }
  return undefined
}

/** Raises the routing error, answers OPTIONS, or calls the view. */
function dispatchView(app: Phial, ctx: Context, entry: RouteEntry): unknown {
  const request = ctx.request
  if (request.routingException !== null) throw request.routingException
  if (entry.provideAutomaticOptions && request.method === 'OPTIONS') return defaultOptionsResponse(app, ctx)
  const view = entry.view
  if (view === null) throw new NotFound()
  return (view as (args: unknown, ctx: Context) => unknown)(request.viewArgs, ctx)
}

/** The response after an `afterRequest` hook returned `rv`. */
function afterHookResult(fn: { name: string }, rv: unknown, response: Response): Response {
  if (rv instanceof Response) return rv
  if (rv !== undefined) {
    throw new TypeError(`An afterRequest hook (${fn.name || 'anonymous'}) returned ${typeof rv}; return the Response or nothing.`)
  }
  return response
}

/** Where {@link processResponseFrom} resumes. */
const enum Stage {
  AfterThisRequest,
  AfterRequest,
  Session,
}

/**
 * `afterThisRequest` functions, `afterRequest` hooks, then the session.
 * Synchronous until one of them returns a promise; then the rest runs in
 * {@link processResponseFrom} and this returns its promise.
 */
function processResponse(app: Phial, ctx: Context, entry: RouteEntry, response: Response): Response | Promise<Response> {
  const fns = ctx.afterThisRequest
  if (fns !== null) {
    for (let i = 0; i < fns.length; i++) {
      const rv: unknown = fns[i]!(response)
      if (isThenable(rv)) return processResponseFrom(app, ctx, entry, response, Stage.AfterThisRequest, i, rv)
      if (rv instanceof Response) response = rv
    }
  }
  const after = entry.after
  if (after !== null) {
    for (let i = 0; i < after.length; i++) {
      const fn = after[i]!
      const rv: unknown = fn(response, ctx)
      if (isThenable(rv)) return processResponseFrom(app, ctx, entry, response, Stage.AfterRequest, i, rv)
      response = afterHookResult(fn, rv, response)
    }
  }
  const session = ctx.sessionData
  if (session !== null && !app.sessionInterface.isNullSession(session)) {
    const saved = app.sessionInterface.saveSession(app, session, response)
    if (isThenable(saved)) return processResponseFrom(app, ctx, entry, response, Stage.Session, 0, saved)
  }
  return response
}

/** Awaits what step `index` of `stage` returned, then carries on as {@link processResponse}. */
async function processResponseFrom(
  app: Phial,
  ctx: Context,
  entry: RouteEntry,
  response: Response,
  stage: Stage,
  index: number,
  pending: PromiseLike<unknown>,
): Promise<Response> {
  const settled: unknown = await pending
  if (stage === Stage.Session) return response
  if (stage === Stage.AfterThisRequest) {
    if (settled instanceof Response) response = settled
    const fns = ctx.afterThisRequest!
    for (let i = index + 1; i < fns.length; i++) {
      let rv: unknown = fns[i]!(response)
      if (isThenable(rv)) rv = await rv
      if (rv instanceof Response) response = rv
    }
  }
  const after = entry.after
  if (after !== null) {
    let start = 0
    if (stage === Stage.AfterRequest) {
      response = afterHookResult(after[index]!, settled, response)
      start = index + 1
    }
    for (let i = start; i < after.length; i++) {
      const fn = after[i]!
      let rv: unknown = fn(response, ctx)
      if (isThenable(rv)) rv = await rv
      response = afterHookResult(fn, rv, response)
    }
  }
  const session = ctx.sessionData
  if (session !== null && !app.sessionInterface.isNullSession(session)) {
    const saved = app.sessionInterface.saveSession(app, session, response)
    if (isThenable(saved)) await saved
  }
  return response
}

/**
 * Makes the response and post-processes it. Errors while handling an error
 * are logged, not raised. Returns the Response itself when nothing awaited;
 * a bad return value throws synchronously.
 */
function finalize(app: Phial, ctx: Context, entry: RouteEntry, rv: unknown, fromErrorHandler: boolean): Response | Promise<Response> {
  if (Array.isArray(rv) && rv.length > 1 && isThenable(rv[0])) {
    // `[renderTemplate('404.html'), 404]`: a tuple whose body is still a promise
    const rest = rv.slice(1)
    return Promise.resolve(rv[0]).then((body) => finalize(app, ctx, entry, [body, ...rest], fromErrorHandler))
  }
  // the request itself: its wantsJson is read only if an HTTP error is rendered
  const response = toResponse(rv, entry.endpoint ?? 'error handler', ctx.request)
  let processed: Response | Promise<Response>
  try {
    processed = processResponse(app, ctx, entry, response)
    if (processed instanceof Response) {
      if (requestFinished.receiversCount > 0) requestFinished.send(app, { response: processed })
      return processed
    }
  } catch (err) {
    return finalizeFailed(app, ctx, err, processed! instanceof Response ? processed : response, fromErrorHandler)
  }
  return finalizeFrom(app, ctx, response, processed, fromErrorHandler)
}

/** {@link finalize} once post-processing returned a promise. */
async function finalizeFrom(app: Phial, ctx: Context, response: Response, pending: Promise<Response>, fromErrorHandler: boolean): Promise<Response> {
  try {
    response = await pending
    if (requestFinished.receiversCount > 0) requestFinished.send(app, { response })
  } catch (err) {
    return finalizeFailed(app, ctx, err, response, fromErrorHandler)
  }
  return response
}

/** Post-processing failed: raise, or (while handling an error) log and keep the response. */
function finalizeFailed(app: Phial, ctx: Context, err: unknown, response: Response, fromErrorHandler: boolean): Response {
  if (!fromErrorHandler) throw err
  app.logger.error({ err, requestId: ctx.request.id }, 'Request finalizing failed with an error while handling an error')
  return response
}

/** HTTP errors go to their handler or render themselves; other errors to a handler or up. */
async function handleUserException(app: Phial, ctx: Context, entry: RouteEntry, err: unknown): Promise<unknown> {
  if (err instanceof HTTPException && !app.config.TRAP_HTTP_EXCEPTIONS) {
    if (err instanceof RequestRedirect) return err
    const handler = findErrorHandler(app, err, entry.errorScopes)
    if (handler === null) return err
    return handler(err as never, ctx)
  }
  const handler = findErrorHandler(app, err, entry.errorScopes)
  if (handler === null) throw err
  return handler(err as never, ctx)
}

/** The last resort: log, then the debug page, a propagated error, or the 500 handler. */
async function handleException(app: Phial, ctx: Context, entry: RouteEntry, err: unknown): Promise<Response> {
  ctx.error = err
  if (gotRequestException.receiversCount > 0) gotRequestException.send(app, { exception: err })
  const config = app.config
  const propagate = config.PROPAGATE_EXCEPTIONS ?? (config.TESTING || config.DEBUG)
  const request = ctx.request
  if (propagate && !config.DEBUG) throw err
  app.logger.error({ err, requestId: request.id }, `Exception on ${request.path} [${request.method}]`)
  if (propagate) return renderDebugPage(err, ctx)
  const serverError = new InternalServerError(undefined, { originalError: err })
  let rv: unknown = serverError
  const handler = findErrorHandler(app, serverError, entry.errorScopes)
  if (handler !== null) {
    try {
      rv = await handler(serverError as never, ctx)
    } catch (handlerError) {
      app.logger.error({ err: handlerError, requestId: request.id }, 'The 500 error handler failed')
      rv = serverError
    }
  }
  try {
    return await finalize(app, ctx, entry, rv, true)
  } catch (finalError) {
    app.logger.error({ err: finalError, requestId: request.id }, 'The 500 error handler returned an invalid response')
    return finalize(app, ctx, entry, serverError, true)
  }
}

/**
 * Handles one request inside its context and returns the response.
 *
 * @example
 * ```ts
 * const response = await contextStorage.run(ctx, () => handleRequest(app, ctx))
 * ```
 */
export function handleRequest(app: Phial, ctx: Context): Promise<Response> {
  try {
    const response = dispatchRequest(app, ctx)
    return response instanceof Response ? Promise.resolve(response) : response
  } catch (err) {
    return Promise.reject(err)
  }
}

/**
 * {@link handleRequest} without a promise when none is needed: returns the
 * Response itself when no body had to be read, no session opened eagerly,
 * and no hook or view returned a promise (the Node adapter's fast path:
 * every promise costs an AsyncLocalStorage hook). May throw what
 * `handleRequest` would reject with.
 *
 * @example
 * ```ts
 * const rv = contextStorage.run(ctx, () => dispatchRequest(app, ctx))
 * const response = rv instanceof Response ? rv : await rv
 * ```
 */
export function dispatchRequest(app: Phial, ctx: Context): Response | Promise<Response> {
  const entry = matchRequest(app, ctx)
  ctx.routeEntry = entry
  const request = ctx.request
  if ((!entry.streamBody && request.hasBody) || !app.sessionInterface.lazy) return handleFromStart(app, ctx, entry)
  try {
    let rv: unknown
    try {
      if (appcontextPushed.receiversCount > 0) appcontextPushed.send(app, {})
      if (requestStarted.receiversCount > 0) requestStarted.send(app, {})
      rv = entry.preprocessors === null && entry.before === null ? undefined : preprocess(ctx, entry)
      if (isThenable(rv)) return handleFrom(app, ctx, entry, Resume.Hooks, rv)
      if (rv === undefined) {
        rv = dispatchView(app, ctx, entry)
        if (isThenable(rv)) return handleFrom(app, ctx, entry, Resume.View, rv)
      }
    } catch (err) {
      return handleFrom(app, ctx, entry, Resume.Error, err)
    }
    const response = finalize(app, ctx, entry, rv, false)
    return response instanceof Response ? response : response.catch((err: unknown) => handleException(app, ctx, entry, err))
  } catch (err) {
    return handleException(app, ctx, entry, err)
  }
}

/** The general path, from the start: the body to read or the session to open first. */
async function handleFromStart(app: Phial, ctx: Context, entry: RouteEntry): Promise<Response> {
  try {
    let rv: unknown
    try {
      if (appcontextPushed.receiversCount > 0) appcontextPushed.send(app, {})
      if (requestStarted.receiversCount > 0) requestStarted.send(app, {})
      const request = ctx.request
      if (!entry.streamBody && request.hasBody) await request.loadBody()
      if (!app.sessionInterface.lazy) ctx.sessionData = await app.sessionInterface.openSession(app, request)
      rv = entry.preprocessors === null && entry.before === null ? undefined : await preprocess(ctx, entry)
      if (rv === undefined) {
        rv = dispatchView(app, ctx, entry)
        if (isThenable(rv)) rv = await rv
      }
    } catch (err) {
      rv = await handleUserException(app, ctx, entry, err)
    }
    return await finalize(app, ctx, entry, rv, false)
  } catch (err) {
    return handleException(app, ctx, entry, err)
  }
}

/** Where {@link handleFrom} picks up a request that {@link dispatchRequest} began. */
const enum Resume {
  /** A `beforeRequest` hook returned a promise. */
  Hooks,
  /** The view returned a promise. */
  View,
  /** A hook or the view threw. */
  Error,
}

/** The general path, from the first promise (or error) of {@link dispatchRequest}. */
async function handleFrom(app: Phial, ctx: Context, entry: RouteEntry, from: Resume, value: unknown): Promise<Response> {
  try {
    let rv: unknown
    try {
      if (from === Resume.Error) throw value
      rv = await value
      if (from === Resume.Hooks && rv === undefined) {
        rv = dispatchView(app, ctx, entry)
        if (isThenable(rv)) rv = await rv
      }
    } catch (err) {
      rv = await handleUserException(app, ctx, entry, err)
    }
    return await finalize(app, ctx, entry, rv, false)
  } catch (err) {
    return handleException(app, ctx, entry, err)
  }
}

/** True when {@link teardown} has anything to do for this context. */
export function needsTeardown(app: Phial, ctx: Context): boolean {
  return (
    ctx.routeEntry?.teardown != null ||
    app.teardownAppcontextFuncs.length > 0 ||
    (ctx.hasRequest && ctx.request.hasCleanups) ||
    requestTearingDown.receiversCount > 0 ||
    appcontextTearingDown.receiversCount > 0 ||
    appcontextPopped.receiversCount > 0
  )
}

/**
 * Runs teardown hooks (request, then app context) with the unhandled error,
 * logging — not raising — their own errors, and removes temp files.
 */
export async function teardown(app: Phial, ctx: Context, error: unknown = ctx.error): Promise<void> {
  if (ctx.hasRequest) {
    await ctx.request.cleanup()
    const hooks = ctx.routeEntry?.teardown
    if (hooks) {
      for (const fn of hooks) {
        try {
          const rv = fn(error, ctx)
          if (isThenable(rv)) await rv
        } catch (err) {
          app.logger.error({ err }, 'A teardownRequest hook failed')
        }
      }
    }
    if (requestTearingDown.receiversCount > 0) requestTearingDown.send(app, { exc: error })
  }
  for (let i = app.teardownAppcontextFuncs.length - 1; i >= 0; i--) {
    try {
      const rv = app.teardownAppcontextFuncs[i]!(error, ctx)
      if (isThenable(rv)) await rv
    } catch (err) {
      app.logger.error({ err }, 'A teardownAppContext hook failed')
    }
  }
  if (appcontextTearingDown.receiversCount > 0) appcontextTearingDown.send(app, { exc: error })
  if (appcontextPopped.receiversCount > 0) appcontextPopped.send(app, {})
}
