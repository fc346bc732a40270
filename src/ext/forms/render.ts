/**
 * Rendering a whole field — label, widget, errors, help text — the way
 * Flask's `_formhelpers.html` `render_field` macro does, as a function that
 * templates call (`{{ render_field(form.email, class_='wide') }}`) and views
 * may call too.
 */
import { Markup, escape } from 'phial'
import { BoundField } from './field.ts'
import { keywordsOf } from './html.ts'

/**
 * The HTML of a field with its label, its widget (with the submitted value,
 * `aria-invalid` and `aria-describedby` pointing at the errors when it has
 * some), its errors in a list, and its description. Hidden fields and
 * buttons render as the bare widget; a checkbox comes before its label.
 * Extra attributes go to the widget. Everything is escaped.
 *
 * @example
 * ```ts
 * renderField(form.email, { placeholder: 'you@example.com' })
 * // <div class="field"><label for="email">E-mail</label> <input id="email" ...></div>
 * ```
 */
export function renderField(field: unknown, ...args: unknown[]): Markup {
  if (!(field instanceof BoundField)) {
    throw new TypeError(`render_field() takes a form field (form.name), got ${field === undefined ? 'undefined (is the field name right?)' : typeof field}.`)
  }
  const attrs = keywordsOf(args)
  if (field.flags.hidden || field.type === 'SubmitField') return field.render(attrs)
  const hasErrors = field.errors.length > 0
  const errorsId = `${field.id}-errors`
  if (hasErrors) attrs.aria_describedby ??= errorsId
  const widget = field.render(attrs).toString()
  const label = field.label.toString()
  let html = `<div class="field${hasErrors ? ' has-errors' : ''}">`
  html += field.type === 'BooleanField' ? `${widget} ${label}` : `${label} ${widget}`
  if (field.description) html += `<small class="description">${escape(field.description)}</small>`
  if (hasErrors) html += renderErrors(field.errors, errorsId).toString()
  return new Markup(`${html}</div>`)
}

/**
 * A list of error messages, escaped (`<ul class="errors">`); nothing for none.
 * Templates call it as `render_errors(form.formErrors)`.
 *
 * @example
 * ```ts
 * renderErrors(['Passwords must match.'])   // <ul class="errors"><li>Passwords must match.</li></ul>
 * ```
 */
export function renderErrors(errors: unknown, id?: unknown): Markup {
  const list = Array.isArray(errors) ? errors : []
  if (list.length === 0) return new Markup('')
  const idAttr = typeof id === 'string' && id !== '' ? ` id="${escape(id)}"` : ''
  return new Markup(`<ul class="errors"${idAttr}>${list.map((e) => `<li>${escape(e)}</li>`).join('')}</ul>`)
}
