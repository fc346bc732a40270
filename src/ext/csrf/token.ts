/**
 * CSRF tokens (Flask-WTF's `generate_csrf` / `validate_csrf`): a random
 * secret kept in the session, handed out signed and timestamped with
 * `URLSafeTimedSerializer` (salt `wtf-csrf-token`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { currentContext, type Context, type Phial } from 'phial'
import { BadData, SignatureExpired, URLSafeTimedSerializer } from 'phial/signing'
import { CSRFError } from './errors.ts'
import './config.ts'

/**
 * The salt of CSRF token signatures (Flask-WTF's). The digest is Phial's
 * default, SHA-256 (Flask-WTF: itsdangerous' SHA-1).
 *
 * @example
 * ```ts
 * new URLSafeTimedSerializer(app.config.SECRET_KEY!, { salt: CSRF_SALT }).loads(token) // the session secret
 * ```
 */
export const CSRF_SALT = 'wtf-csrf-token'

/** Longest token accepted; anything longer is invalid without being verified. */
const MAX_TOKEN_LENGTH = 4096

/**
 * Options of {@link generateCsrf}.
 *
 * @example
 * ```ts
 * const options: CsrfTokenOptions = { fieldName: 'admin_csrf_token' }
 * ```
 */
export interface CsrfTokenOptions {
  /** Signing key (default `WTF_CSRF_SECRET_KEY`, else `SECRET_KEY`). */
  secretKey?: string
  /** Session key and `g` attribute of the token (default `WTF_CSRF_FIELD_NAME`). */
  fieldName?: string
}

/**
 * Options of {@link validateCsrf}.
 *
 * @example
 * ```ts
 * const options: ValidateCsrfOptions = { timeLimit: 600 }
 * ```
 */
export interface ValidateCsrfOptions extends CsrfTokenOptions {
  /** Maximum age in seconds; `null` for none (default `WTF_CSRF_TIME_LIMIT`). */
  timeLimit?: number | null
}

const serializers = new Map<string, URLSafeTimedSerializer<string>>()

function serializerFor(app: Phial, explicit: string | undefined): URLSafeTimedSerializer<string> {
  const config = app.config
  let keys: string[]
  if (explicit) keys = [explicit]
  else if (config.WTF_CSRF_SECRET_KEY) keys = [config.WTF_CSRF_SECRET_KEY]
  else if (config.SECRET_KEY) keys = [...(config.SECRET_KEY_FALLBACKS ?? []), config.SECRET_KEY]
  else {
    throw new Error(
      'A secret key is required to use CSRF protection: set SECRET_KEY (or WTF_CSRF_SECRET_KEY) in the app config.',
    )
  }
  const cacheKey = keys.join('\0')
  let serializer = serializers.get(cacheKey)
  if (serializer === undefined) {
    if (serializers.size >= 32) serializers.clear()
    serializer = new URLSafeTimedSerializer<string>(keys, { salt: CSRF_SALT })
    serializers.set(cacheKey, serializer)
  }
  return serializer
}

function fieldNameOf(ctx: Context, options: CsrfTokenOptions): string {
  return options.fieldName ?? ctx.app.config.WTF_CSRF_FIELD_NAME ?? 'csrf_token'
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * The CSRF token for the current request: put it in a hidden form field
 * (`csrf_token`) or send it in the `X-CSRFToken` header. The first call
 * stores a random secret in the session (which then sets the session
 * cookie); calls within one request return the same token (kept on `g`).
 * Templates call it as `csrf_token()`.
 *
 * @throws `Error` without `SECRET_KEY` (or `WTF_CSRF_SECRET_KEY`); a
 *   `ContextError` outside a request.
 *
 * @example
 * ```ts
 * import { generateCsrf } from 'phial/csrf'
 *
 * app.get('/api/csrf', function csrfToken() { return { token: generateCsrf() } })
 * // in the browser: fetch('/api/items', { method: 'POST', headers: { 'X-CSRFToken': token }, ... })
 * ```
 */
export function generateCsrf(options: CsrfTokenOptions = {}): string {
  const ctx = currentContext()
  const field = fieldNameOf(ctx, options)
  const cached: unknown = ctx.g.get(field)
  if (typeof cached === 'string') return cached
  const serializer = serializerFor(ctx.app, options.secretKey)
  const session = ctx.session
  let secret = session.get(field)
  if (typeof secret !== 'string' || secret === '') {
    secret = randomBytes(20).toString('hex')
    session.set(field, secret)
  }
  const token = serializer.dumps(secret as string)
  ctx.g[field] = token
  return token
}

/**
 * Checks a CSRF token against the session's secret and the time limit, and
 * throws a {@link CSRFError} saying what is wrong: "The CSRF token is
 * missing.", "The CSRF session token is missing.", "The CSRF token has
 * expired.", "The CSRF token is invalid." or "The CSRF tokens do not match.".
 *
 * @example
 * ```ts
 * import { validateCsrf, CSRFError } from 'phial/csrf'
 *
 * socket.on('delete', (data) => {
 *   try { validateCsrf(data.csrfToken) } catch (e) { if (e instanceof CSRFError) return; throw e }
 * })
 * ```
 */
export function validateCsrf(data: string | null | undefined, options: ValidateCsrfOptions = {}): void {
  const ctx = currentContext()
  if (!data) throw new CSRFError('The CSRF token is missing.')
  const field = fieldNameOf(ctx, options)
  const secret = ctx.session.get(field)
  if (typeof secret !== 'string' || secret === '') throw new CSRFError('The CSRF session token is missing.')
  if (data.length > MAX_TOKEN_LENGTH) throw new CSRFError('The CSRF token is invalid.')
  const serializer = serializerFor(ctx.app, options.secretKey)
  const configured = ctx.app.config.get('WTF_CSRF_TIME_LIMIT')
  const timeLimit = options.timeLimit !== undefined ? options.timeLimit : configured === undefined ? 3600 : configured
  let token: unknown
  try {
    token = serializer.loads(data, { maxAge: timeLimit })
  } catch (err) {
    if (err instanceof SignatureExpired) throw new CSRFError('The CSRF token has expired.')
    if (err instanceof BadData) throw new CSRFError('The CSRF token is invalid.')
    throw err
  }
  if (typeof token !== 'string' || !sameSecret(token, secret)) throw new CSRFError('The CSRF tokens do not match.')
}
