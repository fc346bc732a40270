/**
 * `crossOrigin(options)(view)` (Flask-CORS's `@cross_origin`): CORS for one
 * view, without the extension.
 */
import { afterThisRequest, currentContext, type AppCore, type Context, type Response, type View } from 'phial'
import { corsOptionsFromConfig } from './config.ts'
import { applyCorsHeaders, compilePolicy, isPreflight, mergeCorsOptions, preflightResponse, type CorsPolicy } from './policy.ts'
import type { CorsOptions } from './types.ts'

/** Wrapped view → its policy per app (options over the app's `CORS_*` config). */
const policies = new WeakMap<object, (app: AppCore) => CorsPolicy>()

/**
 * The policy `crossOrigin` gave a view function, or null for another view.
 * The `CORS` extension uses it to answer a wrapped view's preflights itself.
 *
 * @example
 * ```ts
 * crossOriginPolicyFor(app, app.viewFunctions['api.items'])?.methodsHeader
 * ```
 */
export function crossOriginPolicyFor(app: AppCore, view: unknown): CorsPolicy | null {
  const lookup = typeof view === 'function' ? policies.get(view) : undefined
  return lookup === undefined ? null : lookup(app)
}

/**
 * Wraps a view so its responses carry the CORS headers `options` allow
 * (merged over the app's `CORS_*` config) — error responses raised inside
 * it too — and so it answers preflights without running. The wrapper keeps
 * the view's name, so the endpoint name does not change.
 *
 * A preflight (OPTIONS) reaches the wrapper only when the route lists
 * `'OPTIONS'` in its methods; otherwise Phial's automatic OPTIONS answer
 * (which carries no CORS headers) runs instead of the view, unless a `CORS`
 * extension is set up on the app, which answers it with these options.
 *
 * @example
 * ```ts
 * import { crossOrigin } from 'phial/cors'
 *
 * app.route('/api/items', { methods: ['GET', 'PUT', 'OPTIONS'] },
 *   crossOrigin({ origins: 'https://app.example.com', allowHeaders: ['Content-Type'] })(function items() {
 *     return { items: [] }
 *   }))
 * ```
 */
export function crossOrigin(options: CorsOptions = {}): <A>(view: View<A>) => View<A> {
  // validate now, so a bad option fails where it is written, not at the first request
  compilePolicy(mergeCorsOptions(options))
  return <A>(view: View<A>): View<A> => {
    const byApp = new WeakMap<AppCore, CorsPolicy>()
    const policyFor = (app: AppCore): CorsPolicy => {
      let policy = byApp.get(app)
      if (policy === undefined) {
        policy = compilePolicy(mergeCorsOptions(corsOptionsFromConfig(app.config), options))
        byApp.set(app, policy)
      }
      return policy
    }
    const wrapped = function (this: unknown, args: A, ctx: Context) {
      const context = ctx ?? currentContext()
      const policy = policyFor(context.app)
      const request = context.request
      if (policy.automaticOptions && isPreflight(request)) return preflightResponse(policy, request)
      afterThisRequest((response: Response) => {
        applyCorsHeaders(policy, request, response)
      })
      return view.call(this, args, context)
    } as View<A>
    Object.defineProperty(wrapped, 'name', { value: view.name })
    policies.set(wrapped, policyFor)
    return wrapped
  }
}
