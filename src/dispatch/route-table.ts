/**
 * Per-rule hook chains, computed once when the app starts serving (Fastify's
 * model): each list is in call order, or null when empty, so a request does
 * no lookups by blueprint name. Compiling marks the end of setup.
 *
 * @module
 */
import type { AppCore } from '../core/app-core.ts'
import type { RouteEntry, RouteTable } from '../core/route-entry.ts'
import { blueprintChain } from '../routing/endpoint.ts'
import type { Rule } from '../routing/index.ts'
import type { Scope, ScopedLists } from '../core/scaffold.ts'

/** App first, then blueprints from the outermost in (hooks that run before the view). */
function outerFirst<T>(lists: ScopedLists<T>, blueprints: readonly string[]): T[] | null {
  if (blueprints.length === 0) {
    // the app's alone (no route, or a route outside blueprints): phial/socketio's context per event lands here
    const list = lists.get(null)
    return list && list.length ? [...list] : null
  }
  const out: T[] = []
  const scopes: Scope[] = [null, ...[...blueprints].reverse()]
  for (const scope of scopes) {
    const list = lists.get(scope)
    if (list) out.push(...list)
  }
  return out.length ? out : null
}

/** Innermost blueprint first, each list last-registered first, then the app (hooks after the view). */
function innerFirstReversed<T>(lists: ScopedLists<T>, blueprints: readonly string[]): T[] | null {
  if (blueprints.length === 0) {
    const list = lists.get(null)
    return list && list.length ? [...list].reverse() : null
  }
  const out: T[] = []
  const scopes: Scope[] = [...blueprints, null]
  for (const scope of scopes) {
    const list = lists.get(scope)
    if (list) out.push(...[...list].reverse())
  }
  return out.length ? out : null
}

/** The scopes of an entry outside blueprints, shared (the entry's lists are read-only). */
const NO_BLUEPRINTS: readonly string[] = Object.freeze([])
const APP_SCOPE: readonly Scope[] = Object.freeze([null])

function entryFor(app: AppCore, endpoint: string | null, rule: Rule | null): RouteEntry {
  const dot = endpoint === null ? -1 : endpoint.lastIndexOf('.')
  const blueprints = dot === -1 ? NO_BLUEPRINTS : blueprintChain(endpoint!.slice(0, dot))
  const meta = rule ? app.ruleSettings.get(rule) : undefined
  return {
    endpoint,
    view: endpoint === null ? null : (app.viewFunctions[endpoint] ?? null),
    blueprints,
    errorScopes: blueprints.length === 0 ? APP_SCOPE : [...blueprints, null],
    preprocessors: outerFirst(app.urlValuePreprocessors, blueprints),
    before: outerFirst(app.beforeRequestFuncs, blueprints),
    after: innerFirstReversed(app.afterRequestFuncs, blueprints),
    teardown: innerFirstReversed(app.teardownRequestFuncs, blueprints),
    streamBody: meta?.streamBody ?? false,
    provideAutomaticOptions: meta?.provideAutomaticOptions ?? false,
  }
}

/**
 * Compiles the table for every rule of the app's URL map.
 *
 * @example
 * ```ts
 * const table = compileRouteTable(app)
 * table.noRoute.before // the app-level beforeRequest hooks, or null
 * ```
 */
export function compileRouteTable(app: AppCore): RouteTable {
  const byRule = new Map<Rule, RouteEntry>()
  for (const rule of app.urlMap.rules()) byRule.set(rule, entryFor(app, rule.endpoint, rule))
  return { byRule, noRoute: entryFor(app, null, null) }
}

/**
 * The app's compiled table, compiled on first use: from then on the app's
 * setup methods throw (Flask's `_got_first_request`).
 *
 * @example
 * ```ts
 * routeTableOf(app).noRoute.before // the app-level beforeRequest hooks, or null
 * ```
 */
export function routeTableOf(app: AppCore): RouteTable {
  return app.routeTable ?? (app.routeTable = compileRouteTable(app))
}

/**
 * The hook chains for `rule` (null: no route) without compiling the table
 * when it is not compiled yet, so a context made outside dispatch
 * (`testRequestContext`) runs the rule's `teardownRequest` hooks without
 * closing the app's setup.
 *
 * @example
 * ```ts
 * ctx.routeEntry = routeEntryFor(app, request.urlRule)
 * ```
 */
export function routeEntryFor(app: AppCore, rule: Rule | null): RouteEntry {
  const table = app.routeTable
  if (table) return (rule && table.byRule.get(rule)) || table.noRoute
  return entryFor(app, rule?.endpoint ?? null, rule)
}
