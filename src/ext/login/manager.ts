/**
 * `LoginManager` (Flask-Login's): the settings and callbacks of logging in,
 * shared by any number of apps.
 */
import { abort, currentContext, flash, redirect, type Context, type Phial, type Request, type ViewReturn } from 'phial'
import { applyLoginDefaults, type SessionProtectionMode } from './config.ts'
import { registerLoginHooks } from './hooks.ts'
import { loadRequestUser, type MaybeUser } from './load.ts'
import { sessionIdentifier } from './protection.ts'
import { expandLoginView, loginUrl, makeNextParam } from './safe-url.ts'
import { userNeedsRefresh, userUnauthorized } from './signals.ts'
import type { AppUser } from './user.ts'
import { AnonymousUserMixin } from './user.ts'

/**
 * Loads a user from the id kept in the session or the remember-me cookie;
 * returns null (or undefined) when the user no longer exists.
 *
 * @example
 * ```ts
 * const loader: UserLoader = async (id) => db.users.findOneBy({ id: Number(id) })
 * ```
 */
export type UserLoader = (id: string) => AppUser | MaybeUser | Promise<AppUser | MaybeUser>

/**
 * Loads a user from the request itself (an API key, a token); null when the
 * request carries none.
 *
 * @example
 * ```ts
 * const byApiKey: RequestLoader = (request) => users.byKey(request.headers.get('x-api-key') ?? '')
 * ```
 */
export type RequestLoader = (request: Request) => AppUser | MaybeUser | Promise<AppUser | MaybeUser>

/**
 * Options of the {@link LoginManager} constructor.
 *
 * @example
 * ```ts
 * new LoginManager(app, { addContextProcessor: false })
 * ```
 */
export interface LoginManagerOptions {
  /** Add `current_user` to every template (default true). */
  addContextProcessor?: boolean
}

/**
 * Flask-Login's `LoginManager`. Set `userLoader`, then log users in with
 * `loginUser`, protect views with `loginRequired`, and read `currentUser`.
 * One instance serves many apps; it lives in `app.extensions.login`.
 *
 * @example
 * ```ts
 * import { LoginManager } from 'phial/login'
 *
 * export const login = new LoginManager()
 * login.loginView = 'auth.login'
 * login.userLoader((id) => users.get(id))
 *
 * export function createApp() {
 *   const app = new Phial(import.meta.url)
 *   app.config.SECRET_KEY = process.env.SECRET_KEY!
 *   login.initApp(app)
 *   return app
 * }
 * ```
 */
export class LoginManager {
  /** The class of the user when nobody is logged in. */
  anonymousUser: new () => object = AnonymousUserMixin
  /** Endpoint (or URL) of the login page; null answers 401 instead of redirecting. */
  loginView: string | null = null
  /** Login page per blueprint name; a blueprint not listed uses `loginView`. */
  blueprintLoginViews: Record<string, string | null> = {}
  /** Flashed when a user is sent to the login page; null flashes nothing. */
  loginMessage: string | null = 'Please log in to access this page.'
  /** Category of `loginMessage`. */
  loginMessageCategory = 'message'
  /** Endpoint (or URL) of the page that asks a remembered user for their password again. */
  refreshView: string | null = null
  /** Flashed when a fresh login is needed; null flashes nothing. */
  needsRefreshMessage: string | null = 'Please reauthenticate to access this page.'
  /** Category of `needsRefreshMessage`. */
  needsRefreshMessageCategory = 'message'
  /** `'basic'` (default), `'strong'` or null; the `SESSION_PROTECTION` setting wins when set. */
  sessionProtection: SessionProtectionMode = 'basic'
  /** Translates the flashed messages (e.g. gettext). */
  localizeCallback: ((message: string) => string) | null = null

  #userCallback: UserLoader | null = null
  readonly #requestCallbacks: RequestLoader[] = []
  #unauthorizedCallback: (() => ViewReturn | Promise<ViewReturn>) | null = null
  #needsRefreshCallback: (() => ViewReturn | Promise<ViewReturn>) | null = null
  readonly #addContextProcessor: boolean

