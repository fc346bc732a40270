/**
 * Finding and checking the token of a request: the `Authorization` header
 * (with its scheme) and/or the cookies with their double-submit CSRF check.
 */
import { timingSafeEqual } from 'node:crypto'
import type { Context } from 'phial'
import { JWTError } from './errors.ts'
import type { TokenLocation } from './config.ts'
import type { JWTManager } from './manager.ts'
import { decodeToken, type JwtClaims } from './tokens.ts'

/**
 * The state of a request's token, once checked.
 *
 * @example
 * ```ts
 * jwtStateOf(ctx)?.claims.sub
 * ```
 */
export interface JwtState {
  claims: JwtClaims
  /** The user `userLookupLoader` gave (null without a loader). */
  user: object | null
  /** Where the token was found. */
  location: TokenLocation
}

const states = new WeakMap<Context, JwtState>()

/**
 * The checked token of a request, or undefined when none was checked.
 *
 * @example
 * ```ts
 * const state = jwtStateOf(currentContext())
 * ```
 */
export function jwtStateOf(ctx: Context): JwtState | undefined {
  return states.get(ctx)
}

/** @internal */
export function setJwtState(ctx: Context, state: JwtState): void {
  states.set(ctx, state)
}

/**
 * "No token here", with what was looked for. A value, not an exception: an
 * optional route sees it on every anonymous request, and an Error would
 * capture a stack trace each time. It becomes a JWTError only when a token
 * was required.
 */
interface Missing {
  missing: string
}

