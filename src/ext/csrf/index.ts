/**
 * `phial/csrf`: CSRF protection (Flask-WTF's `CSRFProtect`, `generate_csrf`,
 * `validate_csrf`, `CSRFError`).
 *
 * @example
 * ```ts
 * import { CSRFProtect, CSRFError, generateCsrf } from 'phial/csrf'
 *
 * const csrf = new CSRFProtect(app)
 * app.get('/form', function form() {
 *   return `<form method="post"><input type="hidden" name="csrf_token" value="${generateCsrf()}"><button>Go</button></form>`
 * })
 * app.errorHandler(CSRFError, (e) => [`Please reload the page (${e.description})`, 400])
 * ```
 */
export { CSRFProtect, type CsrfExemptTarget } from './protect.ts'
export { CSRFError } from './errors.ts'
export { generateCsrf, validateCsrf, CSRF_SALT, type CsrfTokenOptions, type ValidateCsrfOptions } from './token.ts'
export { CSRF_DEFAULTS, applyCsrfDefaults } from './config.ts'
export { sameOrigin, checkReferrer } from './referrer.ts'
export { registerCsrfTemplateGlobal } from './template.ts'
