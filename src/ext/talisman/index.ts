/**
 * `phial/talisman`: HTTP security headers (Flask-Talisman's `Talisman`):
 * HTTPS redirect, HSTS, CSP with nonces, frame, referrer, permissions and
 * cross-origin policies, secure session cookies.
 *
 * @module
 * @example
 * ```ts
 * import { Talisman } from 'phial/talisman'
 *
 * const talisman = new Talisman(app)
 * // templates: <script nonce="{{ csp_nonce() }}">…</script>
 * ```
 */
export { Talisman, resolveTalismanOptions } from './talisman.ts'
export { cspNonce, nonceOf } from './nonce.ts'
export { DEFAULT_CSP_POLICY, DEFAULT_PERMISSIONS_POLICY, ONE_YEAR_IN_SECONDS, TALISMAN_DEFAULTS, type ResolvedTalismanOptions } from './defaults.ts'
export { compileCsp, parseCsp, newNonce, type CompiledCsp, type CompileCspOptions, type ParsedCsp } from './csp.ts'
export { applyHeaders, compileHeaders, type HeaderSet } from './headers.ts'
export type { CspPolicy, StructuredPolicy, TalismanOptions, TalismanViewOptions } from './types.ts'
