/**
 * Logging in and out (Flask-Login's `login_user`, `logout_user`,
 * `confirm_login`, `login_fresh`, `login_remembered`).
 */
import { currentContext, type Context, type Session } from 'phial'
import { LOGIN_SESSION_KEYS } from './config.ts'
import { sessionIdentifier } from './protection.ts'
import { decodeRememberCookie, durationSeconds } from './remember.ts'
import { userLoggedIn, userLoggedOut, userLoginConfirmed } from './signals.ts'
import { isThenable, loadUser, loginManagerOf, loginState } from './state.ts'
import { userAttribute, userIdOf, type AppUser } from './user.ts'

/**
 * Options of {@link loginUser}.
 *
 * @example
 * ```ts
 * const options: LoginOptions = { remember: true, duration: 14 * 24 * 3600 }
 * ```
 */
export interface LoginOptions {
  /** Set the remember-me cookie, so the login outlives the browser session. Default false. */
  remember?: boolean
  /** Lifetime of that cookie in seconds (default `REMEMBER_COOKIE_DURATION`). */
  duration?: number
  /** Log in a user whose `isActive` is false. Default false. */
  force?: boolean
  /** Mark the login fresh (a password was just given). Default true. */
  fresh?: boolean
}

/** A session store that can move the session to a new id (server-side stores). */
interface RegeneratingSession extends Session {
  regenerate(): unknown
}

function canRegenerate(session: Session): session is RegeneratingSession {
  return typeof (session as unknown as { regenerate?: unknown }).regenerate === 'function'
}

/**
 * Guards against session fixation before a login writes the user id. A
 * server-side store moves the session to a new id (`session.regenerate()`).
 * In every store the keys of an earlier login go, and the CSRF secret too, so
 * a token an attacker planted before the login does not work after it; a
 * session that belonged to another user is emptied altogether.
 */
async function rotateSession(ctx: Context): Promise<Session> {
  let session = ctx.session
  if (canRegenerate(session)) {
    await session.regenerate()
    session = ctx.session
  }
  const field = (ctx.app.config.get('WTF_CSRF_FIELD_NAME') as string | undefined) ?? 'csrf_token'
  const previous = session.get('_user_id')
  if (previous !== undefined && previous !== null) {
    session.clear()
  } else {
    for (const key of LOGIN_SESSION_KEYS) session.delete(key)
    session.delete(field)
  }
  // phial/csrf caches this request's token on g: a form rendered after the login needs a new one
  ctx.g.pop(field, undefined)
  return session
}

/**
 * Logs a user in: keeps their id in the session (after rotating it, see the
 * docs on session fixation), optionally sets the remember-me cookie, and
 * makes them `currentUser` for the rest of the request. Resolves to false,
 * doing nothing, for a user whose `isActive` is false (unless `force`).
 * Sends `userLoggedIn`.
 *
 * @throws TypeError when `duration` is not a positive number of seconds.
 *
 * @example
 * ```ts
 * app.post('/login', async function login() {
 *   const user = await users.byName(request.form.get('username') ?? '')
 *   if (!user || !checkPasswordHash(user.passwordHash, request.form.get('password') ?? '')) return ['Bad login', 401]
 *   await loginUser(user, { remember: request.form.get('remember') === 'on' })
 *   return redirect(safeNextUrl(urlFor('index')))
 * })
 * ```
 */
export async function loginUser(user: AppUser | object, options: LoginOptions = {}): Promise<boolean> {
  const ctx = currentContext()
  loginManagerOf(ctx.app) // a clear error when phial/login is not set up
  const { remember = false, duration, force = false, fresh = true } = options
  if (!force && userAttribute(user, 'isActive') === false) return false
  const id = userIdOf(user)
  const seconds = duration === undefined || duration === null ? undefined : durationSeconds(duration, 'duration')
  const session = await rotateSession(ctx)
  session.set('_user_id', id)
  session.set('_fresh', fresh)
  session.set('_id', sessionIdentifier(ctx))
  if (remember) {
    session.set('_remember', 'set')
    if (seconds !== undefined) session.set('_remember_seconds', seconds)
  }
  const state = loginState(ctx)
  state.user = user
  state.pending = null
  state.source = 'session'
  userLoggedIn.send(ctx.app, { user })
  return true
}

/**
 * Logs the current user out: removes the login from the session, deletes
 * the remember-me cookie, and makes `currentUser` the anonymous user.
 * Sends `userLoggedOut` with the user who was logged in.
 *
 * @example
 * ```ts
 * app.post('/logout', function logout() { logoutUser(); return redirect(urlFor('index')) })
 * ```
 */
export function logoutUser(): true {
  const ctx = currentContext()
  const manager = loginManagerOf(ctx.app)
  const state = loginState(ctx)
  let user = state.user
  if (user === null) {
    // the hook loaded nobody yet (a hook before it logs out): load now if that needs no waiting
    const loaded = state.pending ?? loadUser(ctx)
    if (isThenable(loaded)) (loaded as Promise<object>).catch(() => {})
    else user = loaded
  }
  user ??= manager.makeAnonymousUser()
  const session = ctx.session
  for (const key of ['_user_id', '_fresh', '_id', '_remember_seconds']) session.delete(key)
  if (ctx.request.cookies[ctx.app.config.REMEMBER_COOKIE_NAME] !== undefined) session.set('_remember', 'clear')
  else session.delete('_remember')
  userLoggedOut.send(ctx.app, { user })
  state.user = manager.makeAnonymousUser()
  state.pending = null
  state.source = null
  return true
}

/**
 * Marks the current login fresh again, after the user re-entered their
 * password on the refresh page. Sends `userLoginConfirmed`.
 *
 * @example
 * ```ts
 * app.post('/reauthenticate', function reauthenticate() {
 *   if (!passwordOk()) return ['Wrong password', 401]
 *   confirmLogin()
 *   return redirect(safeNextUrl(urlFor('index')))
 * })
 * ```
 */
export function confirmLogin(): void {
  const ctx = currentContext()
  const session = ctx.session
  session.set('_fresh', true)
  session.set('_id', sessionIdentifier(ctx))
  userLoginConfirmed.send(ctx.app)
}

/**
 * True when the current login is fresh: made with a password in this
 * session, not restored from the remember-me cookie.
 *
 * @example
 * ```ts
 * if (!loginFresh()) return login.needsRefresh()
 * ```
 */
export function loginFresh(): boolean {
  return currentContext().session.get('_fresh') === true
}

/**
 * True when the request carries a valid remember-me cookie (and the user
 * has not logged out).
 *
 * @example
 * ```ts
 * const note = loginRemembered() ? 'You stay logged in on this device.' : ''
 * ```
 */
export function loginRemembered(): boolean {
  const ctx = currentContext()
  const cookie = ctx.request.cookies[ctx.app.config.REMEMBER_COOKIE_NAME]
  if (!cookie || ctx.session.get('_remember') === 'clear') return false
  return decodeRememberCookie(ctx.app, cookie) !== null
}
