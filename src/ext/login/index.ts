/**
 * `phial/login`: user sessions (Flask-Login) and token auth for APIs
 * (Flask-JWT-Extended) — `LoginManager`, `loginUser`, `logoutUser`,
 * `currentUser`, `loginRequired`, `freshLoginRequired`, the remember-me
 * cookie, session protection, `isSafeUrl` for `next`, and `JWTManager` with
 * `createAccessToken` and `jwtRequired`.
 *
 * @example
 * ```ts
 * import { LoginManager, loginUser, logoutUser, currentUser, loginRequired } from 'phial/login'
 *
 * const login = new LoginManager(app)
 * login.loginView = 'login'
 * login.userLoader((id) => users.get(id) ?? null)
 * app.get('/me', loginRequired(function me() { return { id: currentUser.getId() } }))
 * ```
 *
 * @module
 */
export { LoginManager, type LoginManagerOptions, type UserLoader, type RequestLoader } from './manager.ts'
export { loginUser, logoutUser, confirmLogin, loginFresh, loginRemembered, type LoginOptions } from './actions.ts'
export { loginRequired, freshLoginRequired } from './guards.ts'
export { currentUser, loadUser, loginState, peekLoginState, loginManagerOf, openedSessionOf, type LoginState } from './state.ts'
export {
  UserMixin,
  AnonymousUserMixin,
  userAttribute,
  isAuthenticatedUser,
  userIdOf,
  type UserTypes,
  type AppUser,
  type AppAnonymousUser,
  type CurrentUser,
  type AuthenticatedUserState,
  type AnonymousUserState,
} from './user.ts'
export { isSafeUrl, safeNextUrl, loginUrl, makeNextParam, expandLoginView, type SafeUrlOptions } from './safe-url.ts'
export { encodeRememberCookie, decodeRememberCookie, setRememberCookie, clearRememberCookie, REMEMBER_SALT } from './remember.ts'
export { sessionIdentifier } from './protection.ts'
export { LOGIN_DEFAULTS, LOGIN_SESSION_KEYS, applyLoginDefaults, type SessionProtectionMode } from './config.ts'
export type { TokenUserSource, MaybeUser } from './load.ts'
export {
  userLoggedIn,
  userLoggedOut,
  userLoaded,
  userLoadedFromCookie,
  userLoadedFromRequest,
  userUnauthorized,
  userNeedsRefresh,
  userLoginConfirmed,
  userAccessed,
  sessionProtected,
  type UserSource,
} from './signals.ts'
export * from './jwt/index.ts'
