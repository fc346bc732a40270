/**
 * `loginRequired` and `freshLoginRequired`: view wrappers that are also
 * `beforeRequest` guards (for a whole blueprint) and items of a class-based
 * view's `decorators`.
 */
import { Context, currentContext, type ViewReturn } from 'phial'
import { loginFresh } from './actions.ts'
import { andThen, isThenable, loadUser, loginManagerOf } from './state.ts'
import { isAuthenticatedUser } from './user.ts'

/** OPTIONS (CORS preflight) never needs a login, as in Flask-Login. */
const EXEMPT_METHODS = new Set(['OPTIONS'])

type AnyView = (...args: any[]) => unknown

/** `undefined` when the request may go on, else the response that refuses it (maybe a promise). */
function check(ctx: Context, fresh: boolean): unknown {
  if (EXEMPT_METHODS.has(ctx.request.method) || ctx.app.config.LOGIN_DISABLED) return undefined
  return andThen(loadUser(ctx), (user) => {
    const manager = loginManagerOf(ctx.app)
    if (!isAuthenticatedUser(user)) return manager.unauthorized(ctx)
    if (fresh && !loginFresh()) return manager.needsRefresh(ctx)
    return undefined
  })
}

function guarded<V extends AnyView>(view: V, fresh: boolean): V {
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    // a view gets (args, ctx); anything else wrapped (a class-based view's function) finds the context itself
    const given = args[1]
    const ctx = given instanceof Context ? given : currentContext()
    const refused = check(ctx, fresh)
    if (refused === undefined) return view.apply(this, args)
    if (isThenable(refused)) {
      return Promise.resolve(refused).then((rv) => (rv === undefined ? view.apply(this, args) : rv))
    }
    return refused
  }
  // the endpoint defaults to the view's name: keep it
  Object.defineProperty(wrapped, 'name', { value: view.name, configurable: true })
  return wrapped as unknown as V
}

/**
 * Protects a view: a request without a logged-in user gets
 * `loginManager.unauthorized()` (a redirect to `loginView` with `next`, or a
 * 401). Wrap a view, use it as a blueprint's `beforeRequest` guard, or list it
 * in a class-based view's `decorators`. OPTIONS requests and
 * `LOGIN_DISABLED` pass.
 *
 * @example
 * ```ts
 * app.get('/settings', loginRequired(function settings() { return renderTemplate('settings.html') }))
 * admin.beforeRequest(loginRequired)                 // the whole blueprint
 * class Dashboard extends MethodView { static decorators = [loginRequired] }
 * ```
 */
export function loginRequired<V extends AnyView>(view: V): V
export function loginRequired(ctx: Context): ViewReturn | void | Promise<ViewReturn | void>
export function loginRequired(target: AnyView | Context): unknown {
  if (typeof target === 'function') return guarded(target, false)
  return check(target, false)
}

/**
 * Like {@link loginRequired}, and also refuses a login restored from the
 * remember-me cookie with `loginManager.needsRefresh()` (a redirect to
 * `refreshView`, or a 401): for changing a password or an e-mail address.
 *
 * @example
 * ```ts
 * app.post('/password', freshLoginRequired(async function password() { ... }))
 * ```
 */
export function freshLoginRequired<V extends AnyView>(view: V): V
export function freshLoginRequired(ctx: Context): ViewReturn | void | Promise<ViewReturn | void>
export function freshLoginRequired(target: AnyView | Context): unknown {
  if (typeof target === 'function') return guarded(target, true)
  return check(target, true)
}
