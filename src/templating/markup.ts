/**
 * MarkupSafe's `Markup` and `escape`, as Flask exports them: `escape(value)`
 * HTML-escapes text (and leaves markup as it is), `new Markup(html)` marks
 * trusted HTML as safe. Both are safe strings to templates (autoescape
 * leaves them alone) and to views (a `Markup` is an HTML response body).
 *
 * @module
 */
import { escapeHtml } from '../http/escape.ts'
import { SafeStringClass, SafeText } from './nunjucks.ts'

/** True for MarkupSafe's protocol: an object with `__html__()`. */
function hasHtml(value: unknown): value is { __html__(): string } {
  return typeof value === 'object' && value !== null && typeof (value as { __html__?: unknown }).__html__ === 'function'
}

// A SafeText rather than Nunjucks' SafeString, so that `import 'phial'` does
// not load Nunjucks: a Markup is still an instance of Nunjucks' SafeString
// once it is loaded (see SafeText).
/**
 * Text that is safe HTML (MarkupSafe's `Markup`): templates print it as is
 * and a view that returns it answers with it as HTML. Only for text built
 * from trusted parts, or escaped with {@link escape}.
 *
 * @example
 * ```ts
 * const link = new Markup(`<a href="/u/${id}">${escape(name)}</a>`)
 * app.templateGlobal('rule', () => new Markup('<hr>'))     // {{ rule() }} prints <hr>
 * ```
 */
export class Markup extends SafeText {
  constructor(html: unknown = '') {
    super(hasHtml(html) ? html.__html__() : html instanceof SafeStringClass ? html.toString() : String(html))
  }

  /** The HTML itself (MarkupSafe's protocol, which `escape` and views honour). */
  __html__(): string {
    return this.toString()
  }

  /** Same as {@link escape}: `Markup.escape('<b>')` is `Markup('&lt;b&gt;')`. */
  static escape(value: unknown): Markup {
    return escape(value)
  }
}

/**
 * Escapes `&`, `<`, `>`, `"` and `'` (MarkupSafe's `escape`, Flask's
 * `escape`) and returns the result as {@link Markup}, so that it is not
 * escaped twice; markup (a `Markup`, a `markSafe` string, anything with
 * `__html__`) is returned as it is. Other values are turned to text first.
 *
 * @example
 * ```ts
 * app.get('/hello/<name>', function hello({ name }) {
 *   return `Hello, ${escape(name)}!`     // '/hello/<script>' answers 'Hello, &lt;script&gt;!'
 * })
 * ```
 */
export function escape(value: unknown): Markup {
  if (value instanceof Markup) return value
  if (hasHtml(value) || value instanceof SafeStringClass) return new Markup(value)
  return new Markup(escapeHtml(String(value)))
}
