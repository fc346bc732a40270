/**
 * `Resource` (Flask-RESTful's): a `MethodView` whose handlers return data,
 * with per-method decorators, representations and validated handlers.
 */
import type { Context, Response, RouteParams, ViewReturn } from 'phial'
import { HTTP_METHOD_FUNCS, MethodView, methodsOf, type ViewClass, type ViewDecorator } from 'phial/views'
import { validate } from './validate.ts'
import type { Operation, OperationHandler, OperationSpec } from './operation-types.ts'

/**
 * Turns returned data into a response for one media type (Flask-RESTful's
 * representation functions, e.g. `output_json`).
 *
 * @example
 * ```ts
 * const csv: Representation = (data, status, headers) =>
 *   new Response((data as string[][]).map((r) => r.join(',')).join('\n'), { status, headers, mimetype: 'text/csv' })
 * ```
 */
export type Representation = (data: unknown, status: number, headers: Record<string, string>) => Response

/**
 * The view arguments of a resource: a rule string gives the rule's typed
 * arguments (`'/todos/<int:id>'` → `{ id: number }`), an object type is
 * taken as is.
 *
 * @example
 * ```ts
 * type A = ResourceArgs<'/todos/<int:id>'>  // { id: number }
 * ```
 */
export type ResourceArgs<R> = R extends string ? RouteParams<R> : R

/**
 * Flask-RESTful's `Resource`: define `get`, `post`, `put`, `patch`,
 * `delete` returning data (`data`, `[data, status]`, `[data, status,
 * headers]`) and an `Api` turns it into a response for the client's media
 * type. Handlers are methods, as in Flask, or class fields made with
 * `this.validate(spec, handler)`, whose inputs are validated and typed from
 * their schemas. The type argument is the rule (or the view-argument type),
 * so `path` is typed too.
 *
 * Handlers declared as class fields are found by creating one instance
 * when the view is made (`asView`), so a resource's constructor should not
 * need a request.
 *
 * @example
 * ```ts
 * class TodoItem extends Resource<'/todos/<int:todoId>'> {
 *   get = this.validate({ responses: { 200: Todo } }, ({ path }) => findTodo(path.todoId))
 *   delete({ todoId }: { todoId: number }) { todos.delete(todoId); return ['', 204] }
 * }
 * api.addResource(TodoItem, '/todos/<int:todoId>')
 * ```
 */
export abstract class Resource<R = Record<string, unknown>> extends MethodView<ResourceArgs<R>> {
  /**
   * False: one instance, made when the view is made, serves every request
   * (its handlers, validated wrappers included, are built once). Set it to
   * true for a new instance per request, as Flask's views do, when a
   * resource keeps per-request state on `this`.
   */
  static override initEveryRequest = false
  /** Representations of this resource only, by media type (they win over the Api's). */
  static representations: Record<string, Representation> | null = null
  /** Decorators for every handler (a list), or per method (`{ get: [...], post: [...] }`). */
  static methodDecorators: readonly ViewDecorator[] | Readonly<Record<string, readonly ViewDecorator[]>> = []

  /**
   * A validated handler (see `validate`), with `path` typed from the
   * resource's rule. Write the handler as an arrow function to use the
   * instance as `this` with its own type (a `function` handler's `this` is
   * typed as the base `Resource`).
   *
   * @example
   * ```ts
   * post = this.validate({ body: NewTodo, responses: { 201: Todo } }, ({ body }) => [addTodo(body), 201])
   * ```
   */
  validate<S extends OperationSpec>(spec: S, handler: OperationHandler<NoInfer<S>, ResourceArgs<R>, Resource<R>>): Operation<ResourceArgs<R>> {
    return validate<S, ResourceArgs<R>, Resource<R>>(spec, handler)
  }

