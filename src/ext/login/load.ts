/**
 * Loading a request's user, in Flask-Login's order: session protection, the
 * user id in the session, the remember-me cookie, then the request loaders
 * (API keys, access tokens). Synchronous unless a loader returns a promise.
 */
import type { Context, Request } from 'phial'
import type { LoginManager } from './manager.ts'
import { sessionIdentifier, sessionProtectionFailed } from './protection.ts'
import { decodeRememberCookie } from './remember.ts'
import { userAccessed, userLoaded, userLoadedFromCookie, userLoadedFromRequest, type UserSource } from './signals.ts'
import { andThen, isThenable, loginState } from './state.ts'

/** What a loader may return. */
export type MaybeUser = object | null | undefined

/**
 * A source of users besides the session (the JWT manager is one): looked at
 * after the request loaders.
 *
 * @example
 * ```ts
 * const apiKeys: TokenUserSource = { userFromRequest: (ctx) => keys.get(ctx.request.headers.get('x-api-key') ?? '') }
 * ```
 */
export interface TokenUserSource {
  userFromRequest(ctx: Context): MaybeUser | Promise<MaybeUser>
  /** Whether the request carries credentials for this source at all (cheap; skips loading when false). */
  hasCredentials?(ctx: Context): boolean
}

function found(manager: LoginManager, ctx: Context, user: object, source: UserSource): object {
  loginState(ctx).source = source
  if (userLoaded.hasReceiversFor(ctx.app)) userLoaded.send(ctx.app, { user, source })
  return user
}

/**
 * The user of `ctx`'s request, or a new anonymous user. Used by `loadUser()`;
 * call that instead.
 *
 * @example
 * ```ts
 * const user = await loadRequestUser(manager, ctx)
 * ```
 */
export function loadRequestUser(manager: LoginManager, ctx: Context): object | Promise<object> {
  if (manager.userCallback === null && manager.requestCallbacks.length === 0 && ctx.app.extensions.jwt === undefined) {
    throw new Error(
      'phial/login has no way to load users: register one with loginManager.userLoader((id) => ...) ' +
        '(or requestLoader for API keys).',
    )
  }
  if (userAccessed.hasReceiversFor(ctx.app)) userAccessed.send(ctx.app)
  const mode = ctx.app.config.SESSION_PROTECTION !== undefined ? ctx.app.config.SESSION_PROTECTION : manager.sessionProtection
  if (sessionProtectionFailed(ctx, mode)) return manager.makeAnonymousUser()
  const session = ctx.session
  const userId = session.get('_user_id')
  const fromSession = userId !== undefined && userId !== null && manager.userCallback !== null ? manager.userCallback(String(userId)) : null
  // no closure on the synchronous path: phial/socketio loads a user per event
  if (isThenable<MaybeUser>(fromSession)) return Promise.resolve(fromSession).then((user) => afterSession(manager, ctx, user))
  return afterSession(manager, ctx, fromSession)
}

/** The user from the session's id, else the remember-me cookie's, a request loader's, or a new anonymous user. */
function afterSession(manager: LoginManager, ctx: Context, user: MaybeUser): object | Promise<object> {
  if (user) return found(manager, ctx, user, 'session')
  const other = fromCookieOrRequest(manager, ctx)
  if (isThenable<MaybeUser>(other)) return Promise.resolve(other).then((loaded) => loaded ?? manager.makeAnonymousUser())
  return other ?? manager.makeAnonymousUser()
}

function fromCookieOrRequest(manager: LoginManager, ctx: Context): MaybeUser | Promise<MaybeUser> {
  const request = ctx.request
  const cookie = request.cookies[ctx.app.config.REMEMBER_COOKIE_NAME]
  if (cookie && ctx.session.get('_remember') !== 'clear') {
    return andThen(fromRememberCookie(manager, ctx, cookie), (user) => user ?? fromRequest(manager, ctx, request, 0))
  }
  return fromRequest(manager, ctx, request, 0)
}

function fromRememberCookie(manager: LoginManager, ctx: Context, cookie: string): MaybeUser | Promise<MaybeUser> {
  const id = decodeRememberCookie(ctx.app, cookie)
  if (id === null || manager.userCallback === null) {
    loginState(ctx).dropRememberCookie = true
    ctx.app.logger.info({ requestId: ctx.request.id }, 'Ignoring a remember-me cookie that is invalid or expired')
    return null
  }
  return andThen(manager.userCallback(id), (user) => {
    if (!user) {
      loginState(ctx).dropRememberCookie = true
      return null
    }
    // the session now carries the login, marked not fresh: a password is needed for sensitive pages
    const session = ctx.session
    session.set('_user_id', id)
    session.set('_fresh', false)
    session.set('_id', sessionIdentifier(ctx))
    if (userLoadedFromCookie.hasReceiversFor(ctx.app)) userLoadedFromCookie.send(ctx.app, { user })
    return found(manager, ctx, user, 'cookie')
  })
}

function fromRequest(manager: LoginManager, ctx: Context, request: Request, index: number): MaybeUser | Promise<MaybeUser> {
  const loaders = manager.requestCallbacks
  for (let i = index; i < loaders.length; i++) {
    const result = loaders[i]!(request)
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      return andThen(result as Promise<MaybeUser>, (user) => (user ? fromLoader(ctx, user) : fromRequest(manager, ctx, request, i + 1)))
    }
    if (result) return fromLoader(ctx, result)
  }
  const tokens = ctx.app.extensions.jwt as TokenUserSource | undefined
  if (tokens === undefined) return null
  return andThen(tokens.userFromRequest(ctx), (user) => (user ? found(manager, ctx, user, 'token') : null))
}

function fromLoader(ctx: Context, user: object): object {
  if (userLoadedFromRequest.hasReceiversFor(ctx.app)) userLoadedFromRequest.send(ctx.app, { user })
  const manager = ctx.app.extensions.login as LoginManager
  return found(manager, ctx, user, 'request')
}
