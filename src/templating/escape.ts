/**
 * HTML escaping as MarkupSafe does it (`&`, `<`, `>`, `"` → `&#34;`,
 * `'` → `&#39;`), so Phial's output matches Flask's byte for byte, and the
 * `escape`/`e`/`forceescape` filters and the runtime's output step that use
 * it.
 *
 * @module
 */
import { nunjucks, type NunjucksEnvironment, type SafeString } from './nunjucks.ts'

const { SafeString: Safe } = nunjucks.runtime
const NEEDS_ESCAPE = /[&<>"']/

/**
 * Escapes `&`, `<`, `>`, `"` and `'` for HTML (MarkupSafe's `escape`).
 *
 * @example
 * ```ts
 * escapeHtml(`<a href="x">Tom & Jerry's</a>`) // '&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text
  let out = ''
  let last = 0
  for (let i = 0; i < text.length; i++) {
    let replacement: string
    switch (text.charCodeAt(i)) {
      case 38: replacement = '&amp;'; break
      case 60: replacement = '&lt;'; break
      case 62: replacement = '&gt;'; break
      case 34: replacement = '&#34;'; break
      case 39: replacement = '&#39;'; break
      default: continue
    }
    if (last !== i) out += text.slice(last, i)
    out += replacement
    last = i + 1
  }
  return out + text.slice(last)
}

/**
 * The runtime's output step: `null`/`undefined` print nothing; with
 * autoescape, text that is not marked safe is escaped.
 *
 * @example
 * ```ts
 * suppressValue('<b>', true) // '&lt;b&gt;'
 * ```
 */
export function suppressValue(value: unknown, autoescape: boolean): unknown {
  if (value === undefined || value === null) return ''
  if (autoescape && !(value instanceof Safe)) return escapeHtml(String(value))
  return value
}

function escapeFilter(value: unknown): unknown {
  if (value instanceof Safe) return value
  return new Safe(escapeHtml(value === undefined || value === null ? '' : String(value)))
}

function forceescape(value: unknown): SafeString {
  return new Safe(escapeHtml(value === undefined || value === null ? '' : String(value)))
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