  /**
   * The methods of the rule: handlers on the prototype (as `MethodView`),
   * plus those an instance has as class fields.
   */
  static override resolveMethods(this: ViewClass, classArgs: unknown[] = []): readonly string[] | undefined {
    const fields = fieldHandlers(this, classArgs)
    const methods = methodsOf(this, fields.keys())
    if (!Object.hasOwn(this, 'methods') || this.methods == null) {
      Object.defineProperty(this, 'methods', { value: methods ?? null, writable: true, configurable: true, enumerable: true })
    }
    return methods
  }

  /** With `initEveryRequest = false`, the instance `resolveMethods` made to find the handlers serves the requests. */
  static takeInstance(this: Function, classArgs: unknown[]): object | null {
    return takeProbe(this, classArgs)
  }

  /** Calls the handler for the request's method through `methodDecorators`; what it returns goes to the Api. */
  override dispatchRequest(args: ResourceArgs<R>, ctx: Context): ViewReturn | Promise<ViewReturn> {
    const method = ctx.request.method
    const self = this as unknown as Record<string, unknown>
    let name = HANDLER_NAMES[method] ?? method.toLowerCase()
    if (typeof self[name] !== 'function' && method === 'HEAD') name = 'get'
    const handler = self[name]
    if (typeof handler !== 'function') {
      throw new Error(`Unimplemented method '${method}' in ${this.constructor.name}: add a ${method.toLowerCase()} handler.`)
    }
    const cls = this.constructor as typeof Resource
    const decorators = Array.isArray(cls.methodDecorators)
      ? (cls.methodDecorators as readonly ViewDecorator[])
      : ((cls.methodDecorators as Record<string, readonly ViewDecorator[]>)[name] ?? [])
    // no decorators (the usual case): a direct call, without a bound function per request
    if (decorators.length === 0) return (handler as (a: unknown, c: Context) => ViewReturn).call(this, args, ctx)
    let fn = (handler as (a: unknown, c: Context) => ViewReturn).bind(this) as (a: never, c: Context) => ViewReturn
    for (const decorator of decorators) fn = decorator(fn) as typeof fn
    return fn(args as never, ctx)
  }
}

/** The handler names of the usual methods (no lower-casing per request). */
const HANDLER_NAMES: Readonly<Record<string, string>> = { GET: 'get', HEAD: 'head', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete', OPTIONS: 'options' }

/** One probe per class: the arguments it was made with, the handlers found, and the instance until someone takes it. */
const probes = new WeakMap<Function, { args: unknown[]; handlers: Map<string, Function>; instance: object | null }>()

function sameArgs(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/**
 * The handlers declared as class fields of a resource class: found by
 * constructing it once with `classArgs` (an error there says why).
 *
 * @example
 * ```ts
 * fieldHandlers(TodoItem, []).has('get') // true
 * ```
 */
export function fieldHandlers(cls: Function, classArgs: unknown[]): Map<string, Function> {
  const found = probes.get(cls)
  if (found && sameArgs(found.args, classArgs)) return found.handlers
  let probe: Record<string, unknown>
  try {
    probe = new (cls as new (...args: unknown[]) => Record<string, unknown>)(...classArgs)
  } catch (err) {
    throw new Error(
      `${cls.name}: creating one instance to find its handlers failed (${err instanceof Error ? err.message : String(err)}). ` +
        "A resource's constructor runs when its view is made, outside any request: move request-dependent work into the handlers.",
      { cause: err },
    )
  }
  const handlers = new Map<string, Function>()
  for (const name of HTTP_METHOD_FUNCS) {
    if (Object.hasOwn(probe, name) && typeof probe[name] === 'function') handlers.set(name, probe[name] as Function)
  }
  probes.set(cls, { args: [...classArgs], handlers, instance: probe })
  return handlers
}

/** The probe instance made with these arguments, once (so a shared instance is not constructed twice). */
function takeProbe(cls: Function, classArgs: unknown[]): object | null {
  const found = probes.get(cls)
  if (!found || !sameArgs(found.args, classArgs) || found.instance === null) return null
  const instance = found.instance
  found.instance = null
  return instance
}
