/**
 * The login state of one request (who the user is, where they came from) and
 * `currentUser`, the context global that resolves to it.
 */
import { currentContext, type Context, type Session } from 'phial'
import type { LoginManager } from './manager.ts'
import type { UserSource } from './signals.ts'
import { userAttribute, type CurrentUser } from './user.ts'

/**
 * What `phial/login` knows about the current request.
 *
 * @example
 * ```ts
 * loginState(ctx).source // 'cookie' after a remember-me login
 * ```
 */
export interface LoginState {
  /** The loaded user (or anonymous user); null until loaded. */
  user: object | null
  /** The load in progress when a loader returned a promise. */
  pending: Promise<object> | null
  /** Where the user came from; null for the anonymous user. */
  source: UserSource | null
  /** Set when the request's remember-me cookie was refused: it is deleted on the response. */
  dropRememberCookie: boolean
}

/** The state's slot on its context: a property, not a WeakMap entry (a new WeakMap key costs about 1 µs, and phial/socketio makes a context per event). */
const STATE = Symbol('phial.login.state')
type WithState = Context & { [STATE]?: LoginState }

/**
 * The login state of a context, created on first use.
 *
 * @example
 * ```ts
 * app.afterRequest((response, ctx) => { if (loginState(ctx).source === 'token') response.headers.set('Cache-Control', 'private') })
 * ```
 */
export function loginState(ctx: Context): LoginState {
  let state = (ctx as WithState)[STATE]
  if (state === undefined) {
    state = { user: null, pending: null, source: null, dropRememberCookie: false }
    ;(ctx as WithState)[STATE] = state
  }
  return state
}

/**
 * The login state of a context if anything created it, without creating one
 * (the after-request hook uses it: a request that never met a user costs nothing).
 *
 * @example
 * ```ts
 * peekLoginState(ctx)?.dropRememberCookie
 * ```
 */
export function peekLoginState(ctx: Context): LoginState | undefined {
  return (ctx as WithState)[STATE]
}

/**
 * The app's {@link LoginManager}; throws an error that says how to set one up.
 *
 * @example
 * ```ts
 * loginManagerOf(currentApp).loginView = 'auth.login'
 * ```
 */
export function loginManagerOf(app: Context['app']): LoginManager {
  const manager = app.extensions.login as LoginManager | undefined
  if (manager === undefined) {
    throw new Error('phial/login is not set up for this app: create a LoginManager and call loginManager.initApp(app).')
  }
  return manager
}

/**
 * The session of `ctx` if some code opened it, else null — without opening it.
 *
 * @example
 * ```ts
 * if (openedSessionOf(ctx)?.modified) console.log('the session will be saved')
 * ```
 */
export function openedSessionOf(ctx: Context): Session | null {
  return ctx.openedSession
}

/** True for promises and other thenables. */
export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
}

/** `fn(value)`, right away for a plain value, after it settles for a promise: no promise unless a step made one. */
export function andThen<T, R>(value: T | PromiseLike<T>, fn: (value: T) => R | PromiseLike<R>): R | Promise<R> {
  if (isThenable<T>(value)) return Promise.resolve(value).then(fn)
  return fn(value) as R | Promise<R>
}

/**
 * Loads the current user (session, remember-me cookie, request loaders,
 * access token) if not done yet, and returns it — the anonymous user when
 * nobody is logged in. It returns a promise only when a loader did. Await it
 * where `currentUser` would be read before `phial/login`'s own
 * `beforeRequest` hook ran (a hook registered before `initApp`).
 *
 * @example
 * ```ts
 * app.beforeRequest(async () => {
 *   const user = await loadUser()
 *   if (isAuthenticatedUser(user)) g.greeting = `Hello ${user.name}`
 * })
 * ```
 */
export function loadUser(ctx: Context = currentContext()): object | Promise<object> {
  const state = loginState(ctx)
  if (state.user !== null) return state.user
  if (state.pending !== null) return state.pending
  const loaded = loginManagerOf(ctx.app).loadRequestUser(ctx)
  if (!isThenable<object>(loaded)) {
    state.user = loaded
    return loaded
  }
  const pending = Promise.resolve(loaded).then(
    (user) => {
      if (state.pending === pending) {
        state.user ??= user
        state.pending = null
      }
      return state.user ?? user
    },
    (err: unknown) => {
      if (state.pending === pending) state.pending = null
      throw err
    },
  )
  state.pending = pending
  return pending
}

function resolveUser(): object {
  const ctx = currentContext()
  const state = loginState(ctx)
  if (state.user !== null) return state.user
  const loaded = loadUser(ctx)
  if (isThenable(loaded)) {
    // keep the load running: `await loadUser()` later picks it up
    ;(loaded as Promise<object>).catch(() => {})
    throw new Error(
      'currentUser was read before the user was loaded, and the userLoader (or a request loader) is asynchronous. ' +
        'phial/login loads the user in a beforeRequest hook added by loginManager.initApp(app): call initApp before adding ' +
        'hooks that read currentUser, or `await loadUser()` first.',
    )
  }
  return loaded
}

/**
 * The user of the current request (Flask-Login's `current_user`): your user
 * object, or the anonymous user. Tell them apart with `isAuthenticated`. A
 * user object without `isAuthenticated`, `isActive`, `isAnonymous` or `getId`
 * gets the `UserMixin` defaults; the Jinja spellings (`is_authenticated`,
 * `get_id()`) answer too, so templates move over unchanged. Type it with
 * `declare module 'phial/login' { interface UserTypes { user: User } }`.
 *
 * @example
 * ```ts
 * app.get('/me', loginRequired(function me() {
 *   return { id: currentUser.getId() }
 * }))
 * ```
 */
export const currentUser: CurrentUser = new Proxy(Object.create(null) as object, {
  get(_t, prop) {
    return userAttribute(resolveUser(), prop)
  },
  has(_t, prop) {
    return Reflect.has(resolveUser(), prop)
  },
  set() {
    throw new TypeError('currentUser is read-only: change the user object itself, or log another user in with loginUser().')
  },
  ownKeys() {
    return Reflect.ownKeys(resolveUser())
  },
  getOwnPropertyDescriptor(_t, prop) {
    const desc = Reflect.getOwnPropertyDescriptor(resolveUser(), prop)
    if (desc) desc.configurable = true
    return desc
  },
  getPrototypeOf() {
    return Reflect.getPrototypeOf(resolveUser())
  },
  defineProperty() {
    throw new TypeError('Cannot define properties on the currentUser proxy')
  },
}) as CurrentUser
