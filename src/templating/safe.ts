/**
 * Marking text as safe HTML (MarkupSafe's `Markup`), for filters and globals
 * that return markup.
 *
 * @module
 */
import { SafeStringClass, type SafeString } from './nunjucks.ts'

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
  return new SafeStringClass(String(html))
}

export type { SafeString }
