/**
 * The hooks `LoginManager.initApp` adds: load the user before the view (so
 * `currentUser` is ready even with an asynchronous `userLoader`), keep the
 * remember-me cookie after it, and give templates `current_user`.
 */
import { hasRequestContext, type Context, type Phial, type Response } from 'phial'
import type { TokenUserSource } from './load.ts'
import type { LoginManager } from './manager.ts'
import { clearRememberCookie, setRememberCookie } from './remember.ts'
import { currentUser, isThenable, loadUser, openedSessionOf, peekLoginState } from './state.ts'

function isStaticEndpoint(endpoint: string | null): boolean {
  return endpoint === 'static' || (endpoint !== null && endpoint.endsWith('.static'))
}

/**
 * Whether a request can have a user at all: a session or remember-me cookie,
 * a request loader, or an access-token source. Without one the user is
 * anonymous and nothing is loaded.
 */
function mayHaveUser(ctx: Context, manager: LoginManager): boolean {
  if (manager.requestCallbacks.length > 0 || openedSessionOf(ctx) !== null) return true
  const tokens = ctx.app.extensions.jwt as TokenUserSource | undefined
  if (tokens !== undefined && (tokens.hasCredentials === undefined || tokens.hasCredentials(ctx))) return true
  const cookies = ctx.request.cookies
  const app = ctx.app
  return cookies[app.sessionInterface.cookieName(app)] !== undefined || cookies[app.config.REMEMBER_COOKIE_NAME] !== undefined
}

/**
 * Adds the login hooks to `app` (called by `initApp`).
 *
 * @example
 * ```ts
 * registerLoginHooks(app, login, true)
 * ```
 */
export function registerLoginHooks(app: Phial, manager: LoginManager, addContextProcessor: boolean): void {
  const preload = (ctx: Context): void | Promise<void> => {
    if (!ctx.app.config.LOGIN_PRELOAD_USER || isStaticEndpoint(ctx.request.endpoint) || !mayHaveUser(ctx, manager)) return
    const loaded = loadUser(ctx)
    if (isThenable(loaded)) return Promise.resolve(loaded).then(() => undefined)
  }
  Object.defineProperty(preload, 'name', { value: 'loginLoadUser' })
  app.beforeRequest(preload)

  const updateRememberCookie = (response: Response, ctx: Context): void => {
    const state = peekLoginState(ctx)
    const session = openedSessionOf(ctx)
    if (session === null) {
      if (state?.dropRememberCookie) clearRememberCookie(ctx.app, response)
      return
    }
    const config = ctx.app.config
    const operation = session.get('_remember')
    if (operation !== undefined) {
      session.delete('_remember')
      const userId = session.get('_user_id')
      if (operation === 'set' && userId !== undefined && userId !== null) {
        const seconds = session.get('_remember_seconds')
        setRememberCookie(ctx.app, response, String(userId), typeof seconds === 'number' ? seconds : undefined)
      } else if (operation === 'clear') {
        clearRememberCookie(ctx.app, response)
      }
      return
    }
    if (state?.dropRememberCookie) {
      clearRememberCookie(ctx.app, response)
      return
    }
    if (config.REMEMBER_COOKIE_REFRESH_EACH_REQUEST && ctx.request.cookies[config.REMEMBER_COOKIE_NAME] !== undefined) {
      // sliding expiry: send the cookie again, newly signed, without touching the session
      const userId = session.get('_user_id')
      if (userId !== undefined && userId !== null) {
        const seconds = session.get('_remember_seconds')
        setRememberCookie(ctx.app, response, String(userId), typeof seconds === 'number' ? seconds : undefined)
      }
    }
  }
  Object.defineProperty(updateRememberCookie, 'name', { value: 'loginRememberCookie' })
  app.afterRequest(updateRememberCookie)

  if (addContextProcessor) {
    app.contextProcessor(function loginContext() {
      // a template rendered outside a request (an e-mail in a task) has no user
      if (!hasRequestContext()) return { current_user: null }
      const loaded = loadUser()
      if (isThenable(loaded)) return Promise.resolve(loaded).then(() => ({ current_user: currentUser }))
      return { current_user: currentUser }
    })
  }
}
