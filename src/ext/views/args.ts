/**
 * The view-argument types of class-based views, inferred from their methods.
 */

/**
 * The handler names a `MethodView` looks for (Flask's `http_method_funcs`).
 *
 * @example
 * ```ts
 * HTTP_METHOD_FUNCS.includes('patch') // true
 * ```
 */
export const HTTP_METHOD_FUNCS = ['get', 'post', 'head', 'options', 'delete', 'put', 'trace', 'patch'] as const

/** One of {@link HTTP_METHOD_FUNCS}. */
export type HttpMethodFunc = (typeof HTTP_METHOD_FUNCS)[number]

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never

type FirstParam<F> = F extends (args: infer A, ...rest: never[]) => unknown ? A : never

type HandlerArgs<I> = { [M in HttpMethodFunc & keyof I]: FirstParam<I[M]> }[HttpMethodFunc & keyof I]

/**
 * The view arguments a view class's instances take: for a class with
 * handlers (`get`, `post`, …) what all of them accept together; otherwise
 * the first parameter of `dispatchRequest`. Registering the view on a rule
 * whose arguments do not fit is then a type error, as for function views.
 *
 * @example
 * ```ts
 * class UserAPI extends MethodView {
 *   get({ id }: { id: number }) { return { id } }
 *   delete({ id }: { id: number }) { return ['', 204] }
 * }
 * type A = ViewArgsOf<UserAPI>   // { id: number }
 * ```
 */
export type ViewArgsOf<I> = [HandlerArgs<I>] extends [never]
  ? I extends { dispatchRequest(args: infer A, ...rest: never[]): unknown }
    ? A
    : never
  : UnionToIntersection<HandlerArgs<I>>