  /**
   * @example
   * ```ts
   * const login = new LoginManager(app)   // or new LoginManager() then login.initApp(app)
   * ```
   */
  constructor(app?: Phial, options: LoginManagerOptions = {}) {
    this.#addContextProcessor = options.addContextProcessor ?? true
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Sets up an app: stores this manager in `app.extensions.login`, fills in
   * the login settings, and adds the hooks that load the user before each
   * request, keep the remember-me cookie, and give templates `current_user`.
   * Call it before adding your own hooks that read `currentUser`.
   *
   * @example
   * ```ts
   * login.initApp(app)
   * ```
   */
  initApp(app: Phial): void {
    app.extensions.login = this
    applyLoginDefaults(app.config)
    registerLoginHooks(app, this, this.#addContextProcessor)
  }

  /**
   * Sets the function that loads a user from their id (a string). Returns it.
   *
   * @example
   * ```ts
   * login.userLoader(async (id) => await User.findOneBy({ id: Number(id) }))
   * ```
   */
  userLoader<F extends UserLoader>(fn: F): F {
    this.#userCallback = fn
    return fn
  }

  /**
   * Adds a function that loads a user from the request (API key, header),
   * tried when the session and the remember-me cookie give nobody. Several
   * may be added; they are tried in order. Returns it.
   *
   * @example
   * ```ts
   * login.requestLoader((request) => {
   *   const key = request.args.get('api_key')
   *   return key ? users.byApiKey(key) : null
   * })
   * ```
   */
  requestLoader<F extends RequestLoader>(fn: F): F {
    this.#requestCallbacks.push(fn)
    return fn
  }

  /**
   * Sets what `loginRequired` answers instead of redirecting to the login page.
   *
   * @example
   * ```ts
   * login.unauthorizedHandler(() => [{ error: 'log in first' }, 401])
   * ```
   */
  unauthorizedHandler<F extends () => ViewReturn | Promise<ViewReturn>>(fn: F): F {
    this.#unauthorizedCallback = fn
    return fn
  }

  /**
   * Sets what `freshLoginRequired` answers to a remembered (not fresh) login.
   *
   * @example
   * ```ts
   * login.needsRefreshHandler(() => redirect(urlFor('auth.reauthenticate')))
   * ```
   */
  needsRefreshHandler<F extends () => ViewReturn | Promise<ViewReturn>>(fn: F): F {
    this.#needsRefreshCallback = fn
    return fn
  }

  /** The function set with {@link userLoader}, or null. */
  get userCallback(): UserLoader | null {
    return this.#userCallback
  }

  /** The functions added with {@link requestLoader}. */
  get requestCallbacks(): readonly RequestLoader[] {
    return this.#requestCallbacks
  }

  /**
   * A new anonymous user.
   *
   * @example
   * ```ts
   * login.makeAnonymousUser().isAuthenticated // false
   * ```
   */
  makeAnonymousUser(): object {
    return new this.anonymousUser()
  }

  /**
   * Loads the user of a request (use `loadUser()`, which caches it).
   *
   * @example
   * ```ts
   * const user = await login.loadRequestUser(ctx)
   * ```
   */
  loadRequestUser(ctx: Context): object | Promise<object> {
    return loadRequestUser(this, ctx)
  }

  /**
   * The answer to a request that needs a login and has none: the
   * `unauthorizedHandler`; else a 401 when there is no login view or the
   * client wants JSON; else the login message flashed and a redirect to the
   * login view with `next` (or, with `USE_SESSION_FOR_NEXT`, `next` in the
   * session). Sends `userUnauthorized`.
   *
   * @example
   * ```ts
   * app.get('/maybe', () => (currentUser.isAuthenticated ? 'hi' : login.unauthorized()))
   * ```
   */
  unauthorized(ctx?: Context): ViewReturn | Promise<ViewReturn> {
    const context = ctx ?? contextOf()
    userUnauthorized.send(context.app)
    if (this.#unauthorizedCallback !== null) return this.#unauthorizedCallback()
    const request = context.request
    let view = this.loginView
    for (const name of request.blueprints) {
      if (Object.hasOwn(this.blueprintLoginViews, name)) {
        view = this.blueprintLoginViews[name] ?? this.loginView
        break
      }
    }
    return this.#redirectTo(context, view, this.loginMessage, this.loginMessageCategory)
  }

  /**
   * The answer to a remembered login on a page that needs a fresh one: the
   * `needsRefreshHandler`; else a 401 without `refreshView`; else the refresh
   * message flashed and a redirect to `refreshView` with `next`. Sends
   * `userNeedsRefresh`.
   *
   * @example
   * ```ts
   * app.post('/password', () => (loginFresh() ? changePassword() : login.needsRefresh()))
   * ```
   */
  needsRefresh(ctx?: Context): ViewReturn | Promise<ViewReturn> {
    const context = ctx ?? contextOf()
    userNeedsRefresh.send(context.app)
    if (this.#needsRefreshCallback !== null) return this.#needsRefreshCallback()
    return this.#redirectTo(context, this.refreshView, this.needsRefreshMessage, this.needsRefreshMessageCategory)
  }

  #redirectTo(ctx: Context, view: string | null, message: string | null, category: string): ViewReturn {
    const request = ctx.request
    // without a login page, or for an API client, the answer is the status
    if (!view || request.wantsJson) abort(401)
    if (message) flash(this.localizeCallback !== null ? this.localizeCallback(message) : message, category)
    if (ctx.app.config.USE_SESSION_FOR_NEXT) {
      const session = ctx.session
      session.set('_id', sessionIdentifier(ctx))
      session.set('next', makeNextParam(expandLoginView(view), request.url))
      return redirect(loginUrl(view))
    }
    return redirect(loginUrl(view, request.url))
  }
}

function contextOf(): Context {
  return currentContext()
}
