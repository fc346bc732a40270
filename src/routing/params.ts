/**
 * Types of view arguments, computed from a rule string literal.
 *
 * @module
 */

/**
 * The value type each converter produces. Extend it by declaration merging
 * when you register a converter:
 *
 * @example
 * ```ts
 * declare module 'phial' {
 *   interface ConverterTypes { list: string[] }
 * }
 * app.urlMap.converters.list = ListConverter
 * app.get('/tags/<list:tags>', ({ tags }) => tags.join(', ')) // tags: string[]
 * ```
 */
export interface ConverterTypes {
  default: string
  string: string
  int: number
  float: number
  path: string
  uuid: string
  any: string
}

/** The text inside each `<...>` of a rule, as a union. */
type Placeholders<R extends string> = R extends `${string}<${infer Inside}>${infer Rest}`
  ? Inside | Placeholders<Rest>
  : never

/** The variable name: what follows the last `:`. */
type ParamName<S extends string> = S extends `${string}:${infer Rest}` ? ParamName<Rest> : S

/** The converter name: before the first `(` or `:`, `default` when none. */
type ConverterName<S extends string> = S extends `${infer Head}:${string}`
  ? Head extends `${infer Name}(${string}`
    ? Name
    : Head
  : 'default'

/** The value type of one placeholder; unknown converters give `string`. */
type ParamType<S extends string> =
  ConverterName<S> extends keyof ConverterTypes ? ConverterTypes[ConverterName<S>] : string

/**
 * The view arguments of a rule: `'/u/<int:id>/<path:rest>'` gives
 * `{ id: number; rest: string }`, `'<name>'` a `string`, a rule without
 * variables `Record<string, never>`, and a non-literal `string`
 * `Record<string, unknown>`.
 *
 * @example
 * ```ts
 * type P = RouteParams<'/post/<int(min=1):id>/<slug>'> // { id: number; slug: string }
 * const view = (args: P) => `${args.slug} #${args.id}`
 * ```
 */
export type RouteParams<R extends string> = string extends R
  ? Record<string, unknown>
  : [Placeholders<R>] extends [never]
    ? Record<string, never>
    : { [S in Placeholders<R> as ParamName<S>]: ParamType<S> }
