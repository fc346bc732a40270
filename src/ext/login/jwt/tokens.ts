/**
 * Making and checking tokens (Flask-JWT-Extended's `create_access_token`,
 * `create_refresh_token`, `decode_token`), on `jose`.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { currentContext, type Context } from 'phial'
import type * as Jose from 'jose'
import { userIdOf } from '../user.ts'
import { JWTError } from './errors.ts'
import { jwtKey, loadJose } from './keys.ts'
import type { JWTManager } from './manager.ts'

type App = Context['app']

/** The claims of a token Phial made. */
export interface JwtClaims {
  /** The identity (under `JWT_IDENTITY_CLAIM`, `sub` by default), always a string. */
  sub?: string
  /** `'access'` or `'refresh'`. */
  type: 'access' | 'refresh'
  /** Access tokens: fresh from a password login (true), or fresh until a Unix time. */
  fresh?: boolean | number
  /** Unique id of the token (for a blocklist). */
  jti: string
  iat: number
  nbf: number
  exp?: number
  /** The double-submit CSRF value of a token meant for a cookie. */
  csrf?: string
  [claim: string]: unknown
}

/**
 * Options of {@link createAccessToken} and {@link createRefreshToken}.
 *
 * @example
 * ```ts
 * const options: TokenOptions = { fresh: true, expiresIn: 3600 }
 * ```
 */
export interface TokenOptions {
  /** Access tokens: fresh (true), not (false, default), or fresh for this many seconds. */
  fresh?: boolean | number
  /** Lifetime in seconds, or false for none (default `JWT_*_TOKEN_EXPIRES`). */
  expiresIn?: number | false
  /** Extra protected-header parameters (`kid`). */
  headers?: Record<string, unknown>
}

const RESERVED = new Set(['type', 'fresh', 'jti', 'iat', 'nbf', 'exp', 'csrf', 'iss', 'aud'])

function managerOf(app: App): JWTManager {
  const manager = app.extensions.jwt as JWTManager | undefined
  if (manager === undefined) throw new Error('Token auth is not set up for this app: create a JWTManager and call jwtManager.initApp(app).')
  return manager
}

/** The identity as the string a token carries: a user object gives its id. */
function identityString(manager: JWTManager, identity: unknown): string {
  const value = manager.identityOf(identity)
  if (typeof value === 'string' && value !== '') return value
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (value !== null && typeof value === 'object') return userIdOf(value)
  throw new TypeError(`A token identity must be a non-empty string, a number or a user object, got ${String(value)}`)
}

async function createToken(
  type: 'access' | 'refresh',
  identity: unknown,
  claims: Record<string, unknown>,
  options: TokenOptions,
): Promise<string> {
  const ctx = currentContext()
  const app = ctx.app
  const config = app.config
  const manager = managerOf(app)
  const jose = await loadJose()
  const now = Math.floor(Date.now() / 1000)
  const idClaim = config.JWT_IDENTITY_CLAIM
  const extra = { ...manager.additionalClaimsFor(identity), ...claims }
  for (const name of Object.keys(extra)) {
    if (RESERVED.has(name) || name === idClaim) throw new TypeError(`The claim "${name}" is set by phial/login and cannot be given`)
  }
  const payload: Record<string, unknown> = { ...extra, [idClaim]: identityString(manager, identity), type, jti: randomUUID(), iat: now, nbf: now }
  if (type === 'access') {
    const fresh = options.fresh ?? false
    payload.fresh = typeof fresh === 'number' ? now + fresh : fresh
  }
  const lifetime = options.expiresIn !== undefined ? options.expiresIn : type === 'access' ? config.JWT_ACCESS_TOKEN_EXPIRES : config.JWT_REFRESH_TOKEN_EXPIRES
  if (lifetime !== false) {
    if (typeof lifetime !== 'number' || !Number.isFinite(lifetime) || lifetime <= 0) {
      throw new TypeError(`A token lifetime must be a positive number of seconds or false, got ${String(lifetime)}`)
    }
    payload.exp = now + Math.floor(lifetime)
  }
  if (config.JWT_TOKEN_LOCATION.includes('cookies') && config.JWT_COOKIE_CSRF_PROTECT) payload.csrf = randomBytes(18).toString('base64url')
  if (config.JWT_ENCODE_ISSUER) payload.iss = config.JWT_ENCODE_ISSUER
  if (config.JWT_ENCODE_AUDIENCE) payload.aud = config.JWT_ENCODE_AUDIENCE
  const alg = config.JWT_ALGORITHM
  if (!alg || alg.toLowerCase() === 'none') throw new Error('JWT_ALGORITHM cannot be "none": unsigned tokens are refused.')
  const key = await jwtKey(app, alg, 'sign')
  return new jose.SignJWT(payload as Jose.JWTPayload).setProtectedHeader({ ...options.headers, alg, typ: 'JWT' }).sign(key)
}

