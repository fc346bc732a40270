/**
 * `addView`: registers a class-based view with the methods and OPTIONS
 * setting it carries.
 */
import type { Blueprint, Phial, RouteOptions, View as ViewFunction } from 'phial'
import type { ClassView } from './view.ts'

/**
 * `scaffold.addUrlRule(rule, endpoint, view, options)` for a view made by
 * `asView`, taking the methods and `provideAutomaticOptions` from the view
 * unless `options` gives them — what Flask's `add_url_rule` does with a
 * class-based view. (Phial's own `addUrlRule` reads only `options`, so a
 * `MethodView` registered with it answers GET alone.)
 *
 * The rule's arguments must fit the view's: `'/users/<int:id>'` with a view
 * whose handlers take `{ id: string }` is a type error.
 *
 * @example
 * ```ts
 * addView(app, '/users/<int:id>', UserAPI.asView('user'))                  // the handlers' methods
 * addView(bp, '/users/', UserAPI.asView('users'), { methods: ['GET'] })    // narrowed
 * ```
 */
export function addView<R extends string>(
  scaffold: Phial | Blueprint,
  rule: R,
  view: ClassView<never> & ViewFunction<import('phial').RouteParams<R>>,
  options: RouteOptions = {},
): void {
  const methods = options.methods ?? view.methods
  const provide = options.provideAutomaticOptions ?? view.provideAutomaticOptions
  const merged: RouteOptions = { ...options }
  if (methods !== undefined) merged.methods = methods
  if (provide !== undefined) merged.provideAutomaticOptions = provide
  scaffold.addUrlRule(rule, options.endpoint ?? null, view as never, merged)
}
