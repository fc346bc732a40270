/**
 * `Principal` (Flask-Principal's extension): loads the identity of each
 * request, keeps it in sync with `phial/login`, and saves changes.
 */
import { currentContext, type Context, type Phial } from 'phial'
import { loadUser, loginState, userAttribute, userIdOf, userLoggedIn, userLoggedOut, isAuthenticatedUser } from 'phial/login'
import { AnonymousIdentity, Identity } from './identity.ts'
import { RoleNeed, UserNeed } from './needs.ts'
import { identityChanged, identityLoaded } from './signals.ts'
import { storeIdentity, storedIdentity } from './state.ts'

declare module 'phial' {
  interface ConfigValues {
    /** Keep the identity in the session (`identity.id`, `identity.auth_type`) when the app has no LoginManager. Default `true`. */
    PRINCIPAL_USE_SESSIONS: boolean
    /** Give static-file requests no identity work at all. Default `false`. */
    PRINCIPAL_SKIP_STATIC: boolean
  }
  interface AppGlobals {
    /** The identity of the request (Flask-Principal's `g.identity`), set by `phial/principal`. */
    identity?: Identity
  }
}

/**
 * Finds the identity of a request; null to let the next loader try.
 *
 * @example
 * ```ts
 * const fromApiKey: IdentityLoader = (ctx) => { const key = ctx.request.headers.get('x-api-key'); return key ? new Identity(key, 'api-key') : null }
 * ```
 */
export type IdentityLoader = (ctx: Context) => Identity | null | undefined

/**
 * Persists an identity when it changes (the session saver is one).
 *
 * @example
 * ```ts
 * const audit: IdentitySaver = (identity) => log.info('identity now %s', identity.id)
 * ```
 */
export type IdentitySaver = (identity: Identity, ctx: Context) => void

/**
 * Options of the {@link Principal} constructor (Flask-Principal's).
 *
 * @example
 * ```ts
 * new Principal(app, { rolesOf: (user) => (user as User).isAdmin ? ['admin'] : [] })
 * ```
 */
export interface PrincipalOptions {
  /** Default of `PRINCIPAL_USE_SESSIONS`. */
  useSessions?: boolean
  /** Default of `PRINCIPAL_SKIP_STATIC`. */
  skipStatic?: boolean
  /** The role names of a logged-in user; default: its `roles` (strings, or objects with a `name`). */
  rolesOf?: (user: object) => Iterable<string>
}

function defaultRolesOf(user: object): string[] {
  const roles: unknown = userAttribute(user, 'roles')
  if (!Array.isArray(roles) && !(roles instanceof Set)) return []
  const names: string[] = []
  for (const role of roles as Iterable<unknown>) {
    if (typeof role === 'string') names.push(role)
    else if (role !== null && typeof role === 'object' && typeof (role as { name?: unknown }).name === 'string') names.push((role as { name: string }).name)
  }
  return names
}

function isStatic(ctx: Context): boolean {
  const endpoint = ctx.request.endpoint
  return endpoint === 'static' || (endpoint !== null && endpoint.endsWith('.static'))
}

/**
 * Identity management (Flask-Principal's `Principal`). Each request gets an
 * identity — `g.identity`, or `currentIdentity()` — from your identity
 * loaders, else (with `phial/login`) from `currentUser`, with a `UserNeed`
 * and a `RoleNeed` per role, else from the session. `identityLoaded`
 * receivers add more needs. Logins and logouts change it. One instance
 * serves many apps: `app.extensions.principal`.
 *
 * @example
 * ```ts
 * import { Principal, Permission, RoleNeed } from 'phial/principal'
 *
 * const principal = new Principal(app)
 * const adminPermission = new Permission(RoleNeed('admin'))
 * app.get('/admin', adminPermission.require()(function admin() { return 'for admins' }))
 * ```
 */
export class Principal {
  readonly #loaders: IdentityLoader[] = []
  readonly #savers: IdentitySaver[] = []
  readonly #options: PrincipalOptions
  readonly #rolesOf: (user: object) => Iterable<string>

