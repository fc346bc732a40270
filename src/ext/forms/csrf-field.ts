/**
 * The hidden `csrf_token` field every form carries (Flask-WTF's
 * `_FlaskFormCSRF`): it renders the session's current token and, unless
 * `CSRFProtect` already checked the request, checks the submitted one.
 */
import { currentContext } from 'phial'
import { CSRFError, generateCsrf, validateCsrf } from 'phial/csrf'
import type { BoundField } from './field.ts'
import { HiddenField, inputTag } from './fields.ts'
import type { HtmlAttrs } from './html.ts'

/**
 * The CSRF token field: `{{ form.csrf_token }}` prints
 * `<input id="csrf_token" name="csrf_token" type="hidden" value="…">`, the
 * token of `generateCsrf()` (never the submitted one).
 *
 * @example
 * ```ts
 * form.csrf_token?.errors   // ['The CSRF token is missing.'] after a post without it
 * ```
 */
export class CsrfTokenField extends HiddenField {
  override readonly type: string = 'CSRFTokenField'
  override widget(field: BoundField<string>, attrs: HtmlAttrs): string {
    return inputTag('hidden', field, attrs, generateCsrf())
  }
}

/** Whether forms of this app carry a CSRF field: `WTF_CSRF_ENABLED` (default true), and a request to take the token from. */
export function csrfEnabled(explicit: boolean | undefined): boolean {
  if (explicit !== undefined) return explicit
  let ctx
  try {
    ctx = currentContext()
  } catch {
    return false
  }
  if (!ctx.hasRequest) return false
  return ctx.app.config.get('WTF_CSRF_ENABLED') !== false
}

/** The HTML name of the CSRF field (`WTF_CSRF_FIELD_NAME`, default `csrf_token`). */
export function csrfFieldName(name: unknown): string {
  return typeof name === 'string' && name !== '' ? name : 'csrf_token'
}

/**
 * Checks a form's token: passes when `CSRFProtect` already validated this
 * request (`g.csrf_valid`), else validates the submitted token and returns
 * the reason it failed ("The CSRF token is missing."), or null.
 */
export function csrfFailure(token: string | undefined): string | null {
  const ctx = currentContext()
  if (ctx.g.get('csrf_valid') === true) return null
  try {
    validateCsrf(token)
    return null
  } catch (err) {
    if (!(err instanceof CSRFError)) throw err
    const reason = err.description ?? err.message
    ctx.app.logger.info({ requestId: ctx.request.id, reason }, `CSRF check of a form failed: ${reason}`)
    return reason
  }
}
