/**
 * Marking text as safe HTML (MarkupSafe's `Markup`), for filters and globals
 * that return markup.
 *
 * @module
 */
import { nunjucks, type SafeString } from './nunjucks.ts'

/**
 * Marks `html` as safe: autoescape leaves it as is. Only for text you built
 * from trusted parts or escaped yourself.
 *
 * @example
 * ```ts
 * app.templateGlobal('separator', () => markSafe('<hr class="sep">'))   // {{ separator() }}
 * ```
 */
export function markSafe(html: string): SafeString {
  return new nunjucks.runtime.SafeString(String(html))
}

export type { SafeString }
