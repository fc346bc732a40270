/**
 * The one per-request context (Flask 3.2 merged the app and request contexts),
 * kept in AsyncLocalStorage so that `request`, `g`, `session` and `currentApp`
 * resolve anywhere below a view, a hook or a command.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Request } from '../http/request.ts'
import type { CurrentApp } from './app-core.ts'
import type { RouteEntry } from './route-entry.ts'
import type { Session } from './session.ts'
import type { AfterRequestHook } from './types.ts'

/**
 * The `g` object: storage for the duration of one context. Type your own
 * attributes by declaration merging.
 *
 * @example
 * ```ts
 * declare module 'phial' { interface AppGlobals { user?: { id: number } } }
 * g.user = { id: 1 }
 * ```
 */
export interface AppGlobals {
  [key: string]: unknown
}

/** Helpers that `g` carries besides its attributes (Flask's `_AppCtxGlobals`). */
export interface AppGlobalsMethods {
  /** An attribute, or `fallback` when it is not set. */
  get<T = unknown>(name: string, fallback?: T): T
  /** Removes and returns an attribute; a missing one is `fallback` when given, else an error (Flask's KeyError). */
  pop<T = unknown>(name: string, ...fallback: [T?]): T
  /** Returns the attribute, setting it to `value` first when it is missing. */
  setDefault<T = unknown>(name: string, value: T): T
}

/**
 * The default class of `g` (Flask's `_AppCtxGlobals`): `get`, `pop` and
 * `setDefault` beside your attributes. Extend it for `app.appCtxGlobalsClass`.
 *
 * @example
 * ```ts
 * app.appCtxGlobalsClass = class extends AppCtxGlobals { spam = 'eggs' }
 * ```
 */
export class AppCtxGlobals {
  get<T>(name: string, fallback?: T): T {
    return (Object.hasOwn(this, name) ? (this as Record<string, unknown>)[name] : fallback) as T
  }
  pop<T>(name: string, ...fallback: [T?]): T {
    if (!Object.hasOwn(this, name)) {
      // Flask's g.pop(name) without a default raises KeyError: a typo is not a silent undefined
      if (fallback.length === 0) throw new Error(`g has no attribute '${name}' to pop; pass a default: g.pop('${name}', undefined)`)
      return fallback[0] as T
    }
    const value = (this as Record<string, unknown>)[name]
    delete (this as Record<string, unknown>)[name]
    return value as T
  }
  setDefault<T>(name: string, value: T): T {
    if (!Object.hasOwn(this, name)) (this as Record<string, unknown>)[name] = value
    return (this as Record<string, unknown>)[name] as T
  }
}

/**
 * Everything about one request (or one `appContext` block): the app, the
 * request, `g` and the session. Views receive it as their second argument;
 * the globals resolve to it.
 *
 * @example
 * ```ts
 * app.get('/me', (_args, ctx) => ({ path: ctx.request.path, user: ctx.g.user }))
 * ```
 */
export class Context {
  /** The app (a `Phial`: see {@link CurrentApp}). */
  readonly app: CurrentApp
  readonly g: AppGlobals & AppGlobalsMethods
  /** The session once opened (see {@link Context.session}); null until then. */
  openedSession: Session | null = null
  /** Functions registered with {@link afterThisRequest}, in call order (Flask's `_after_request_functions`). */
  afterThisRequestFuncs: AfterRequestHook[] | null = null
  /** The hook chains of the matched rule, set by dispatch before anything else runs. */
  routeEntry: RouteEntry | null = null
  /** The unhandled error of this context, passed to teardown hooks. */
  error: unknown = null
  /**
   * The output of the last `.txt` template rendered in this request: a view
   * that returns exactly this string answers `text/plain` (see renderTemplate).
   */
  renderedText: string | null = null
  readonly #request: Request | null
  #abort: AbortController | null = null

  constructor(app: CurrentApp, request: Request | null) {
    this.app = app
    this.#request = request
    this.g = new app.appCtxGlobalsClass() as unknown as AppGlobals & AppGlobalsMethods
  }

  /** @deprecated The former name of {@link openedSession}; kept while extensions move over. */
  get sessionData(): Session | null {
    return this.openedSession
  }

  set sessionData(value: Session | null) {
    this.openedSession = value
  }

  /** True when this context has a request (false inside `appContext`). */
  get hasRequest(): boolean {
    return this.#request !== null
  }

  /** The request; throws outside a request context. */
  get request(): Request {
    if (this.#request === null) {
      throw new ContextError(
        'Working outside of request context: this code needs an active HTTP request. ' +
          'Use it inside a view or a hook, or fake one in tests with app.testRequestContext(path, fn).',
      )
    }
    return this.#request
  }

