/**
 * Werkzeug's ProxyFix for the sans-IO request: how many proxies to trust for
 * each `X-Forwarded-*` header, the value the n-th proxy from us appended, and
 * the syntax checks that make a forwarded host or prefix safe to build URLs
 * from (a value that fails them is ignored, as ProxyFix ignores bad syntax).
 */

import type { TrustProxy, TrustProxyCounts } from '../config/keys.ts'

export type { TrustProxy, TrustProxyCounts }

/** A header of {@link TrustProxyCounts}. */
export type ForwardedKind = keyof TrustProxyCounts

const count = (value: unknown): number => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 0)

/**
 * How many proxies `TRUST_PROXY` trusts for one header: a number or `true`
 * covers `-For` and `-Proto` only (what it always meant for them; Werkzeug's
 * defaults), an object names each header.
 *
 * @example
 * ```ts
 * trustedCount(1, 'prefix') // 0
 * trustedCount({ prefix: 1 }, 'prefix') // 1
 * ```
 */
export function trustedCount(trust: TrustProxy | null | undefined, kind: ForwardedKind): number {
  if (trust === true) return kind === 'for' || kind === 'proto' ? 1 : 0
  if (typeof trust === 'number') return kind === 'for' || kind === 'proto' ? count(trust) : 0
  if (trust && typeof trust === 'object') return count(trust[kind])
  return 0
}

/**
 * The value the n-th proxy from us appended to a comma-separated header, or
 * null when there are fewer values than trusted proxies.
 *
 * @example
 * ```ts
 * forwardedValue('1.1.1.1, 2.2.2.2', 1) // '2.2.2.2'
 * ```
 */
export function forwardedValue(header: string | string[] | undefined, hops: number): string | null {
  if (hops === 0 || typeof header !== 'string' || header === '') return null
  const parts = header.split(',')
  const item = parts.length >= hops ? parts[parts.length - hops] : undefined
  return item?.trim() || null
}

// one path segment's characters (RFC 3986 pchar, percent escapes included)
const PREFIX = /^(?:\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]+)+\/?$/

/**
 * True for a mount point a URL can be built from: `/` followed by
 * non-empty segments — no `//` (a scheme-relative URL), no backslash (which
 * browsers read as `/`), no scheme, no spaces or control characters.
 *
 * @example
 * ```ts
 * isSafePrefix('/blog')          // true
 * isSafePrefix('//evil.example') // false
 * ```
 */
export function isSafePrefix(prefix: string): boolean {
  return prefix === '/' || (prefix.length <= 1024 && PREFIX.test(prefix))
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9\-_.]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

/**
 * True for `name[:port]` or `[ipv6][:port]`: nothing a URL could be bent by
 * (`/`, `?`, `#`, `@`, spaces).
 *
 * @example
 * ```ts
 * isValidHost('example.com:8443') // true
 * isValidHost('evil.example/x')   // false
 * ```
 */
export function isValidHost(host: string): boolean {
  return host.length <= 255 && HOST.test(host)
}

/**
 * `host` with its port replaced (ProxyFix's `X-Forwarded-Port`).
 *
 * @example
 * ```ts
 * withPort('internal:8000', '8443') // 'internal:8443'
 * ```
 */
export function withPort(host: string, port: string): string {
  const colon = host.lastIndexOf(':')
  // a colon after the "]" of an IPv6 literal, or in a plain name, starts the port
  const name = colon !== -1 && !host.endsWith(']') ? host.slice(0, colon) : host
  return `${name}:${port}`
}

/** True for a decimal port 1–65535. */
export function isValidPort(port: string): boolean {
  return /^\d{1,5}$/.test(port) && Number(port) > 0 && Number(port) <= 65535
}
