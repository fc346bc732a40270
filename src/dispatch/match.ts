/**
 * Routing a request (Flask's `match_request`): the URL map's answer is
 * written onto the request, and the matched rule's hook chains onto the
 * context. A routing error (404, 405, redirect) is kept and raised where the
 * view would run, so that `beforeRequest` hooks still see the request.
 *
 * @module
 */
import type { Context } from '../core/context.ts'
import type { RouteEntry } from '../core/route-entry.ts'
import { allowedMethodsFor, matchRequestUrl } from '../core/url-for.ts'
import { MethodNotAllowed, NotFound } from '../http/exceptions.ts'
import { RequestRedirect } from '../http/redirect.ts'
import type { Request } from '../http/request.ts'
import { Response } from '../http/response.ts'
import type { MatchResult } from '../routing/index.ts'
import { routeTableOf } from './route-table.ts'

/** Stores a successful match on the request (also used by `testRequestContext`, which dispatches nothing). */
export function bindMatch(request: Request, result: MatchResult): void {
  if (result.kind !== 'match') return
  request.urlRule = result.rule
  request.endpoint = result.rule.endpoint
  request.viewArgs = result.args
}

/** Matches the request's path, stores the result, and sets (and returns) `ctx.routeEntry`. */
export function matchRequest(ctx: Context): RouteEntry {
  const app = ctx.app
  const request = ctx.request
  const table = routeTableOf(app)
  if (app.config.TRUSTED_HOSTS) {
    // as Flask: every request's host is checked, and a bad one is a 400 raised where the view would run
    try {
      void request.host
    } catch (err) {
      request.routingException = err as Error
      return (ctx.routeEntry = table.noRoute)
    }
  }
  const result = matchRequestUrl(app, request)
  if (result.kind === 'match') {
    bindMatch(request, result)
    return (ctx.routeEntry = table.byRule.get(result.rule) ?? table.noRoute)
  }
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
  return (ctx.routeEntry = table.noRoute)
}

/** The automatic answer to OPTIONS (Flask's `make_default_options_response`): 200 with `Allow`. */
export function makeDefaultOptionsResponse(ctx: Context): Response {
  const response = new Response('')
  response.headers.set('allow', allowedMethodsFor(ctx.app, ctx.request).join(', '))
  return response
}
