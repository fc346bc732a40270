/**
 * Request handling in Flask's order: routing, body, `urlValuePreprocessor`,
 * `beforeRequest`, the view, error handlers, `afterRequest`, the session, and
 * teardown. Awaits happen only where a hook or view returned a promise.
 */
import type { Phial } from './app.ts'
import type { Context } from './context.ts'
import { HTTPException, InternalServerError, MethodNotAllowed, NotFound } from './http/exceptions.ts'
import { RequestRedirect } from './http/redirect.ts'
import { Response } from './http/response.ts'
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
} from './signals.ts'
import { findErrorHandler } from './error-handlers.ts'
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

/** `urlValuePreprocessor` then `beforeRequest` hooks; the first value a hook returns. */
async function preprocess(ctx: Context, entry: RouteEntry): Promise<unknown> {
  const request = ctx.request
  if (entry.preprocessors !== null) {
    for (const fn of entry.preprocessors) fn(request.endpoint, request.viewArgs)
  }
  if (entry.before !== null) {
    for (const fn of entry.before) {
      let rv: unknown = fn(ctx)
      if (isThenable(rv)) rv = await rv
      if (rv !== undefined && rv !== null) return rv
    }
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

/** `afterThisRequest` functions, `afterRequest` hooks, then the session. */
async function processResponse(app: Phial, ctx: Context, entry: RouteEntry, response: Response): Promise<Response> {
  if (ctx.afterThisRequest !== null) {
    for (const fn of ctx.afterThisRequest) {
      let rv: unknown = fn(response)
      if (isThenable(rv)) rv = await rv
      if (rv instanceof Response) response = rv
    }
  }
  if (entry.after !== null) {
    for (const fn of entry.after) {
      let rv: unknown = fn(response, ctx)
      if (isThenable(rv)) rv = await rv
      if (rv instanceof Response) response = rv
      else if (rv !== undefined) {
        throw new TypeError(`An afterRequest hook (${fn.name || 'anonymous'}) returned ${typeof rv}; return the Response or nothing.`)
      }
    }
  }
  const session = ctx.sessionData
  if (session !== null && !app.sessionInterface.isNullSession(session)) {
    const saved = app.sessionInterface.saveSession(app, session, response)
    if (isThenable(saved)) await saved
  }
  return response
}

/** Makes the response and post-processes it. Errors while handling an error are logged, not raised. */
async function finalize(app: Phial, ctx: Context, entry: RouteEntry, rv: unknown, fromErrorHandler: boolean): Promise<Response> {
  let response = toResponse(rv, entry.endpoint ?? 'error handler', ctx.request.wantsJson)
  try {
    response = await processResponse(app, ctx, entry, response)
    if (requestFinished.receiversCount > 0) requestFinished.send(app, { response })
  } catch (err) {
    if (!fromErrorHandler) throw err
    app.logger.error({ err, requestId: ctx.request.id }, 'Request finalizing failed with an error while handling an error')
  }
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
export async function handleRequest(app: Phial, ctx: Context): Promise<Response> {
  const entry = matchRequest(app, ctx)
  ctx.routeEntry = entry
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
