/**
 * Endpoint names: the name of a view function, and the blueprint chain a
 * dotted endpoint belongs to.
 *
 * @module
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

/** The blueprint names of a blueprint's chain, innermost first. */
export function blueprintChain(blueprint: string | null): string[] {
  if (blueprint === null) return []
  const chain = [blueprint]
  let name = blueprint
  let dot = name.lastIndexOf('.')
  while (dot !== -1) {
    name = name.slice(0, dot)
    chain.push(name)
    dot = name.lastIndexOf('.')
  }
  return chain
}
