/**
 * The session object of server-side stores: the core's map-like `Session`
 * plus its id and `regenerate()`.
 */
import { randomBytes } from 'node:crypto'
import { Session } from 'phial'

/**
 * What a session id looks like (base64url of the random bytes).
 *
 * @example
 * ```ts
 * SESSION_ID_PATTERN.test(newSessionId(32)) // true
 * ```
 */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{22,256}$/

/**
 * A new random session id: `bytes` random bytes, base64url.
 *
 * @example
 * ```ts
 * newSessionId(32) // 'kq3…' (43 characters)
 * ```
 */
export function newSessionId(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes < 16) throw new TypeError(`SESSION_ID_LENGTH must be an integer ≥ 16 (bytes of randomness), got ${String(bytes)}`)
  return randomBytes(bytes).toString('base64url')
}

/**
 * A session kept on the server: the cookie holds only its signed id. Use it
 * as the core's `session`; it adds {@link sid} and {@link regenerate}.
 *
 * @example
 * ```ts
 * app.post('/login', async () => {
 *   const user = await authenticate(request.form)
 *   ;(session as ServerSession).regenerate()   // phial/login's loginUser does this for you
 *   session.set('userId', user.id)
 *   return redirect('/')
 * })
 * ```
 */
export class ServerSession extends Session {
  /** The id of this session (its record in the store). */
  sid: string
  /** The id this session had before {@link regenerate}; its record is deleted when the response is saved. */
  previousSid: string | null = null
  readonly #idLength: number

  constructor(sid: string, initial: Record<string, unknown> | null, isNew: boolean, idLength = 32) {
    super(initial, isNew)
    this.sid = sid
    this.#idLength = idLength
  }

  /**
   * Gives the session a new id and drops the record of the old one, keeping
   * the data — call it when the user's privileges change (login, logout, a
   * new role) so that an id an attacker planted or saw before is worthless
   * (session fixation). The new cookie is sent with the response.
   *
   * @example
   * ```ts
   * session.regenerate()
   * session.set('userId', user.id)
   * ```
   */
  regenerate(): void {
    this.beforeWrite()
    if (!this.isNew && this.previousSid === null) this.previousSid = this.sid
    this.sid = newSessionId(this.#idLength)
    this.accessed = this.modified = true
  }
}
