/**
 * `ServerSessionInterface` (Flask-Session's `ServerSideSessionInterface`):
 * the session's data in a store, only a signed random id in the cookie.
 */
import { Response, ServiceUnavailable, SessionInterface, type Request, type Session } from 'phial'
import { CacheUnavailable } from 'phial/caching'
import { BadSignature, Signer } from 'phial/signing'
import { newSessionId, ServerSession, SESSION_ID_PATTERN } from './session.ts'
import type { SessionRecordStore } from './stores.ts'

/** An app as a session interface receives it. */
type App = Parameters<SessionInterface['openSession']>[0]

/**
 * The salt of session-id signatures.
 *
 * @example
 * ```ts
 * new Signer(app.config.SECRET_KEY!, { salt: SESSION_ID_SALT, keyDerivation: 'hmac', digestMethod: 'sha256' }).sign(sid)
 * ```
 */
export const SESSION_ID_SALT = 'phial-session-id'
/** Longest cookie value looked at; a longer one is not ours. */
const MAX_COOKIE = 512

function addVary(response: Response, token: string): void {
  const current = response.headers.get('vary')
  if (!current) response.headers.set('vary', token)
  else if (!current.split(',').some((t) => t.trim().toLowerCase() === token.toLowerCase() || t.trim() === '*')) response.headers.set('vary', `${current}, ${token}`)
}

/**
 * Options of {@link ServerSessionInterface}.
 *
 * @example
 * ```ts
 * const options: ServerSessionOptions = { idLength: 32 }
 * ```
 */
export interface ServerSessionOptions {
  /** Random bytes per session id (default 32). */
  idLength?: number
}

/**
 * Keeps sessions in a {@link SessionRecordStore}. The cookie holds the
 * session id signed with `SECRET_KEY` (HMAC-SHA256, `SECRET_KEY_FALLBACKS`
 * accepted), so a made-up or altered id is refused before the store is
 * asked. A record lives `PERMANENT_SESSION_LIFETIME` seconds in the store
 * (renewed on each save); an unknown or expired id starts a new session
 * with a new id — a client can never choose its id. Nothing is written, and
 * no cookie is sent, when the session did not change. Concurrent requests of
 * one session each save what they saw: the last to finish wins, as with
 * Flask-Session.
 *
 * While the store is down, a request that needs the session gets a 503.
 *
 * @example
 * ```ts
 * app.sessionInterface = new ServerSessionInterface(new RedisSessionStore('session:'))
 * ```
 */
export class ServerSessionInterface extends SessionInterface {
  readonly store: SessionRecordStore
  readonly idLength: number
  #signer: { key: unknown; fallbacks: unknown; signer: Signer } | null = null

  constructor(store: SessionRecordStore, options: ServerSessionOptions = {}) {
    super()
    this.store = store
    this.idLength = options.idLength ?? 32
    newSessionId(this.idLength) // checks the length now
    // the store is asynchronous: the app opens the session before the hooks
    this.lazy = false
  }

  /** The signer for the app's current keys, or null without `SECRET_KEY`. */
  signer(app: App): Signer | null {
    const key = app.config.SECRET_KEY
    if (!key) return null
    const fallbacks = app.config.SECRET_KEY_FALLBACKS
    const cached = this.#signer
    if (cached && cached.key === key && cached.fallbacks === fallbacks) return cached.signer
    const signer = new Signer([...(fallbacks ?? []), key], { salt: SESSION_ID_SALT, keyDerivation: 'hmac', digestMethod: 'sha256' })
    this.#signer = { key, fallbacks, signer }
    return signer
  }

  #fresh(): ServerSession {
    return new ServerSession(newSessionId(this.idLength), null, true, this.idLength)
  }

  async openSession(app: App, request: Request): Promise<Session> {
    const signer = this.signer(app)
    if (signer === null) return this.makeNullSession(app)
    const value = request.cookies[this.cookieName(app)]
    if (!value) return this.#fresh()
    let sid: string
    try {
      if (value.length > MAX_COOKIE) throw new BadSignature('too long')
      sid = signer.unsign(value)
      if (!SESSION_ID_PATTERN.test(sid)) throw new BadSignature('not a session id')
    } catch (err) {
      if (!(err instanceof BadSignature)) throw err
      app.logger.warn({ reason: err.message }, 'Ignoring a session cookie with a bad signature')
      return this.#fresh()
    }
    const data = await this.store.load(sid)
    if (data === null) return this.#fresh()
    return new ServerSession(sid, data, false, this.idLength)
  }

  async saveSession(app: App, session: Session, response: Response): Promise<void> {
    if (!(session instanceof ServerSession)) return
    const name = this.cookieName(app)
    const options = this.cookieOptions(app)
    if (session.accessed) addVary(response, 'Cookie')
    try {
      if (session.isEmpty) {
        if (session.modified) {
          if (!session.isNew) await this.store.destroy(session.sid)
          response.deleteCookie(name, options)
          addVary(response, 'Cookie')
        }
      } else if (this.shouldSetCookie(app, session)) {
        const signer = this.signer(app)
        if (signer === null) return
        await this.store.save(session.sid, session.toJSON(), app.config.PERMANENT_SESSION_LIFETIME)
        response.setCookie(name, signer.sign(session.sid), { ...options, expires: this.expirationTime(app, session) })
        addVary(response, 'Cookie')
      }
      // after regenerate(): the old record goes once the new one is saved, so a failed save loses nothing
      if (session.previousSid !== null) {
        await this.store.destroy(session.previousSid)
        session.previousSid = null
      }
    } catch (err) {
      // a store that is down (Redis: CacheUnavailable; SQL: DatabaseUnavailable) is a 503
      if (!(err instanceof CacheUnavailable || err instanceof ServiceUnavailable)) throw err
      // The core turns an error here into a 500; the store being down is a 503.
      app.logger.error({ err: err.message, cause: (err.cause as Error | undefined)?.message }, 'The session store is unavailable: the session was not saved')
      turnInto503(response, err.message)
    }
  }

  /**
   * Closes the store's connections.
   *
   * @example
   * ```ts
   * await (app.sessionInterface as ServerSessionInterface).close()
   * ```
   */
  async close(): Promise<void> {
    await this.store.close?.()
  }
}

/** Replaces a response whose session could not be saved by a plain 503. */
function turnInto503(response: Response, message: string): void {
  response.status = 503
  for (const name of response.headers.keys()) response.headers.delete(name)
  response.headers.set('content-type', 'text/plain; charset=utf-8')
  response.headers.set('retry-after', '1')
  response.headers.set('cache-control', 'no-store')
  response.body = `${message}\n`
}
