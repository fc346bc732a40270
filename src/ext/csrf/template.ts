/**
 * `csrf_token()` in templates, registered with the app's template globals.
 */
import type { Phial } from 'phial'
import { generateCsrf } from './token.ts'

/**
 * Registers `csrf_token()` as a template global of `app` (Flask-WTF's
 * `csrf_token`), so a form can carry the token.
 *
 * @example
 * ```ts
 * registerCsrfTemplateGlobal(app)
 * // <input type="hidden" name="csrf_token" value="{{ csrf_token() }}">
 * ```
 */
export function registerCsrfTemplateGlobal(app: Phial): void {
  app.templateGlobal('csrf_token', function csrf_token(): string {
    return generateCsrf()
  })
}
