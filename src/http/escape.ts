/**
 * HTML escaping as MarkupSafe does it (`&`, `<`, `>`, `"` → `&#34;`,
 * `'` → `&#39;`): one implementation for error pages, redirects, the debug
 * page and templates, so Phial's output matches Flask's byte for byte.
 */

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
