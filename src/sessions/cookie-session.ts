/**
 * The default session store: the whole session in a signed cookie
 * (Flask's `SecureCookieSessionInterface`).
 */
import type { AppCore } from '../core/app-core.ts'
import type { Request } from '../http/request.ts'
import type { Response } from '../http/response.ts'
import { Session } from '../core/session.ts'
import { SessionInterface } from '../core/session-interface.ts'
import { TaggedJSONSerializer } from '../json/index.ts'
import { SessionCookieTemplate } from './cookie-template.ts'
import { BadSignature, SignatureExpired, URLSafeTimedSerializer, type PayloadSerializer } from '../signing/index.ts'

/**
 * The session cookie's value serializer (Flask's `session_json_serializer`):
 * tagged JSON, so bytes, dates, `Markup`, tuples (frozen arrays), UUIDs and
 * tag-like objects keep their type. Register a {@link JSONTag} on it for
 * your own types.
 *
 * @example
 * ```ts
 * import { JSONTag, sessionJsonSerializer } from 'phial'
 * sessionJsonSerializer.register(TagMoney)
 * ```
 */
export const sessionJsonSerializer = new TaggedJSONSerializer()

/**
 * JSON shorter than this (bytes) is not compressed in the session cookie:
 * zlib on a small payload costs more than both HMACs and rarely saves a
 * byte. Longer payloads follow itsdangerous (compressed when shorter).
 */
export const SESSION_COMPRESS_THRESHOLD = 256

/** How many recently issued or verified session cookies each app's signer remembers as valid (see `verifiedCacheSize`). */
const SESSION_VERIFIED_CACHE = 1024

/** Adds a token to the `Vary` header once. */
export function addVary(response: Response, token: string): void {
  const current = response.headers.get('vary')
  if (!current) {
    response.headers.set('vary', token)
    return
  }
  const lower = token.toLowerCase()
  if (current.split(',').some((t) => t.trim().toLowerCase() === lower || t.trim() === '*')) return
  response.headers.set('vary', `${current}, ${token}`)
}

/**
 * Stores the session in a cookie signed with `SECRET_KEY` (HMAC-SHA256,
 * timestamped, URL-safe base64 of tagged JSON: Flask's format, with SHA-1
 * there), accepting cookies signed with any of
 * `SECRET_KEY_FALLBACKS`. A tampered, expired or oversized cookie yields an
 * empty session and a logged warning.
 *
 * @example
 * ```ts
 * app.sessionInterface = new SecureCookieSessionInterface({ salt: 'my-app-session' })
 * ```
 */
export class SecureCookieSessionInterface extends SessionInterface {
  /** The salt of the signature (Flask's: `'cookie-session'`). */
  readonly salt: string
  /** The HMAC digest: Phial's default `'sha256'`; `'sha1'` is Flask's, for cookies shared with a Flask app. */
  readonly digestMethod: 'sha1' | 'sha256' | 'sha512'
  /** The key derivation (Flask's: `'hmac'`). */
  readonly keyDerivation: 'concat' | 'django-concat' | 'hmac' | 'none'
  /** How session values become text: {@link sessionJsonSerializer} (tagged JSON) unless given. */
  readonly serializer: PayloadSerializer
  /**
   * Session JSON shorter than this many bytes is not compressed (zlib is not
   * tried). Default {@link SESSION_COMPRESS_THRESHOLD}; `0` tries it on every
   * save, as Flask does.
   */
  readonly compressThreshold: number
  #cache: { key: unknown; fallbacks: unknown; serializer: URLSafeTimedSerializer<Record<string, unknown>> } | null = null
  #cookie: SessionCookieTemplate | null = null

