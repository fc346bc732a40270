/**
 * Endpoint names from view functions.
 */

/**
 * The endpoint of a view: its function name. An anonymous view has none and
 * must be given `endpoint`.
 *
 * @example
 * ```ts
 * endpointFromView(function index() { return 'hi' }, '/') // 'index'
 * ```
 */
export function endpointFromView(view: { name: string }, rule: string): string {
  const name = view.name.startsWith('bound ') ? view.name.slice(6) : view.name
  if (!name) {
    throw new Error(
      `The view for rule '${rule}' is an anonymous function, so it has no endpoint name. ` +
        "Pass { endpoint: 'name' } in the route options, or use a named function (function index() {...}).",
    )
  }
  return name
}