/**
 * A signed access token for `identity` (a string, a number, or a user object
 * whose id is used — or what `jwt.userIdentityLoader` makes of it), with your
 * own `claims`. It expires after `JWT_ACCESS_TOKEN_EXPIRES` (15 minutes) and
 * is not fresh unless `{ fresh: true }` (a password login).
 *
 * @example
 * ```ts
 * app.post('/api/login', async function apiLogin() {
 *   const user = await checkCredentials(request.json)
 *   if (!user) return [{ msg: 'Bad username or password' }, 401]
 *   return { access_token: await createAccessToken(user, { role: user.role }, { fresh: true }) }
 * })
 * ```
 */
export function createAccessToken(identity: unknown, claims: Record<string, unknown> = {}, options: TokenOptions = {}): Promise<string> {
  return createToken('access', identity, claims, options)
}

/**
 * A signed refresh token for `identity`: it lives `JWT_REFRESH_TOKEN_EXPIRES`
 * (30 days) and is only accepted by views wrapped in `jwtRequired({ refresh: true })`.
 *
 * @example
 * ```ts
 * const refresh = await createRefreshToken(user)
 * ```
 */
export function createRefreshToken(identity: unknown, claims: Record<string, unknown> = {}, options: Omit<TokenOptions, 'fresh'> = {}): Promise<string> {
  return createToken('refresh', identity, claims, options)
}

function describe(jose: typeof Jose, err: unknown, token: string): string {
  if (err instanceof jose.errors.JWTExpired) return 'Token has expired'
  if (err instanceof jose.errors.JWSSignatureVerificationFailed) return 'Signature verification failed'
  if (err instanceof jose.errors.JOSEAlgNotAllowed) {
    let alg = 'unknown'
    try {
      alg = String(jose.decodeProtectedHeader(token).alg)
    } catch {
      /* the message stays generic */
    }
    return `The token's algorithm (${alg}) is not allowed`
  }
  if (err instanceof jose.errors.JWTClaimValidationFailed) {
    return err.claim === 'nbf' ? 'The token is not yet valid' : `Invalid token: the "${err.claim}" claim is not accepted`
  }
  if (err instanceof jose.errors.JOSEError) return `Invalid token: ${err.message}`
  return 'Invalid token'
}

/** Longest token looked at; anything longer is refused before parsing. */
const MAX_TOKEN_LENGTH = 8192

/**
 * The claims of a token after checking its signature (with an algorithm of
 * `JWT_DECODE_ALGORITHMS`, never `none`), expiry, `nbf`, issuer, audience and
 * shape. Throws a {@link JWTError} that says what was wrong.
 *
 * @example
 * ```ts
 * const claims = await decodeToken(token)
 * claims.sub // '42'
 * ```
 */
export async function decodeToken(token: string, ctx: Context = currentContext()): Promise<JwtClaims> {
  const app = ctx.app
  const config = app.config
  const scheme = config.JWT_HEADER_TYPE
  if (token.length > MAX_TOKEN_LENGTH) throw new JWTError('Invalid token: too long', scheme)
  const jose = await loadJose()
  const algorithms = (config.JWT_DECODE_ALGORITHMS ?? [config.JWT_ALGORITHM]).filter((a) => a && a.toLowerCase() !== 'none')
  let payload: Jose.JWTPayload
  try {
    ;({ payload } = await jose.jwtVerify(token, (header) => jwtKey(app, header.alg ?? '', 'verify'), {
      algorithms,
      clockTolerance: config.JWT_DECODE_LEEWAY,
      issuer: config.JWT_DECODE_ISSUER ?? undefined,
      audience: config.JWT_DECODE_AUDIENCE ?? undefined,
    }))
  } catch (err) {
    if (err instanceof Error && !(err instanceof jose.errors.JOSEError)) {
      // a key that is not configured is the server's fault, not the client's
      if (err.message.startsWith('phial/login:')) throw err
    }
    throw new JWTError(describe(jose, err, token), scheme)
  }
  const idClaim = config.JWT_IDENTITY_CLAIM
  if (typeof payload.jti !== 'string') throw new JWTError('Invalid token: missing claim "jti"', scheme)
  if (typeof payload[idClaim] !== 'string' || payload[idClaim] === '') throw new JWTError(`Invalid token: missing claim "${idClaim}"`, scheme)
  if (payload.type !== 'access' && payload.type !== 'refresh') throw new JWTError('Invalid token: missing or invalid claim "type"', scheme)
  return payload as JwtClaims
}
