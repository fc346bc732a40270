/**
 * HTML escaping as MarkupSafe does it (`&`, `<`, `>`, `"` → `&#34;`,
 * `'` → `&#39;`), so Phial's output matches Flask's byte for byte, and the
 * `escape`/`e`/`forceescape` filters and the runtime's output step that use
 * it.
 *
 * @module
 */
import { escapeHtml } from '../http/escape.ts'
import { SafeStringClass, type NunjucksEnvironment, type SafeString } from './nunjucks.ts'

export { escapeHtml }


/**
 * The runtime's output step: `null`/`undefined` print nothing; booleans
 * print as Python's (`True`, `False`), as Jinja prints them; with
 * autoescape, text that is not marked safe is escaped.
 *
 * @example
 * ```ts
 * suppressValue('<b>', true) // '&lt;b&gt;'
 * suppressValue(false, true) // 'False'
 * ```
 */
export function suppressValue(value: unknown, autoescape: boolean): unknown {
  if (value === undefined || value === null) return ''
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (autoescape && !(value instanceof SafeStringClass)) return escapeHtml(String(value))
  return value
}

/**
 * What `{{ none }}` and `{{ None }}` print: `None`, as Jinja prints Python's
 * None (a JS `null` from the context still prints nothing).
 *
 * @example
 * ```ts
 * printNone(null) // 'None'
 * printNone(0)    // 0
 * ```
 */
export function printNone(value: unknown): unknown {
  return value === null ? 'None' : value
}

function escapeFilter(value: unknown): unknown {
  if (value instanceof SafeStringClass) return value
  return new SafeStringClass(escapeHtml(value === undefined || value === null ? '' : String(value)))
}

function forceescape(value: unknown): SafeString {
  return new SafeStringClass(escapeHtml(value === undefined || value === null ? '' : String(value)))
}

/**
 * Replaces Nunjucks' `escape`, `e` and `forceescape` filters with
 * MarkupSafe-compatible ones.
 *
 * @example
 * ```ts
 * installEscapeFilters(env)
 * ```
 */
export function installEscapeFilters(env: NunjucksEnvironment): void {
  env.addFilter('escape', escapeFilter)
  env.addFilter('e', escapeFilter)
  env.addFilter('forceescape', forceescape)
}
