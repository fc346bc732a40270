/**
 * `jwtRequired()` and the accessors of the current token (Flask-JWT-Extended's
 * `jwt_required`, `get_jwt`, `get_jwt_identity`, `verify_jwt_in_request`).
 */
import { Context, currentContext, type ViewReturn } from 'phial'
import { loginState } from '../state.ts'
import type { JWTManager } from './manager.ts'
import { carriesNoToken, jwtStateOf, checkRequestToken, type VerifyOptions } from './request.ts'
import type { JwtClaims } from './tokens.ts'

type AnyView = (...args: any[]) => unknown

/**
 * A view wrapper and `beforeRequest` guard, as {@link jwtRequired} returns.
 *
 * @example
 * ```ts
 * const guard: JwtGuard = jwtRequired()
 * api.beforeRequest(guard)
 * ```
 */
export interface JwtGuard {
  <V extends AnyView>(view: V): V
  /** As a `beforeRequest` hook: nothing to wait for when an optional check finds no token. */
  (ctx: Context): Promise<ViewReturn | void> | void
}

function managerOf(ctx: Context): JWTManager {
  const manager = ctx.app.extensions.jwt as JWTManager | undefined
  if (manager === undefined) throw new Error('Token auth is not set up for this app: create a JWTManager and call jwtManager.initApp(app).')
  return manager
}

/**
 * Checks the request's token now (Flask-JWT-Extended's `verify_jwt_in_request`)
 * and makes its user `currentUser`; throws a `JWTError` (401, JSON) when
 * it is missing or refused. Resolves to the claims, or null when `optional`
 * and there was no token.
 *
 * @example
 * ```ts
 * app.get('/feed', async function feed() {
 *   const claims = await verifyJwtInRequest({ optional: true })
 *   return claims ? personalFeed(claims.sub!) : publicFeed()
 * })
 * ```
 */
export async function verifyJwtInRequest(options: VerifyOptions = {}, ctx: Context = currentContext()): Promise<JwtClaims | null> {
  const state = await checkRequestToken(managerOf(ctx), ctx, options)
  if (state === null) return null
  if (state.user !== null && ctx.app.extensions.login !== undefined) {
    const login = loginState(ctx)
    login.user = state.user
    login.pending = null
    login.source = 'token'
  }
  return state.claims
}

/**
 * Requires a valid token (Flask-JWT-Extended's `@jwt_required()`): wrap a
 * view, guard a blueprint with `beforeRequest`, or list it in a class-based
 * view's `decorators`. A refused request gets a 401 with `{"msg": …}`.
 * Options: `optional` (no token is fine), `fresh`, `refresh` (a refresh
 * token instead), `locations`.
 *
 * @example
 * ```ts
 * app.get('/api/me', jwtRequired()(function me() { return { id: getJwtIdentity() } }))
 * app.post('/api/refresh', jwtRequired({ refresh: true })(async function refresh() {
 *   return { access_token: await createAccessToken(getJwtIdentity()) }
 * }))
 * api.beforeRequest(jwtRequired())
 * ```
 */
export function jwtRequired(options: VerifyOptions = {}): JwtGuard {
  // an anonymous request to an optional route is checked synchronously (carriesNoToken): the view runs at once
  const optional = options.optional === true
  const guard = (target: AnyView | Context): unknown => {
    if (typeof target !== 'function') {
      if (optional && carriesNoToken(target, options)) return undefined
      return verifyJwtInRequest(options, target).then(() => undefined)
    }
    const view = target
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const given = args[1]
      const ctx = given instanceof Context ? given : currentContext()
      // OPTIONS (CORS preflight) carries no credentials
      if (ctx.request.method === 'OPTIONS') return view.apply(this, args)
      if (optional && carriesNoToken(ctx, options)) return view.apply(this, args)
      return verifyJwtInRequest(options, ctx).then(() => view.apply(this, args))
    }
    Object.defineProperty(wrapped, 'name', { value: view.name, configurable: true })
    return wrapped
  }
  return guard as JwtGuard
}

/**
 * The claims of the request's checked token; `{}` when there is none
 * (after an optional check without a token).
 *
 * @example
 * ```ts
 * const { role } = getJwt()
 * ```
 */
export function getJwt(ctx: Context = currentContext()): Partial<JwtClaims> {
  return jwtStateOf(ctx)?.claims ?? {}
}

/**
 * The identity of the request's checked token (a string), or null.
 *
 * @example
 * ```ts
 * const userId = getJwtIdentity()
 * ```
 */
export function getJwtIdentity(ctx: Context = currentContext()): string | null {
  const claims = jwtStateOf(ctx)?.claims
  if (claims === undefined) return null
  return String(claims[ctx.app.config.JWT_IDENTITY_CLAIM])
}

/**
 * Where the request's token was found (`'headers'` or `'cookies'`), or null.
 *
 * @example
 * ```ts
 * if (getJwtRequestLocation() === 'cookies') response.headers.set('Cache-Control', 'private')
 * ```
 */
export function getJwtRequestLocation(ctx: Context = currentContext()): 'headers' | 'cookies' | null {
  return jwtStateOf(ctx)?.location ?? null
}

/**
 * The user the request's checked token names (Flask-JWT-Extended's
 * `get_current_user`), or null — for apps that use tokens without a
 * `LoginManager` (with one, read `currentUser`).
 *
 * @example
 * ```ts
 * jwt.userLookupLoader((identity) => users.get(identity) ?? null)
 * app.get('/api/me', jwtRequired()(function me() { return { user: getCurrentUser() } }))
 * ```
 */
export function getCurrentUser<U extends object = object>(ctx: Context = currentContext()): U | null {
  return (jwtStateOf(ctx)?.user as U | undefined) ?? null
}