  /**
   * @example
   * ```ts
   * // share the cookie with a Flask app that has the same SECRET_KEY
   * app.sessionInterface = new SecureCookieSessionInterface({ digestMethod: 'sha1' })
   * ```
   */
  constructor(
    options: {
      salt?: string
      digestMethod?: 'sha1' | 'sha256' | 'sha512'
      keyDerivation?: 'concat' | 'django-concat' | 'hmac' | 'none'
      serializer?: PayloadSerializer
      compressThreshold?: number
    } = {},
  ) {
    super()
    this.salt = options.salt ?? 'cookie-session'
    this.digestMethod = options.digestMethod ?? 'sha256'
    this.keyDerivation = options.keyDerivation ?? 'hmac'
    this.serializer = options.serializer ?? sessionJsonSerializer
    this.compressThreshold = options.compressThreshold ?? SESSION_COMPRESS_THRESHOLD
  }

  /** The serializer for the app's current keys, or null without `SECRET_KEY`. */
  getSigningSerializer(app: AppCore): URLSafeTimedSerializer<Record<string, unknown>> | null {
    const key = app.config.SECRET_KEY
    if (!key) return null
    const fallbacks = app.config.SECRET_KEY_FALLBACKS
    const cached = this.#cache
    if (cached && cached.key === key && cached.fallbacks === fallbacks) return cached.serializer
    const keys = [...(fallbacks ?? []), key]
    // built once per secret (and fallback list): its signers hold the derived keys as key objects
    const serializer = new URLSafeTimedSerializer<Record<string, unknown>>(keys, {
      salt: this.salt,
      serializer: this.serializer,
      compressThreshold: this.compressThreshold,
      // a browser sends back the cookie it was just given: a token this process signed (or verified) lately skips the HMAC
      signerOptions: { keyDerivation: this.keyDerivation, digestMethod: this.digestMethod, verifiedCacheSize: SESSION_VERIFIED_CACHE },
    })
    this.#cache = { key, fallbacks, serializer }
    return serializer
  }

  openSession(app: AppCore, request: Request): Session {
    const serializer = this.getSigningSerializer(app)
    if (serializer === null) return this.makeNullSession(app)
    const value = request.cookies[this.cookieName(app)]
    if (!value) return new Session(null)
    const log = app.logger
    if (value.length > app.config.MAX_COOKIE_SIZE * 2) {
      log.warn({ size: value.length }, 'Ignoring an oversized session cookie')
      return new Session(null)
    }
    try {
      const data = serializer.loads(value, { maxAge: app.config.PERMANENT_SESSION_LIFETIME })
      if (data === null || typeof data !== 'object' || Array.isArray(data) || Object.getPrototypeOf(data) !== Object.prototype) throw new BadSignature('not an object')
      return new Session(data, false)
    } catch (err) {
      if (err instanceof SignatureExpired) log.info('Ignoring an expired session cookie')
      else log.warn({ reason: (err as Error).message }, 'Ignoring a session cookie with a bad signature')
      return new Session(null)
    }
  }

  saveSession(app: AppCore, session: Session, response: Response): void {
    const name = this.cookieName(app)
    const options = this.cookieOptions(app)
    // Flask adds `Vary: Cookie` when the session was read and again when the cookie is set; once is enough
    const varied = session.accessed
    if (varied) addVary(response, 'Cookie')
    if (session.isEmpty) {
      if (session.modified) {
        response.deleteCookie(name, options)
        if (!varied) addVary(response, 'Cookie')
      }
      return
    }
    if (!this.shouldSetCookie(app, session)) return
    const serializer = this.getSigningSerializer(app)
    if (serializer === null) return
    const value = serializer.dumps(session.toJSON())
    const expires = this.expirationTime(app, session)
    let template = this.#cookie
    if (template === null || !template.fits(name, options)) template = this.#cookie = new SessionCookieTemplate(name, options)
    response.headers.append('set-cookie', template.header(value, expires))
    if (!varied) addVary(response, 'Cookie')
    // an oversized cookie is warned about for every cookie, in dispatch/cookie-size.ts
  }
}
