/**
 * Errors raised while handling a request, in Flask's order:
 * `handleUserException` gives an error to its registered handler (HTTP
 * errors without one render themselves); `handleException` is the last
 * resort for the rest (log, debug page, propagate, or the 500 handler).
 *
 * Handlers are looked up by status code, then among code-less handlers;
 * within each, blueprint scopes innermost first, then the app; and within a
 * scope, along the error's class chain.
 *
 * @module
 */
import type { AppCore } from '../core/app-core.ts'
import type { Context } from '../core/context.ts'
import type { Scope } from '../core/scaffold.ts'
import type { ErrorClass, ErrorHandler } from '../core/types.ts'
import { BadRequest, BadRequestKeyError, HTTPException, InternalServerError } from '../http/exceptions.ts'
import { RequestRedirect } from '../http/redirect.ts'
import type { Response } from '../http/response.ts'
import { gotRequestException } from '../signals.ts'
import { renderDebugPage } from './debug-page.ts'
import { finalizeRequest } from './finalize.ts'

function classChain(err: unknown): ErrorClass[] {
  const chain: ErrorClass[] = []
  if (err === null || (typeof err !== 'object' && typeof err !== 'function')) return chain
  let proto = Object.getPrototypeOf(err) as { constructor?: ErrorClass } | null
  while (proto !== null && proto !== Object.prototype) {
    if (Object.hasOwn(proto, 'constructor') && proto.constructor) chain.push(proto.constructor)
    proto = Object.getPrototypeOf(proto)
  }
  return chain
}

/**
 * The handler for `err` in the given scopes, or null.
 *
 * @example
 * ```ts
 * findErrorHandler(app, new NotFound(), ['admin', null])
 * ```
 */
export function findErrorHandler(app: AppCore, err: unknown, scopes: readonly Scope[]): ErrorHandler<never> | null {
  const spec = app.errorHandlerSpec
  if (spec.size === 0) return null
  const code = err instanceof HTTPException ? err.code : null
  const codes = code === null ? [null] : [code, null]
  let chain: ErrorClass[] | null = null
  for (const c of codes) {
    for (let s = 0; s < scopes.length; s++) {
      const byClass = spec.get(scopes[s]!)?.get(c)
      if (!byClass) continue
      chain ??= classChain(err)
      for (const cls of chain) {
        const handler = byClass.get(cls)
        if (handler) {
          if (c !== null && s > 0 && app.debug) warnIfShadowed(app, chain, scopes, s, c)
          return handler
        }
      }
    }
  }
  return null
}

const warned = new WeakMap<AppCore, Set<string>>()

/**
 * In debug mode, says once when a blueprint's class handler (say
 * `api.errorHandler(HTTPException, …)`) loses to an outer handler for the
 * status code (say `app.errorHandler(404, …)`): Flask's order, by code
 * before class across all scopes, which surprises a JSON API blueprint.
 */
function warnIfShadowed(app: AppCore, chain: readonly ErrorClass[], scopes: readonly Scope[], found: number, code: number): void {
  for (let s = 0; s < found; s++) {
    const inner = scopes[s]!
    const byClass = app.errorHandlerSpec.get(inner)?.get(null)
    const cls = byClass && chain.find((c) => byClass.has(c))
    if (!cls) continue
    const key = `${inner}|${code}|${cls.name}`
    let seen = warned.get(app)
    if (!seen) warned.set(app, (seen = new Set()))
    if (seen.has(key)) return
    seen.add(key)
    const outer = scopes[found] === null ? 'app' : `blueprint '${scopes[found]}'`
    app.logger.warn(
      `The blueprint '${inner}' has errorHandler(${cls.name}), but a ${code} is handled by the ${outer}'s errorHandler(${code}): ` +
        'handlers are looked up by status code first, in every scope, then by class (as in Flask). ' +
        `Register ${inner}.errorHandler(${code}, …) as well, or handle ${cls.name} at the app level and branch on request.blueprint.`,
    )
    return
  }
}

/**
 * Whether an HTTP error is treated as an unhandled error (Flask's
 * `trap_http_exception`): every one with `TRAP_HTTP_EXCEPTIONS`; every
 * `BadRequest` with `TRAP_BAD_REQUEST_ERRORS`; and when that key is unset
 * (null), a missing-key error in debug mode, so the developer sees which key
 * the form lacked instead of a bare 400.
 */
function trapHttpException(app: AppCore, err: HTTPException): boolean {
  const config = app.config
  if (config.TRAP_HTTP_EXCEPTIONS) return true
  const trapBadRequest = config.TRAP_BAD_REQUEST_ERRORS
  if (trapBadRequest == null) return app.debug && err instanceof BadRequestKeyError
  return trapBadRequest && err instanceof BadRequest
}

/**
 * HTTP errors go to their handler or render themselves (a redirect always
 * does); other errors go to a handler or on to {@link handleException}.
 */
export async function handleUserException(ctx: Context, err: unknown): Promise<unknown> {
  const app = ctx.app
  const scopes = ctx.routeEntry!.errorScopes
  if (err instanceof BadRequestKeyError && (app.debug || app.config.TRAP_BAD_REQUEST_ERRORS)) err.showException = true
  if (err instanceof HTTPException && !trapHttpException(app, err)) {
    if (err instanceof RequestRedirect) return err
    const handler = findErrorHandler(app, err, scopes)
    if (handler === null) return err
    return handler(err as never, ctx)
  }
  const handler = findErrorHandler(app, err, scopes)
  if (handler === null) throw err
  return handler(err as never, ctx)
}

/**
 * The last resort: a propagated error (`PROPAGATE_EXCEPTIONS`, or `TESTING`),
 * else log, then the debug page (`DEBUG`) or the 500 handler.
 */
export async function handleException(ctx: Context, err: unknown): Promise<Response> {
  const app = ctx.app
  ctx.error = err
  if (gotRequestException.receiversCount > 0) gotRequestException.send(app, { exception: err })
  const config = app.config
  const propagate = config.PROPAGATE_EXCEPTIONS ?? (config.TESTING || config.DEBUG)
  const request = ctx.request
  // Flask raises whenever `propagate` holds, and its debugger (middleware)
  // renders what reaches it. Phial's debug page stands in for that middleware
  // only when DEBUG alone asked for propagation: TESTING, or an explicit
  // PROPAGATE_EXCEPTIONS, means the caller (a test, a host) wants the error.
  if (propagate && (!config.DEBUG || config.PROPAGATE_EXCEPTIONS === true || config.TESTING)) throw err
  app.logger.error({ err, requestId: request.id }, `Exception on ${request.path} [${request.method}]`)
  if (propagate) return renderDebugPage(err, ctx)
  const serverError = new InternalServerError(undefined, { originalError: err })
  let rv: unknown = serverError
  const handler = findErrorHandler(app, serverError, ctx.routeEntry!.errorScopes)
  if (handler !== null) {
    try {
      rv = await handler(serverError as never, ctx)
    } catch (handlerError) {
      app.logger.error({ err: handlerError, requestId: request.id }, 'The 500 error handler failed')
      rv = serverError
    }
  }
  try {
    return await finalizeRequest(ctx, rv, true)
  } catch (finalError) {
    app.logger.error({ err: finalError, requestId: request.id }, 'The 500 error handler returned an invalid response')
    return finalizeRequest(ctx, serverError, true)
  }
}
