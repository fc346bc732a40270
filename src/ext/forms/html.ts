/**
 * HTML attributes for widgets (WTForms' `html_params`): every value escaped,
 * Jinja keyword arguments accepted as they arrive from templates.
 */
import { escape } from 'phial'

/**
 * Attributes of a rendered widget: `true` writes a bare attribute
 * (`required`), `false`, `null` and `undefined` leave it out. A trailing `_`
 * is dropped (`class_` → `class`, as in WTForms, since `class` is reserved
 * in Python templates too) and `data_x` / `aria_x` become `data-x` / `aria-x`.
 *
 * @example
 * ```ts
 * const attrs: HtmlAttrs = { class_: 'wide', autofocus: true, data_role: 'name' }
 * ```
 */
export type HtmlAttrs = Record<string, unknown>

const ATTRIBUTE_NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*$/

/** The attribute name a key stands for. */
function attributeName(key: string): string {
  let name = key.endsWith('_') && key.length > 1 ? key.slice(0, -1) : key
  if (name.startsWith('data_') || name.startsWith('aria_')) name = name.replace(/_/g, '-')
  if (!ATTRIBUTE_NAME.test(name)) throw new TypeError(`Invalid HTML attribute name: ${JSON.stringify(key)}.`)
  return name
}

/**
 * The attributes as HTML (` name="value"`, each value escaped), in the
 * order given, later keys overriding earlier ones with the same name.
 * Template keyword arguments (Nunjucks' `__keywords` marker) are ignored.
 *
 * @example
 * ```ts
 * htmlParams({ id: 'q', value: '"><script>', required: true, disabled: false })
 * // ' id="q" value="&#34;&gt;&lt;script&gt;" required'
 * ```
 */
export function htmlParams(...sources: Array<HtmlAttrs | undefined>): string {
  const merged = new Map<string, unknown>()
  for (const source of sources) {
    if (source === undefined) continue
    for (const [key, value] of Object.entries(source)) {
      if (key === '__keywords') continue
      merged.set(attributeName(key), value)
    }
  }
  let out = ''
  for (const [name, value] of merged) {
    if (value === false || value === null || value === undefined) continue
    out += value === true ? ` ${name}` : ` ${name}="${escape(value)}"`
  }
  return out
}

/**
 * The keyword arguments of a template call (`field.render(class_='x')`
 * passes `{ class_: 'x', __keywords: true }`), or the plain object a
 * TypeScript caller passed.
 *
 * @example
 * ```ts
 * keywordsOf([{ size: 20, __keywords: true }]) // { size: 20 }
 * ```
 */
export function keywordsOf(args: readonly unknown[]): HtmlAttrs {
  const out: HtmlAttrs = {}
  for (const arg of args) {
    if (typeof arg !== 'object' || arg === null) continue
    for (const [k, v] of Object.entries(arg)) if (k !== '__keywords') out[k] = v
  }
  return out
}
