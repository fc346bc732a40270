/**
 * `MethodView`: a class-based view that dispatches each request method to
 * the method of the same name (`get`, `post`, …).
 */
import type { Context, ViewReturn } from 'phial'
import { HTTP_METHOD_FUNCS } from './args.ts'
import { View, type ViewClass } from './view.ts'

/**
 * One handler of a method view: view arguments and context in, a view's
 * return value out.
 *
 * @example
 * ```ts
 * const get: MethodHandler<{ id: number }> = ({ id }) => ({ id })
 * ```
 */
export type MethodHandler<A = Record<string, unknown>> = (args: A, ctx: Context) => ViewReturn | Promise<ViewReturn>

/**
 * The methods a method-view class handles, as Flask's `MethodViewType`
 * computes them: the class's own `methods` if it sets them; otherwise its
 * parent's, plus one for each handler it has (inherited ones included) and
 * each name in `extraHandlers`. Undefined when there are none.
 *
 * @example
 * ```ts
 * class Base extends MethodView { static override methods = ['GET', 'PROPFIND'] }
 * class Child extends Base { delete() { return '' } }
 * methodsOf(Child) // ['DELETE', 'GET', 'PROPFIND']
 * ```
 */
export function methodsOf(cls: Function, extraHandlers: Iterable<string> = []): string[] | undefined {
  const extra = [...extraHandlers]
  if (Object.hasOwn(cls, 'methods')) {
    const own = (cls as { methods?: Iterable<string> | null }).methods
    if (own != null) return [...new Set([...own].map((m) => m.toUpperCase()))].sort()
  }
  const found = new Set<string>()
  const parent = Object.getPrototypeOf(cls) as Function
  if (parent.prototype instanceof MethodView) {
    for (const m of methodsOf(parent) ?? []) found.add(m)
  }
  const proto = cls.prototype as Record<string, unknown>
  for (const name of HTTP_METHOD_FUNCS) if (typeof proto[name] === 'function') found.add(name.toUpperCase())
  for (const name of extra) found.add(name.toUpperCase())
  return found.size > 0 ? [...found].sort() : undefined
}

/**
 * Flask's `flask.views.MethodView`: define `get`, `post`, `put`, `patch`,
 * `delete` (any HTTP method, lower-case) and each request goes to the one
 * for its method. HEAD uses `get` unless there is a `head`. The rule's
 * methods come from the handlers, subclasses inherit them, and a subclass
 * may narrow them by setting `methods`.
 *
 * @example
 * ```ts
 * import { Phial } from 'phial'
 * import { MethodView, addView } from 'phial/views'
 *
 * let counter = 0
 * class CounterAPI extends MethodView {
 *   get() { return String(counter) }
 *   post() { counter += 1; return 'OK' }
 * }
 * const app = new Phial(import.meta.url)
 * addView(app, '/counter', CounterAPI.asView('counter'))   // GET, HEAD, POST, OPTIONS
 * ```
 */
export abstract class MethodView<A = Record<string, unknown>> extends View<A> {
  /**
   * The methods the rule gets ({@link methodsOf} this class). They are also
   * stored on the class as `methods`, as Flask's metaclass does, so
   * `UserAPI.methods` reads them.
   */
  static override resolveMethods(this: ViewClass): readonly string[] | undefined {
    const methods = methodsOf(this)
    if (!Object.hasOwn(this, 'methods') || this.methods == null) {
      Object.defineProperty(this, 'methods', { value: methods ?? null, writable: true, configurable: true, enumerable: true })
    }
    return methods
  }

  /** Calls the handler named after the request's method (`get` for HEAD when there is no `head`). */
  dispatchRequest(args: A, ctx: Context): ViewReturn | Promise<ViewReturn> {
    const method = ctx.request.method
    const self = this as unknown as Record<string, unknown>
    let handler = self[method.toLowerCase()]
    if (handler === undefined && method === 'HEAD') handler = self.get
    if (typeof handler !== 'function') {
      throw new Error(`Unimplemented method '${method}' in ${this.constructor.name}: add a ${method.toLowerCase()}() handler.`)
    }
    return (handler as MethodHandler<A>).call(this, args, ctx)
  }
}
