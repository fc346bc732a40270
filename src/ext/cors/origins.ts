/**
 * Checking the `Origin` header and matching it against the allowed origins.
 */
import type { Request } from 'phial'
import type { OriginFunction, OriginMatcher } from './types.ts'

/**
 * Longest origin looked at; a longer header is refused without running any pattern (bounds RegExp cost).
 *
 * @example
 * ```ts
 * isValidOrigin('https://' + 'a'.repeat(MAX_ORIGIN_LENGTH)) // false
 * ```
 */
export const MAX_ORIGIN_LENGTH = 512

/**
 * A serialized origin as browsers send it: `scheme://host[:port]`, nothing
 * else (no path, user info, spaces or commas — a repeated header arrives
 * joined with `, ` and is refused), or the opaque `null`.
 */
const ORIGIN_SYNTAX = /^[a-z][a-z0-9+.-]*:\/\/(?:\[[0-9a-f:.]+\]|[a-z0-9._~!$&'()*+=%-]+)(?::\d{1,5})?$/i

/**
 * True when `origin` is a well-formed serialized origin (or `null`) short
 * enough to be matched. Anything else gets no CORS headers: it can only come
 * from a client that is not a browser, or from an attack.
 *
 * @example
 * ```ts
 * isValidOrigin('https://example.com:8443') // true
 * isValidOrigin('https://example.com/path') // false
 * isValidOrigin('https://a.test\r\nSet-Cookie: x=1') // false
 * ```
 */
export function isValidOrigin(origin: string): boolean {
  return origin.length <= MAX_ORIGIN_LENGTH && (origin === 'null' || ORIGIN_SYNTAX.test(origin))
}

/**
 * The allowed origins, compiled once.
 *
 * @example
 * ```ts
 * const rule: OriginRule = compileOrigins(['*'])
 * rule.wildcard // true
 * ```
 */
export interface OriginRule {
  /** `'*'` was listed. */
  readonly wildcard: boolean
  /** Exact origins, lower-cased. */
  readonly exact: ReadonlySet<string>
  /** Anchored RegExps. */
  readonly patterns: readonly RegExp[]
  /** Functions, called per request. */
  readonly functions: readonly OriginFunction[]
}

/** A RegExp that must match the whole origin (Flask-CORS's `re.match` only anchors the start: `https://a.com` would allow `https://a.com.evil.test`). */
function anchored(re: RegExp): RegExp {
  const flags = re.flags.replace(/[gy]/g, '')
  return new RegExp(`^(?:${re.source})$`, flags)
}

/**
 * Compiles the `origins` option.
 *
 * @throws TypeError for a value that is not a string, RegExp or function.
 *
 * @example
 * ```ts
 * const rule = compileOrigins(['https://example.com', /^https:\/\/.*\.example\.com$/])
 * originAllowed(rule, 'https://api.example.com', request) // true
 * ```
 */
export function compileOrigins(origins: OriginMatcher | readonly OriginMatcher[]): OriginRule {
  const list = Array.isArray(origins) ? (origins as readonly OriginMatcher[]) : [origins as OriginMatcher]
  let wildcard = false
  const exact = new Set<string>()
  const patterns: RegExp[] = []
  const functions: OriginFunction[] = []
  for (const item of list) {
    if (item === '*') wildcard = true
    else if (typeof item === 'string') {
      if (!isValidOrigin(item)) {
        throw new TypeError(
          `CORS origin ${JSON.stringify(item)} is not an origin: write 'scheme://host[:port]' without a path, ` +
            `'null', '*', or use a RegExp for a pattern.`,
        )
      }
      exact.add(item.toLowerCase())
    } else if (item instanceof RegExp) patterns.push(anchored(item))
    else if (typeof item === 'function') functions.push(item)
    else throw new TypeError(`CORS origins take strings, RegExps or functions, not ${typeof item}.`)
  }
  return { wildcard, exact, patterns, functions }
}

/** What a function's answer allows. */
function functionAllows(answer: ReturnType<OriginFunction>, origin: string, lower: string): boolean {
  if (answer === true) return true
  if (!answer) return false
  if (typeof answer === 'string') return answer === '*' ? origin !== 'null' : answer.toLowerCase() === lower
  if (Array.isArray(answer)) return answer.some((a) => (a === '*' ? origin !== 'null' : String(a).toLowerCase() === lower))
  return false
}

/**
 * True when `origin` (already checked with {@link isValidOrigin}) is allowed.
 * The opaque origin `null` (sandboxed frames, `file:` pages, some redirects)
 * is allowed only when listed as the exact string `'null'` or accepted by a
 * function: a wildcard or RegExp never matches it, because every attacker can
 * make a request with `Origin: null`.
 *
 * @example
 * ```ts
 * originAllowed(compileOrigins('*'), 'null', request)    // false
 * originAllowed(compileOrigins('null'), 'null', request) // true
 * ```
 */
export function originAllowed(rule: OriginRule, origin: string, request: Request): boolean {
  const lower = origin.toLowerCase()
  if (rule.exact.has(lower)) return true
  if (origin === 'null') {
    for (const fn of rule.functions) if (functionAllows(fn(origin, request), origin, lower)) return true
    return false
  }
  if (rule.wildcard) return true
  for (const re of rule.patterns) if (re.test(origin)) return true
  for (const fn of rule.functions) if (functionAllows(fn(origin, request), origin, lower)) return true
  return false
}
