/**
 * The error a failed CSRF check raises.
 */
import { BadRequest } from 'phial'

/**
 * A failed CSRF check: a 400 whose description says what was wrong (Flask-WTF's
 * messages, such as "The CSRF token is missing."). Handle it like any HTTP
 * error to show your own page.
 *
 * @example
 * ```ts
 * import { CSRFError } from 'phial/csrf'
 *
 * app.errorHandler(CSRFError, (e) => [renderTemplate('csrf_error.html', { reason: e.description }), 400])
 * ```
 */
export class CSRFError extends BadRequest {
  static override description = 'CSRF validation failed.'
}