  /**
   * Aborted when the request is given up — its `RESPONSE_TIMEOUT` passed —
   * with the error that answered it as the reason. Hand it to `fetch`, a
   * database driver or your own loop so that abandoned work stops.
   * Made on first read: a request that never reads it costs nothing.
   *
   * @example
   * ```ts
   * app.get('/slow', async (_args, ctx) => (await fetch(upstream, { signal: ctx.signal })).json())
   * ```
   */
  get signal(): AbortSignal {
    return (this.#abort ??= new AbortController()).signal
  }

  /** Aborts {@link Context.signal} with `reason` (dispatch calls it when the response timeout passes). */
  abort(reason: unknown): void {
    ;(this.#abort ??= new AbortController()).abort(reason)
  }

  /** The session, opened on first use through `app.sessionInterface`. */
  get session(): Session {
    if (this.openedSession === null) {
      const opened = this.app.sessionInterface.openSession(this.app, this.request)
      if (opened instanceof Promise) {
        throw new ContextError('This session interface opens sessions asynchronously: set its `lazy` property to false so the app opens the session before the request.')
      }
      this.openedSession = opened
    }
    return this.openedSession
  }
}

/**
 * Thrown when a context global is used where there is no context.
 *
 * @example
 * ```ts
 * try { request.path } catch (err) { if (err instanceof ContextError) console.log(err.message) }
 * ```
 */
export class ContextError extends Error {
  override name = 'ContextError'
}

/**
 * The AsyncLocalStorage holding the active {@link Context}; adapters run each
 * request inside it.
 *
 * @example
 * ```ts
 * contextStorage.run(new Context(app, null), () => currentApp.name)
 * ```
 */
export const contextStorage = new AsyncLocalStorage<Context>()

/**
 * The active context; throws a {@link ContextError} that says how to get one.
 *
 * @example
 * ```ts
 * const ctx = currentContext()
 * ctx.g.requestStart = Date.now()
 * ```
 */
export function currentContext(): Context {
  const ctx = contextStorage.getStore()
  if (ctx === undefined) {
    throw new ContextError(
      'Working outside of application context: no Phial app is active here. ' +
        'Run this code inside a view, a hook or a command, or wrap it in app.appContext(() => ...).',
    )
  }
  return ctx
}

/**
 * True when a context is active.
 *
 * @example
 * ```ts
 * const log = hasContext() ? currentApp.logger : console
 * ```
 */
export function hasContext(): boolean {
  return contextStorage.getStore() !== undefined
}

/**
 * True when a context with a request is active (Flask's `has_request_context`).
 *
 * @example
 * ```ts
 * const who = hasRequestContext() ? request.remoteAddr : 'a script'
 * ```
 */
export function hasRequestContext(): boolean {
  return contextStorage.getStore()?.hasRequest ?? false
}

function proxyOf<T extends object>(resolve: () => T, what: string): T {
  return new Proxy(Object.create(null) as T, {
    get(_t, prop) {
      const target = resolve()
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
    set(_t, prop, value) {
      return Reflect.set(resolve(), prop, value)
    },
    has(_t, prop) {
      return Reflect.has(resolve(), prop)
    },
    deleteProperty(_t, prop) {
      return Reflect.deleteProperty(resolve(), prop)
    },
    ownKeys() {
      return Reflect.ownKeys(resolve())
    },
    getOwnPropertyDescriptor(_t, prop) {
      const desc = Reflect.getOwnPropertyDescriptor(resolve(), prop)
      if (desc) desc.configurable = true
      return desc
    },
    getPrototypeOf() {
      return Reflect.getPrototypeOf(resolve())
    },
    defineProperty() {
      throw new TypeError(`Cannot define properties on the ${what} proxy`)
    },
  })
}

/**
 * The current request (Flask's `request`), valid inside a request context.
 *
 * @example
 * ```ts
 * app.post('/search', () => ({ q: request.args.get('q'), form: request.form.toObject() }))
 * ```
 */
export const request: Request = proxyOf(() => currentContext().request, 'request')

/**
 * Per-context storage (Flask's `g`).
 *
 * @example
 * ```ts
 * app.beforeRequest(() => { g.startedAt = performance.now() })
 * ```
 */
export const g: AppGlobals & AppGlobalsMethods = proxyOf(() => currentContext().g, 'g')

/**
 * The application handling the current context (Flask's `current_app`).
 *
 * @example
 * ```ts
 * currentApp.logger.info('hello from %s', currentApp.name)
 * ```
 */
export const currentApp: CurrentApp = proxyOf(() => currentContext().app, 'currentApp')

/**
 * The current session (Flask's `session`): map-like, signed cookie by default.
 *
 * @example
 * ```ts
 * session.set('userId', 42)
 * session.get('userId') // 42
 * ```
 */
export const session: Session = proxyOf(() => currentContext().session, 'session')

/**
 * Registers a function to change this request's response (Flask's
 * `after_this_request`). It is called as `afterRequest` hooks are, with
 * the response and the context, before them, and may return a new Response.
 *
 * @example
 * ```ts
 * app.get('/', function index() {
 *   afterThisRequest((res) => { res.setCookie('visited', '1') })
 *   return 'Hello'
 * })
 * ```
 */
export function afterThisRequest<F extends AfterRequestHook>(fn: F): F {
  const ctx = currentContext()
  ;(ctx.afterThisRequestFuncs ??= []).push(fn)
  return fn
}