function sameValue(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** The token header's value; empty or null: no token there. */
function headerValue(ctx: Context): string | null {
  return ctx.request.headers.get(ctx.app.config.JWT_HEADER_NAME)
}

/** The token cookie's value; empty or undefined: no token there. */
function cookieValue(ctx: Context, refresh: boolean): string | undefined {
  const config = ctx.app.config
  return ctx.request.cookies[refresh ? config.JWT_REFRESH_COOKIE_NAME : config.JWT_ACCESS_COOKIE_NAME]
}

function fromHeader(ctx: Context): string | Missing {
  const config = ctx.app.config
  const name = config.JWT_HEADER_NAME
  const scheme = config.JWT_HEADER_TYPE
  const header = headerValue(ctx)
  if (!header) return { missing: `Missing ${name} Header` }
  const parts = header.trim().split(/\s+/)
  if (!scheme) {
    if (parts.length !== 1) throw new JWTError(`Bad ${name} header. Expected '${name}: <JWT>'`, scheme)
    return parts[0]!
  }
  // the scheme is case-insensitive (RFC 9110); "Bearer" and "Token" both work when configured
  if (parts.length !== 2 || parts[0]!.toLowerCase() !== scheme.toLowerCase()) {
    throw new JWTError(`Bad ${name} header. Expected '${name}: ${scheme} <JWT>'`, scheme)
  }
  return parts[1]!
}

function fromCookie(ctx: Context, refresh: boolean): { token: string; csrfHeader: string | null } | Missing {
  const config = ctx.app.config
  const name = refresh ? config.JWT_REFRESH_COOKIE_NAME : config.JWT_ACCESS_COOKIE_NAME
  const token = cookieValue(ctx, refresh)
  if (!token) return { missing: `Missing cookie "${name}"` }
  const header = refresh ? config.JWT_REFRESH_CSRF_HEADER_NAME : config.JWT_ACCESS_CSRF_HEADER_NAME
  return { token, csrfHeader: ctx.request.headers.get(header) ?? null }
}

/**
 * Options of {@link checkRequestToken}.
 *
 * @example
 * ```ts
 * const options: VerifyOptions = { refresh: true, locations: ['cookies'] }
 * ```
 */
export interface VerifyOptions {
  /** No token is fine (the user is anonymous); a bad token is still refused. */
  optional?: boolean
  /** Require a fresh access token. */
  fresh?: boolean
  /** Require a refresh token instead of an access token. */
  refresh?: boolean
  /** Where to look (default `JWT_TOKEN_LOCATION`). */
  locations?: TokenLocation[]
}

/**
 * True when nothing was checked for this request yet and it carries no token
 * where `options` looks: then an `optional` check resolves to null and does
 * nothing else, so the caller can skip it — no promise, no wait for the
 * next microtask on every anonymous request. False for anything the full
 * check must see (a token, even a malformed one; an unknown location).
 *
 * @example
 * ```ts
 * if (options.optional && carriesNoToken(ctx, options)) return view(...args)
 * ```
 */
export function carriesNoToken(ctx: Context, options: VerifyOptions): boolean {
  if (states.has(ctx)) return false
  for (const location of options.locations ?? ctx.app.config.JWT_TOKEN_LOCATION) {
    if (location === 'headers') {
      if (headerValue(ctx)) return false
    } else if (location === 'cookies') {
      if (cookieValue(ctx, options.refresh === true)) return false
    } else return false
  }
  return true
}

/**
 * Finds, checks and (with `userLookupLoader`) resolves the request's token;
 * resolves to its state, or null when `optional` and there is none. Throws
 * a {@link JWTError} otherwise.
 *
 * @example
 * ```ts
 * app.beforeRequest(async (ctx) => { if (ctx.request.path.startsWith('/api/')) await checkRequestToken(manager, ctx) })
 * ```
 */
export async function checkRequestToken(manager: JWTManager, ctx: Context, options: VerifyOptions = {}): Promise<JwtState | null> {
  const known = states.get(ctx)
  const wanted = options.refresh ? 'refresh' : 'access'
  if (known !== undefined && known.claims.type === wanted) return checkFresh(ctx, known, options)
  const config = ctx.app.config
  const scheme = config.JWT_HEADER_TYPE
  const locations = options.locations ?? config.JWT_TOKEN_LOCATION
  const missing: string[] = []
  let found: { token: string; location: TokenLocation; csrfHeader: string | null } | null = null
  for (const location of locations) {
    if (location === 'headers') {
      const token = fromHeader(ctx)
      if (typeof token === 'string') found = { token, location, csrfHeader: null }
      else missing.push(token.missing)
    } else if (location === 'cookies') {
      const cookie = fromCookie(ctx, wanted === 'refresh')
      if ('token' in cookie) found = { ...cookie, location }
      else missing.push(cookie.missing)
    } else {
      throw new Error(`JWT_TOKEN_LOCATION: unknown location ${JSON.stringify(location)} (use 'headers' or 'cookies')`)
    }
    if (found !== null) break
  }
  if (found === null) {
    if (options.optional) return null
    throw new JWTError(missing.length === 1 ? missing[0]! : `Missing JWT in ${locations.join(' or ')} (${missing.join('; ')})`, scheme)
  }
  const claims = await decodeToken(found.token, ctx)
  if (claims.type !== wanted) throw new JWTError(wanted === 'access' ? 'Only non-refresh tokens are allowed' : 'Only refresh tokens are allowed', scheme)
  if (found.location === 'cookies' && config.JWT_COOKIE_CSRF_PROTECT && config.JWT_CSRF_METHODS.includes(ctx.request.method)) {
    if (!found.csrfHeader) throw new JWTError('Missing CSRF token', scheme)
    if (typeof claims.csrf !== 'string' || !sameValue(found.csrfHeader, claims.csrf)) throw new JWTError('CSRF double submit tokens do not match', scheme)
  }
  if (await manager.isRevoked(claims)) throw new JWTError('Token has been revoked', scheme)
  const identity = String(claims[config.JWT_IDENTITY_CLAIM])
  let user: object | null = null
  if (manager.hasUserLookup) {
    user = (await manager.lookupUser(identity, claims)) ?? null
    if (user === null) throw new JWTError(`Error loading the user ${identity}`, scheme)
  }
  const state: JwtState = { claims, user, location: found.location }
  states.set(ctx, state)
  return checkFresh(ctx, state, options)
}

function checkFresh(ctx: Context, state: JwtState, options: VerifyOptions): JwtState {
  if (!options.fresh) return state
  const fresh = state.claims.fresh
  const ok = fresh === true || (typeof fresh === 'number' && fresh >= Date.now() / 1000)
  if (!ok) throw new JWTError('Fresh token required', ctx.app.config.JWT_HEADER_TYPE)
  return state
}
