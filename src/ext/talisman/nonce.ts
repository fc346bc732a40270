/**
 * The per-request CSP nonce: made on first use, the same for the whole
 * request, and put into the CSP header of its response.
 */
import { currentContext, type Request } from 'phial'
import { newNonce } from './csp.ts'

const nonces = new WeakMap<Request, string>()

/**
 * The current request's CSP nonce (Flask-Talisman's `csp_nonce()`, which
 * templates call by that name). Put it on inline `<script>` and `<style>`
 * tags; the response's CSP then allows exactly those. Made on first call:
 * a response whose page asked for none carries the CSP without a nonce.
 *
 * With `streamTemplate`, call it in the view before streaming: the headers
 * are sent before the template runs.
 *
 * @throws `ContextError` outside a request.
 *
 * @example
 * ```ts
 * import { cspNonce } from 'phial/talisman'
 *
 * app.get('/', function index() {
 *   return `<script nonce="${cspNonce()}">console.log('allowed')</script>`
 * })
 * // in a template: <script nonce="{{ csp_nonce() }}">…</script>
 * ```
 */
export function cspNonce(): string {
  const request = currentContext().request
  let nonce = nonces.get(request)
  if (nonce === undefined) {
    nonce = newNonce()
    nonces.set(request, nonce)
  }
  return nonce
}

/**
 * The nonce of a request if a page asked for one, else null.
 *
 * @example
 * ```ts
 * app.afterRequest((response, ctx) => { if (nonceOf(ctx.request)) audit('inline script served') })
 * ```
 */
export function nonceOf(request: Request): string | null {
  return nonces.get(request) ?? null
}
