/**
 * `Forms`: the extension that gives templates the form helpers.
 */
import type { Phial } from 'phial'
import { applyCsrfDefaults } from 'phial/csrf'
import { renderErrors, renderField } from './render.ts'

/**
 * Registers the template helpers `render_field(field, **attrs)` and
 * `render_errors(errors)` (Flask's `_formhelpers.html` macros, built in).
 * Forms themselves need no setup; CSRF checking of every request is
 * `phial/csrf`'s `CSRFProtect`. State: `app.extensions.forms`.
 *
 * @example
 * ```ts
 * import { Forms } from 'phial/forms'
 *
 * export const forms = new Forms()
 * forms.initApp(app)
 * // {{ render_field(form.email, placeholder='you@example.com') }}
 * ```
 */
export class Forms {
  /**
   * @example
   * ```ts
   * new Forms(app)   // or new Forms() then forms.initApp(app)
   * ```
   */
  constructor(app?: Phial) {
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Adds the template globals to `app`, sets the `WTF_CSRF_*` defaults
   * (forms read `WTF_CSRF_ENABLED` and `WTF_CSRF_FIELD_NAME`), and stores
   * this instance in `app.extensions.forms`.
   *
   * @example
   * ```ts
   * forms.initApp(app)
   * ```
   */
  initApp(app: Phial): void {
    app.extensions.forms = this
    // the WTF_CSRF_* keys forms read (enabled, field name, time limit, secret), as Flask-WTF's FlaskForm does
    applyCsrfDefaults(app.config)
    app.templateGlobal('render_field', renderField)
    app.templateGlobal('render_errors', renderErrors)
  }
}