  /**
   * @example
   * ```ts
   * const principal = new Principal(app)   // or new Principal() then principal.initApp(app)
   * ```
   */
  constructor(app?: Phial, options: PrincipalOptions = {}) {
    this.#options = options
    this.#rolesOf = options.rolesOf ?? defaultRolesOf
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Sets up an app: `app.extensions.principal`, the `PRINCIPAL_*` settings,
   * `g.identity` on each request, and the receivers that follow
   * `identityChanged` and the logins and logouts of `phial/login`.
   *
   * @example
   * ```ts
   * principal.initApp(app)
   * ```
   */
  initApp(app: Phial): void {
    app.extensions.principal = this
    app.config.setDefault('PRINCIPAL_USE_SESSIONS', this.#options.useSessions ?? true)
    app.config.setDefault('PRINCIPAL_SKIP_STATIC', this.#options.skipStatic ?? false)
    const exposeIdentity = (ctx: Context): void => {
      if (ctx.app.config.PRINCIPAL_SKIP_STATIC && isStatic(ctx)) return
      // g.identity is computed when first read: a request that checks no permission loads nothing
      Object.defineProperty(ctx.g, 'identity', {
        get: () => storedIdentity(ctx) ?? this.loadIdentity(ctx),
        set: (identity: Identity) => storeIdentity(ctx, identity),
        configurable: true,
        enumerable: true,
      })
    }
    Object.defineProperty(exposeIdentity, 'name', { value: 'principalIdentity' })
    app.beforeRequest(exposeIdentity)
    identityChanged.connect((_sender, { identity }) => this.setIdentity(identity), { sender: app })
    userLoggedIn.connect((_sender, { user }) => {
      identityChanged.send(app, { identity: this.identityFromUser(user, currentContext()) })
    }, { sender: app })
    userLoggedOut.connect(() => {
      identityChanged.send(app, { identity: new AnonymousIdentity() })
    }, { sender: app })
  }

  /**
   * Adds an identity loader, tried before the ones added earlier and before
   * the built-in ones (Flask-Principal's `identity_loader`). Returns it.
   *
   * @example
   * ```ts
   * principal.identityLoader((ctx) => (ctx.request.headers.get('x-robot') === secret ? robotIdentity() : null))
   * ```
   */
  identityLoader<F extends IdentityLoader>(fn: F): F {
    this.#loaders.unshift(fn)
    return fn
  }

  /**
   * Adds an identity saver, called when the identity changes. Returns it.
   *
   * @example
   * ```ts
   * principal.identitySaver((identity) => audit('identity', identity.id))
   * ```
   */
  identitySaver<F extends IdentitySaver>(fn: F): F {
    this.#savers.unshift(fn)
    return fn
  }

  /**
   * Makes `identity` the current one, sends `identityLoaded` and runs the savers.
   *
   * @example
   * ```ts
   * principal.setIdentity(new Identity('robot', 'api-key'))
   * ```
   */
  setIdentity(identity: Identity, ctx: Context = currentContext()): void {
    this.#use(identity, ctx)
    for (const saver of this.#savers) saver(identity, ctx)
    if (this.#usesSessions(ctx)) {
      const session = ctx.session
      if (identity instanceof AnonymousIdentity) {
        session.delete('identity.id')
        session.delete('identity.auth_type')
      } else {
        session.set('identity.id', identity.id)
        session.set('identity.auth_type', identity.authType)
      }
    }
  }

  /**
   * The identity of a logged-in user: its id, where it came from as
   * `authType`, a `UserNeed` and a `RoleNeed` per role.
   *
   * @example
   * ```ts
   * const identity = principal.identityFromUser(user, ctx)
   * ```
   */
  identityFromUser(user: object, ctx: Context): Identity {
    if (!isAuthenticatedUser(user)) return new AnonymousIdentity()
    const id = userIdOf(user)
    const identity = new Identity(id, loginState(ctx).source ?? 'session')
    identity.user = user
    identity.provides.add(UserNeed(id))
    for (const role of this.#rolesOf(user)) identity.provides.add(RoleNeed(role))
    return identity
  }

  /**
   * Loads (once) the identity of a request: the identity loaders, then the
   * logged-in user, then the session; the anonymous identity otherwise.
   * Use `currentIdentity()`.
   *
   * @example
   * ```ts
   * const identity = principal.loadIdentity(ctx)
   * ```
   */
  loadIdentity(ctx: Context): Identity {
    const known = storedIdentity(ctx)
    if (known !== undefined) return known
    if (ctx.app.config.PRINCIPAL_SKIP_STATIC && isStatic(ctx)) return this.#keep(new AnonymousIdentity(), ctx)
    for (const loader of this.#loaders) {
      const identity = loader(ctx)
      if (identity) return this.#use(identity, ctx)
    }
    if (ctx.app.extensions.login !== undefined) {
      const user = loadUser(ctx)
      if (user instanceof Promise) {
        user.catch(() => {})
        throw new Error('The identity was needed before phial/login loaded the user (an asynchronous userLoader): use `await ensureIdentity()`, or initApp the LoginManager before hooks that check permissions.')
      }
      if (isAuthenticatedUser(user)) return this.#use(this.identityFromUser(user, ctx), ctx)
      return this.#keep(new AnonymousIdentity(), ctx)
    }
    if (this.#usesSessions(ctx)) {
      const session = ctx.session
      if (session.has('identity.id') && session.has('identity.auth_type')) {
        return this.#use(new Identity(session.get('identity.id'), (session.get('identity.auth_type') as string | null) ?? null), ctx)
      }
    }
    return this.#keep(new AnonymousIdentity(), ctx)
  }

  /** With phial/login the user is the authority: a stale `identity.id` in the session must not outlive a logout. */
  #usesSessions(ctx: Context): boolean {
    return ctx.app.config.PRINCIPAL_USE_SESSIONS === true && ctx.app.extensions.login === undefined && ctx.hasRequest
  }

  #keep(identity: Identity, ctx: Context): Identity {
    storeIdentity(ctx, identity)
    return identity
  }

  #use(identity: Identity, ctx: Context): Identity {
    storeIdentity(ctx, identity)
    identityLoaded.send(ctx.app, { identity })
    return identity
  }
}
