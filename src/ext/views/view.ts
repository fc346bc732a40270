/**
 * `View`: Flask's pluggable class-based view, turned into a view function by
 * `asView(name, ...args)`.
 */
import { Response, type Context, type View as ViewFunction, type ViewReturn } from 'phial'
import type { ViewArgsOf } from './args.ts'

/**
 * A function that wraps a view function (a login check, a header, a cache),
 * as listed in a class's `decorators`.
 *
 * @example
 * ```ts
 * const addParachute: ViewDecorator = (view) => async (args, ctx) => {
 *   const response = makeResponse(await view(args, ctx))
 *   response.headers.set('X-Parachute', 'awesome')
 *   return response
 * }
 * ```
 */
// a method signature, so decorators written for any view-argument type fit (method parameters are bivariant)
export type ViewDecorator = { bivarianceHack(view: ViewFunction<never>): ViewFunction<never> }['bivarianceHack']

/**
 * The view function `asView` makes: a normal view (register it with
 * `addUrlRule`, `route`, `addView`) that also carries the class's settings,
 * as Flask's does (`view_class`, `methods`, `provide_automatic_options`).
 *
 * @example
 * ```ts
 * const view: ClassView<{ id: number }> = UserView.asView('user')
 * view.viewClass === UserView // true
 * view.methods                // ['GET', 'POST']
 * ```
 */
export interface ClassView<A = Record<string, unknown>> extends ViewFunction<A> {
  /** The class instantiated for each request; replace it to swap the implementation (tests, debugging). */
  viewClass: ViewClass
  /** The methods the view accepts (the rule's methods unless the route gives its own), or undefined for GET. */
  methods: readonly string[] | undefined
  /** Whether OPTIONS is answered automatically; undefined leaves it to `PROVIDE_AUTOMATIC_OPTIONS`. */
  provideAutomaticOptions: boolean | undefined
}

/**
 * Any class built on {@link View}.
 *
 * @example
 * ```ts
 * const classes: ViewClass[] = [Index, UserAPI]
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ViewClass = (new (...args: any[]) => View<any>) & ViewStatics

/** The settings every view class has (static members of {@link View}). */
interface ViewStatics {
  readonly methods?: readonly string[] | null
  readonly provideAutomaticOptions?: boolean | null
  readonly decorators: readonly ViewDecorator[]
  readonly initEveryRequest: boolean
  resolveMethods(classArgs?: unknown[]): readonly string[] | undefined
}

/**
 * Flask's `flask.views.View`: subclass it, implement `dispatchRequest(args,
 * ctx)`, and register `YourView.asView('name')`. A new instance serves each
 * request (unless `initEveryRequest` is false), so per-request state may live
 * on `this`.
 *
 * @example
 * ```ts
 * import { Phial, request } from 'phial'
 * import { View, addView } from 'phial/views'
 *
 * class Hello extends View {
 *   static override methods = ['GET', 'POST']
 *   dispatchRequest({ name }: { name: string }) {
 *     return `Hello ${name} (${request.method})`
 *   }
 * }
 * const app = new Phial(import.meta.url)
 * addView(app, '/hello/<name>', Hello.asView('hello'))
 * ```
 */
export abstract class View<A = Record<string, unknown>> {
  /** The methods this view handles (default: GET, as for function views). */
  static methods?: readonly string[] | null = null
  /** True or false forces automatic OPTIONS answers on or off; null leaves it to the app's config. */
  static provideAutomaticOptions?: boolean | null = null
  /** Wrapped around the view function when `asView` makes it, first one innermost. */
  static decorators: readonly ViewDecorator[] = []
  /**
   * True (the default): a new instance per request. False: one instance,
   * made by `asView`, serves every request — faster, but state on `this`
   * is then shared between requests.
   */
  static initEveryRequest = true

  /**
   * Answers the request; receives the rule's view arguments and the context,
   * returns what a view function returns.
   */
  abstract dispatchRequest(args: A, ctx: Context): ViewReturn | Promise<ViewReturn>

  /**
   * The methods the rule is registered with: `methods` as the class gives it.
   * `MethodView` computes them from its handlers instead; `classArgs` are
   * those given to `asView` (a `Resource` uses them to find handlers
   * declared as class fields).
   *
   * @example
   * ```ts
   * Index.resolveMethods() // ['GET', 'POST']
   * ```
   */
  static resolveMethods(this: ViewStatics, _classArgs?: unknown[]): readonly string[] | undefined {
    return this.methods ?? undefined
  }

  /**
   * Makes the view function for this class (Flask's `as_view`). `name` is its
   * endpoint; `classArgs` go to the constructor, for each request (or once,
   * with `initEveryRequest = false`). The class's `decorators` wrap it.
   *
   * @example
   * ```ts
   * class ListView extends View {
   *   constructor(readonly template: string) { super() }
   *   dispatchRequest() { return renderTemplate(this.template, { items: getItems() }) }
   * }
   * addView(app, '/users/', ListView.asView('users', 'users.html'))
   * ```
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  static asView<C extends new (...args: any[]) => View<any>>(
    this: C,
    name: string,
    ...classArgs: ConstructorParameters<C>
  ): ClassView<ViewArgsOf<InstanceType<C>>> {
    const cls = this as unknown as ViewClass
    if (typeof name !== 'string' || name === '') throw new TypeError('asView(name): the view needs a name, its endpoint.')
    // the final (decorated) function is read at call time, so replacing its viewClass takes effect, as in Flask
    let final: ClassView<never>
    let inner: ViewFunction<never>
    const methods = cls.resolveMethods(classArgs)
    if (cls.initEveryRequest) {
      inner = (args, ctx) => new final.viewClass(...classArgs).dispatchRequest(args, ctx)
    } else {
      // a class may hand over an instance it already made (a Resource's probe for its handlers)
      const instance = (cls as { takeInstance?: (args: unknown[]) => View<never> | null }).takeInstance?.(classArgs) ?? new cls(...classArgs)
      inner = (args, ctx) => instance.dispatchRequest(args, ctx)
    }
    const provide = cls.provideAutomaticOptions ?? undefined
    if (provide === true) inner = answerOptions(inner)
    let view: ViewFunction<never> = inner
    if (cls.decorators.length > 0) {
      nameFunction(view, name)
      for (const decorator of cls.decorators) view = decorator(view)
    }
    final = view as ClassView<never>
    nameFunction(final, name)
    final.viewClass = cls
    final.methods = methods
    final.provideAutomaticOptions = provide
    return final as unknown as ClassView<ViewArgsOf<InstanceType<C>>>
  }
}

function nameFunction(fn: object, name: string): void {
  Object.defineProperty(fn, 'name', { value: name, configurable: true })
}

/**
 * Flask answers OPTIONS itself for a view with `provide_automatic_options =
 * True`, even when OPTIONS is among its methods; the core only does so when
 * OPTIONS is not, so the view answers it here the same way.
 */
function answerOptions(view: ViewFunction<never>): ViewFunction<never> {
  return (args, ctx) => {
    if (ctx.request.method !== 'OPTIONS') return view(args, ctx)
    const response = new Response('')
    response.headers.set('allow', ctx.app.urlMap.allowedMethods(ctx.request.path).join(', '))
    return response
  }
}
