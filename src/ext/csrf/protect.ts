/**
 * `CSRFProtect` (Flask-WTF's): checks a CSRF token on every unsafe request
 * before the view runs, with exemptions for views and blueprints.
 */
import { Blueprint, currentContext, type Context, type Phial, type Request } from 'phial'
import { applyCsrfDefaults } from './config.ts'
import { CSRFError } from './errors.ts'
import { checkReferrer } from './referrer.ts'
import { registerCsrfTemplateGlobal } from './template.ts'
import { validateCsrf } from './token.ts'

/**
 * Something {@link CSRFProtect.exempt} takes: a view function, a blueprint, or an endpoint name.
 *
 * @example
 * ```ts
 * const exemptions: CsrfExemptTarget[] = [webhook, apiBlueprint, 'payments.callback']
 * exemptions.forEach((t) => csrf.exempt(t))
 * ```
 */
export type CsrfExemptTarget = ((...args: never[]) => unknown) | Blueprint | string

/**
 * CSRF protection for an app (Flask-WTF's `CSRFProtect`). Once initialised,
 * every request whose method is in `WTF_CSRF_METHODS` (POST, PUT, PATCH,
 * DELETE) must carry a valid token — in the form field `csrf_token` or an
 * `X-CSRFToken` / `X-CSRF-Token` header — or it is refused with a
 * {@link CSRFError} (400). Over HTTPS the `Referer` must also name this host.
 * One instance serves many apps; its state is `app.extensions.csrf`.
 *
 * @example
 * ```ts
 * import { CSRFProtect } from 'phial/csrf'
 *
 * export const csrf = new CSRFProtect()
 * export function createApp() {
 *   const app = new Phial(import.meta.url)
 *   app.config.SECRET_KEY = process.env.SECRET_KEY!
 *   csrf.initApp(app)
 *   return app
 * }
 * // templates: <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
 * ```
 */
export class CSRFProtect {
  readonly #exemptViews = new Set<unknown>()
  readonly #exemptEndpoints = new Set<string>()
  readonly #exemptBlueprints = new Set<Blueprint>()

  /**
   * @example
   * ```ts
   * const csrf = new CSRFProtect(app)   // or new CSRFProtect() then csrf.initApp(app)
   * ```
   */
  constructor(app?: Phial) {
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Sets up an app: stores this instance in `app.extensions.csrf`, sets the
   * `WTF_CSRF_*` defaults, registers the `csrf_token()` template global and
   * the check that runs before each request.
   *
   * @example
   * ```ts
   * csrf.initApp(app)
   * ```
   */
  initApp(app: Phial): void {
    app.extensions.csrf = this
    applyCsrfDefaults(app.config)
    registerCsrfTemplateGlobal(app)
    const check = (ctx: Context): void => this.#beforeRequest(ctx)
    Object.defineProperty(check, 'name', { value: 'csrfProtect' })
    app.beforeRequest(check)
  }

  /**
   * Excludes a view function, a whole blueprint (and the blueprints nested
   * in it), or an endpoint name from the automatic check. Returns its
   * argument, so it wraps a view where it is defined.
   *
   * @example
   * ```ts
   * app.post('/webhook', csrf.exempt(function webhook() { return 'ok' }))
   * csrf.exempt(apiBlueprint)
   * csrf.exempt('payments.callback')
   * ```
   */
  exempt<T extends CsrfExemptTarget>(target: T): T {
    if (typeof target === 'string') this.#exemptEndpoints.add(target)
    else if (target instanceof Blueprint) this.#exemptBlueprints.add(target)
    else if (typeof target === 'function') this.#exemptViews.add(target)
    else throw new TypeError('csrf.exempt() takes a view function, a Blueprint or an endpoint name.')
    return target
  }

  /**
   * True when the request's view is exempt (its endpoint, its function, or
   * one of its blueprints).
   *
   * @example
   * ```ts
   * app.beforeRequest(() => { if (!csrf.isExempt(currentApp, request)) audit() })
   * ```
   */
  isExempt(app: Phial, request: Request): boolean {
    const endpoint = request.endpoint
    if (endpoint === null) return false
    if (this.#exemptEndpoints.has(endpoint)) return true
    if (this.#exemptViews.size > 0 && this.#exemptViews.has(app.viewFunctions[endpoint])) return true
    if (this.#exemptBlueprints.size > 0) {
      for (const name of request.blueprints) {
        const bp = app.blueprints.get(name)
        if (bp !== undefined && this.#exemptBlueprints.has(bp)) return true
      }
    }
    return false
  }

  /**
   * Checks the current request now: for a method in `WTF_CSRF_METHODS`, a
   * valid token and, over HTTPS with `WTF_CSRF_SSL_STRICT`, a same-host
   * referrer. Throws a {@link CSRFError}; on success sets `g.csrf_valid`.
   * Use it in views when `WTF_CSRF_CHECK_DEFAULT` is false. Does nothing when
   * `WTF_CSRF_ENABLED` is false.
   *
   * @example
   * ```ts
   * app.config.WTF_CSRF_CHECK_DEFAULT = false
   * app.post('/transfer', function transfer() { csrf.protect(); return doTransfer() })
   * ```
   */
  protect(ctx: Context = currentContext()): void {
    const app = ctx.app
    const config = app.config
    if (app.extensions.csrf === undefined) {
      throw new Error('CSRF protection is not set up for this app: call csrf.initApp(app) first.')
    }
    if (config.WTF_CSRF_ENABLED === false) return
    const request = ctx.request
    if (!config.WTF_CSRF_METHODS.includes(request.method)) return
    try {
      validateCsrf(this.#token(ctx))
      if (config.WTF_CSRF_SSL_STRICT && request.isSecure) checkReferrer(request)
    } catch (err) {
      if (err instanceof CSRFError) {
        app.logger.info({ requestId: request.id, reason: err.description }, `CSRF check failed: ${err.description}`)
      }
      throw err
    }
    ctx.g.csrf_valid = true
  }

  /** The token the client sent: the form field (or a field ending in its name), else a header. */
  #token(ctx: Context): string | null {
    const request = ctx.request
    const config = ctx.app.config
    const field = config.WTF_CSRF_FIELD_NAME
    const form = request.form
    const base = form.get(field)
    if (base) return base
    if (form.size > 0) {
      for (const [key, value] of form) if (value && key.endsWith(field)) return value
    }
    for (const name of config.WTF_CSRF_HEADERS) {
      const value = request.headers.get(name)
      if (value) return value
    }
    return null
  }

  #beforeRequest(ctx: Context): void {
    const config = ctx.app.config
    if (!config.WTF_CSRF_ENABLED || !config.WTF_CSRF_CHECK_DEFAULT) return
    const request = ctx.request
    if (!config.WTF_CSRF_METHODS.includes(request.method)) return
    if (request.endpoint === null || this.isExempt(ctx.app, request)) return
    this.protect(ctx)
  }
}
