/**
 * The headers of one set of options, computed once: a request only copies
 * strings into the response (and joins its nonce into the CSP when a page
 * used one).
 */
import { HeaderMap, type Request, type Response } from 'phial'
import { compileCsp, parseCsp, type CompiledCsp } from './csp.ts'
import { DEFAULT_CSP_POLICY, type ResolvedTalismanOptions } from './defaults.ts'
import type { StructuredPolicy } from './types.ts'

/**
 * The compiled headers of one set of options.
 *
 * @example
 * ```ts
 * const set: HeaderSet = compileHeaders(resolveTalismanOptions({ strictTransportSecurityPreload: true }))
 * set.hsts // 'max-age=31536000; includeSubDomains; preload'
 * ```
 */
export interface HeaderSet {
  readonly forceHttps: boolean
  /** `[lower-case name, value]` sent on every response. */
  readonly always: ReadonlyArray<readonly [string, string]>
  /** `Strict-Transport-Security`, sent over HTTPS only. */
  readonly hsts: string | null
  readonly cspHttp: CompiledCsp | null
  readonly cspHttps: CompiledCsp | null
  /** False when nothing differs between HTTP and HTTPS: the scheme is then not even looked at. */
  readonly bySchemeDiffers: boolean
}

const FEATURE = /^[a-z][a-z0-9-]*$/

function structured(option: string, policy: StructuredPolicy | null): string | null {
  if (policy === null) return null
  if (typeof policy === 'string') return policy || null
  const parts: string[] = []
  for (const [feature, allow] of Object.entries(policy)) {
    if (!FEATURE.test(feature)) throw new TypeError(`${option}: feature name ${JSON.stringify(feature)} is not valid.`)
    if (typeof allow !== 'string') throw new TypeError(`${option}: the allowlist of ${feature} must be a string such as '()' or '(self)'.`)
    parts.push(`${feature}=${allow}`)
  }
  return parts.length ? parts.join(', ') : null
}

/** The default policy's frame-ancestors follows frameOptions, so the two never disagree. */
function cspFor(options: ResolvedTalismanOptions, secure: boolean): CompiledCsp | null {
  const policy = options.contentSecurityPolicy
  if (policy === null || policy === '') return null
  const parsed = parseCsp(policy)
  if (policy === DEFAULT_CSP_POLICY) {
    if (options.frameOptions === 'DENY') parsed.set('frame-ancestors', ["'none'"])
    else if (options.frameOptions === null) parsed.delete('frame-ancestors')
    if (secure) parsed.set('upgrade-insecure-requests', [])
  }
  return compileCsp(parsed, {
    nonceIn: options.contentSecurityPolicyNonceIn,
    reportUri: options.contentSecurityPolicyReportUri,
    reportOnly: options.contentSecurityPolicyReportOnly,
  })
}

/**
 * Compiles resolved options into a {@link HeaderSet}, checking every value
 * (a CR or LF in any of them throws here, at init, not per request).
 *
 * @throws TypeError for a malformed option, naming it.
 *
 * @example
 * ```ts
 * const set = compileHeaders(resolveTalismanOptions({ frameOptions: 'DENY' }))
 * set.always.find(([name]) => name === 'x-frame-options') // ['x-frame-options', 'DENY']
 * ```
 */
export function compileHeaders(options: ResolvedTalismanOptions): HeaderSet {
  const check = new HeaderMap()
  const always: Array<[string, string]> = []
  const add = (name: string, value: string | null | false): void => {
    if (value === null || value === false || value === '') return
    // Node refuses to send a header value outside latin-1 at every response: refuse it once, here
    if (typeof value !== 'string' || /[^\t\x20-\x7e]/.test(value)) {
      throw new TypeError(`${name}: ${JSON.stringify(value)} is not a header value (visible ASCII only).`)
    }
    check.set(name, value)
    always.push([name.toLowerCase(), value])
  }
  if (options.frameOptions !== null && options.frameOptions !== 'DENY' && options.frameOptions !== 'SAMEORIGIN') {
    throw new TypeError(`frameOptions is 'DENY', 'SAMEORIGIN' or null (ALLOW-FROM is obsolete: use the CSP's frame-ancestors), got ${JSON.stringify(options.frameOptions)}.`)
  }
  add('X-Frame-Options', options.frameOptions)
  add('X-Content-Type-Options', options.xContentTypeOptions && 'nosniff')
  add('Referrer-Policy', options.referrerPolicy)
  add('Permissions-Policy', structured('permissionsPolicy', options.permissionsPolicy))
  add('Document-Policy', structured('documentPolicy', options.documentPolicy))
  add('Cross-Origin-Opener-Policy', options.crossOriginOpenerPolicy)
  add('Cross-Origin-Resource-Policy', options.crossOriginResourcePolicy)
  add('Cross-Origin-Embedder-Policy', options.crossOriginEmbedderPolicy)
  add('Origin-Agent-Cluster', options.originAgentCluster && '?1')
  add('X-DNS-Prefetch-Control', options.xDnsPrefetchControl)
  add('X-Download-Options', options.forceFileSave && 'noopen')
  add('X-Permitted-Cross-Domain-Policies', options.xPermittedCrossDomainPolicies)
  add('X-XSS-Protection', options.xXssProtection)

  let hsts: string | null = null
  if (options.strictTransportSecurity) {
    const maxAge = options.strictTransportSecurityMaxAge
    if (!Number.isInteger(maxAge) || maxAge < 0) throw new TypeError(`strictTransportSecurityMaxAge must be whole seconds, got ${JSON.stringify(maxAge)}.`)
    hsts = `max-age=${maxAge}`
    if (options.strictTransportSecurityIncludeSubdomains) hsts += '; includeSubDomains'
    if (options.strictTransportSecurityPreload) hsts += '; preload'
  }
  const cspHttp = cspFor(options, false)
  const cspHttps = options.contentSecurityPolicy === DEFAULT_CSP_POLICY ? cspFor(options, true) : cspHttp
  for (const csp of [cspHttp, cspHttps]) if (csp) check.set(csp.header, csp.pieces ? csp.pieces.join('n') : csp.plain)
  return { forceHttps: options.forceHttps, always, hsts, cspHttp, cspHttps, bySchemeDiffers: hsts !== null || cspHttp !== cspHttps }
}

/**
 * Writes a header set into a response. Headers the view already set are
 * kept: a view that sends its own `Content-Security-Policy` means it.
 *
 * @example
 * ```ts
 * app.afterRequest((response, ctx) => { applyHeaders(set, ctx.request, response, null) })
 * ```
 */
export function applyHeaders(set: HeaderSet, request: Request, response: Response, nonce: string | null): void {
  const raw = response.headers.raw
  const always = set.always
  for (let i = 0; i < always.length; i++) {
    const [name, value] = always[i]!
    if (raw[name] === undefined) raw[name] = value
  }
  const secure = set.bySchemeDiffers && request.isSecure
  if (secure && set.hsts !== null && raw['strict-transport-security'] === undefined) raw['strict-transport-security'] = set.hsts
  const csp = secure ? set.cspHttps : set.cspHttp
  if (csp !== null && raw[csp.header] === undefined) {
    raw[csp.header] = nonce !== null && csp.pieces !== null ? csp.pieces.join(nonce) : csp.plain
  }
}
