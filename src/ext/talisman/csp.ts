/**
 * Content-Security-Policy: parsing, checking and serialising a policy once,
 * into a header value with slots for the per-request nonce.
 */
import { randomBytes } from 'node:crypto'
import type { CspPolicy } from './types.ts'

/** Keywords that only mean something quoted: unquoted, `self` is a host named "self". */
const KEYWORDS = new Set(['self', 'none', 'unsafe-inline', 'unsafe-eval', 'unsafe-hashes', 'strict-dynamic', 'report-sample', 'wasm-unsafe-eval', 'inline-speculation-rules'])
const DIRECTIVE = /^[a-z][a-z0-9-]*$/
/** A source is visible ASCII without the separators: anything else cannot be sent in a header or would split the policy. */
const BAD_SOURCE = /[^\x21-\x7e]|[;,]/

/**
 * A parsed policy: directive → sources, in order.
 *
 * @example
 * ```ts
 * const parsed: ParsedCsp = parseCsp("default-src 'self'")
 * parsed.get('default-src') // ["'self'"]
 * ```
 */
export type ParsedCsp = Map<string, string[]>

function dashify(name: string): string {
  return name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())
}

function checkSource(directive: string, source: string): string {
  if (BAD_SOURCE.test(source)) {
    throw new TypeError(`CSP ${directive}: source ${JSON.stringify(source)} contains ';', ',', a control character or a non-ASCII character (write hosts in punycode).`)
  }
  if (KEYWORDS.has(source) || /^(nonce|sha256|sha384|sha512)-/.test(source)) {
    throw new TypeError(`CSP ${directive}: write the keyword ${JSON.stringify(source)} in single quotes: "'${source}'".`)
  }
  return source
}

/**
 * Parses and checks a policy given as a string (`"default-src 'self'; img-src *"`)
 * or an object; directive names may be camelCase.
 *
 * @throws TypeError naming the directive for a bad name, an unquoted keyword,
 *   or a value with `;`, `,`, CR or LF.
 *
 * @example
 * ```ts
 * parseCsp({ defaultSrc: "'self'", imgSrc: ["'self'", 'data:'] }).get('img-src') // ["'self'", 'data:']
 * ```
 */
export function parseCsp(policy: string | CspPolicy): ParsedCsp {
  const out: ParsedCsp = new Map()
  const entries: Array<[string, string | readonly string[]]> = []
  if (typeof policy === 'string') {
    if (/[^\t\x20-\x7e]/.test(policy)) throw new TypeError('CSP policy contains a control character (CR, LF, …) or a non-ASCII character.')
    for (const part of policy.split(';')) {
      const words = part.trim().split(/[\t ]+/).filter(Boolean)
      if (words.length) entries.push([words[0]!, words.slice(1)])
    }
  } else if (policy !== null && typeof policy === 'object') {
    entries.push(...Object.entries(policy))
  } else {
    throw new TypeError(`A CSP policy is a string or an object, not ${typeof policy}.`)
  }
  for (const [rawName, value] of entries) {
    const name = dashify(rawName)
    if (!DIRECTIVE.test(name)) throw new TypeError(`CSP directive name ${JSON.stringify(rawName)} is not valid.`)
    const list = typeof value === 'string' ? value.split(/[\t ]+/).filter(Boolean) : [...value]
    const sources = list.map((s) => {
      if (typeof s !== 'string') throw new TypeError(`CSP ${name}: sources are strings.`)
      return checkSource(name, s.trim())
    })
    out.set(name, [...(out.get(name) ?? []), ...sources])
  }
  return out
}

/**
 * A compiled CSP header: the value without a nonce, and the pieces a nonce joins.
 *
 * @example
 * ```ts
 * const csp: CompiledCsp = compileCsp(parseCsp("script-src 'self'"), { nonceIn: ['script-src'], reportUri: null, reportOnly: false })
 * csp.plain // "script-src 'self'"
 * ```
 */
export interface CompiledCsp {
  /** `Content-Security-Policy` or `Content-Security-Policy-Report-Only`. */
  readonly header: string
  /** The value when the page used no nonce. */
  readonly plain: string
  /** `pieces.join(nonce)` is the value with the nonce; null when no directive takes one. */
  readonly pieces: readonly string[] | null
}

/**
 * Options of {@link compileCsp}.
 *
 * @example
 * ```ts
 * const options: CompileCspOptions = { nonceIn: ['script-src'], reportUri: '/csp-report', reportOnly: true }
 * ```
 */
export interface CompileCspOptions {
  readonly nonceIn: readonly string[]
  readonly reportUri: string | null
  readonly reportOnly: boolean
}

/** Placeholder inside the serialised policy; nonces are base64, so it cannot clash. */
const SLOT = '\u0000nonce\u0000'

/**
 * Serialises a parsed policy into a {@link CompiledCsp}: `report-uri` is
 * appended when set (and the policy has none), and each directive of
 * `nonceIn` present in the policy gets a `'nonce-…'` slot.
 *
 * @example
 * ```ts
 * const csp = compileCsp(parseCsp("script-src 'self'"), { nonceIn: ['script-src'], reportUri: null, reportOnly: false })
 * csp.pieces!.join('abc') // "script-src 'self' 'nonce-abc'"
 * ```
 */
export function compileCsp(policy: ParsedCsp, options: CompileCspOptions): CompiledCsp {
  if (options.reportUri !== null && /[^\x21-\x7e]|;/.test(options.reportUri)) {
    throw new TypeError('contentSecurityPolicyReportUri must be visible ASCII without spaces or \';\'.')
  }
  const withNonce: string[] = []
  const plain: string[] = []
  let slots = 0
  for (const [name, sources] of policy) {
    const text = sources.length ? `${name} ${sources.join(' ')}` : name
    plain.push(text)
    if (options.nonceIn.includes(name)) {
      withNonce.push(`${text} 'nonce-${SLOT}'`)
      slots++
    } else withNonce.push(text)
  }
  if (options.reportUri !== null && !policy.has('report-uri')) {
    plain.push(`report-uri ${options.reportUri}`)
    withNonce.push(`report-uri ${options.reportUri}`)
  }
  return {
    header: options.reportOnly ? 'content-security-policy-report-only' : 'content-security-policy',
    plain: plain.join('; '),
    pieces: slots ? withNonce.join('; ').split(SLOT) : null,
  }
}

/**
 * A fresh nonce: 16 random bytes, base64 (CSP asks for at least 128 bits).
 *
 * @example
 * ```ts
 * newNonce() // 'k3Jd0sY1m1Xz9lZ7b1N0Qw=='
 * ```
 */
export function newNonce(): string {
  return randomBytes(16).toString('base64')
}
