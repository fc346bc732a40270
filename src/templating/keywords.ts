/**
 * Keyword arguments in templates. Nunjucks passes `f(a, b=1)` to a function
 * as `f(a, { b: 1, __keywords: true })`; these helpers split them off and map
 * them onto positional parameters.
 *
 * @module
 */

/**
 * The keyword arguments of a call, without the marker.
 *
 * @example
 * ```ts
 * const kw: Keywords = { attribute: 'name' }
 * ```
 */
export type Keywords = Record<string, unknown>

/**
 * True for the trailing keyword-arguments object of a template call.
 *
 * @example
 * ```ts
 * isKeywords({ id: 1, __keywords: true }) // true
 * ```
 */
export function isKeywords(value: unknown): value is Keywords {
  return typeof value === 'object' && value !== null && (value as { __keywords?: unknown }).__keywords === true
}

/**
 * Splits a call's arguments into positional ones and keyword ones.
 *
 * @example
 * ```ts
 * splitKeywords(['a', { b: 1, __keywords: true }]) // [['a'], { b: 1 }]
 * ```
 */
export function splitKeywords(args: readonly unknown[]): [unknown[], Keywords] {
  const last = args[args.length - 1]
  if (!isKeywords(last)) return [args.slice(), {}]
  const keywords: Keywords = {}
  for (const key of Object.keys(last)) if (key !== '__keywords') keywords[key] = last[key]
  return [args.slice(0, -1), keywords]
}

/**
 * Wraps a filter or test taking positional parameters so that it also
 * accepts them by their Jinja names: `x|sort(attribute='name')` calls
 * `sort(x, undefined, undefined, 'name')` when `params` is
 * `['reverse', 'case_sensitive', 'attribute']`.
 *
 * @example
 * ```ts
 * env.addFilter('sort', withKeywords('sort', env.getFilter('sort'), ['reverse', 'case_sensitive', 'attribute']))
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function withKeywords<F extends (...args: any[]) => unknown>(name: string, fn: F, params: readonly string[]): F {
  const wrapped = function (this: unknown, value: unknown, ...args: unknown[]): unknown {
    const last = args[args.length - 1]
    if (!isKeywords(last)) return (fn as unknown as (...a: unknown[]) => unknown).call(this, value, ...args)
    args.pop()
    for (const key of Object.keys(last)) {
      if (key === '__keywords') continue
      const at = params.indexOf(key)
      if (at === -1) {
        throw new TypeError(`'${name}' got an unexpected keyword argument '${key}' (it takes ${params.join(', ') || 'none'})`)
      }
      if (at < args.length && args[at] !== undefined) throw new TypeError(`'${name}' got multiple values for argument '${key}'`)
      while (args.length < at) args.push(undefined)
      args[at] = last[key]
    }
    return (fn as unknown as (...a: unknown[]) => unknown).call(this, value, ...args)
  }
  return wrapped as unknown as F
}
