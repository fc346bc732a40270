/**
 * The contract between the app and a session store (Flask's
 * `SessionInterface`). The signed cookie is the default; a server-side store
 * (Redis, SQL) implements the same three methods.
 */
import type { AppCore } from './app-core.ts'
import type { Request } from '../http/request.ts'
import type { Response } from '../http/response.ts'
import type { CookieOptions } from '../http/cookies.ts'
import { NullSession, type Session } from './session.ts'

/**
 * Base class of session stores.
 *
 * `openSession` may be asynchronous (a Redis lookup): set `lazy = false` and the
 * app opens the session before `beforeRequest` hooks run. A synchronous store
 * keeps `lazy = true`: the session is opened only when code touches it.
 *
 * @example
 * ```ts
 * class MemorySessions extends SessionInterface {
 *   store = new Map<string, Record<string, unknown>>()
 *   openSession(app: Phial, request: Request) {
 *     const sid = request.cookies[this.cookieName(app)]
 *     return new Session(sid ? this.store.get(sid) : null)
 *   }
 *   saveSession(app: Phial, session: Session, response: Response) { ... }
 * }
 * app.sessionInterface = new MemorySessions()
 * ```
 */
export abstract class SessionInterface {
  /** When false, the app awaits `openSession` before the `beforeRequest` hooks. */
  lazy = true

  /** Loads the session of a request; never throws for a bad client value (return a new session). */
  abstract openSession(app: AppCore, request: Request): Session | Promise<Session>

  /** Persists the session and sets or deletes the cookie on the response. */
  abstract saveSession(app: AppCore, session: Session, response: Response): void | Promise<void>

  /** The session to use when the store cannot give one (no secret key). */
  makeNullSession(_app: AppCore): Session {
    return new NullSession()
  }

  /** True for the session made by {@link makeNullSession}. */
  isNullSession(session: Session): boolean {
    return session instanceof NullSession
  }

  /** `SESSION_COOKIE_NAME`. */
  cookieName(app: AppCore): string {
    return app.config.SESSION_COOKIE_NAME
  }

  /** The attributes of the session cookie, from the `SESSION_COOKIE_*` settings. */
  cookieOptions(app: AppCore): CookieOptions {
    const c = app.config
    return {
      domain: c.SESSION_COOKIE_DOMAIN ?? undefined,
      path: c.SESSION_COOKIE_PATH ?? c.APPLICATION_ROOT ?? '/',
      httpOnly: c.SESSION_COOKIE_HTTPONLY,
      secure: c.SESSION_COOKIE_SECURE,
      sameSite: c.SESSION_COOKIE_SAMESITE ?? undefined,
      partitioned: c.SESSION_COOKIE_PARTITIONED,
    }
  }

  /** When the cookie of a permanent session expires; `undefined` for a browser-session cookie. */
  expirationTime(app: AppCore, session: Session): Date | undefined {
    if (!session.permanent) return undefined
    return new Date(Date.now() + app.config.PERMANENT_SESSION_LIFETIME * 1000)
  }

  /** Whether to send the cookie: on a change, or every request for a permanent session with `SESSION_REFRESH_EACH_REQUEST`. */
  shouldSetCookie(app: AppCore, session: Session): boolean {
    return session.modified || (session.permanent && app.config.SESSION_REFRESH_EACH_REQUEST)
  }
}
