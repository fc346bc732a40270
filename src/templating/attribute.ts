/**
 * `getTemplateAttribute`: a macro or variable a template exports (Flask's
 * `get_template_attribute`).
 *
 * @module
 */
import { contextStorage, currentContext } from '../core/context.ts'
import { runInContext } from '../core/enter-context.ts'
import { getTemplateEnvironment } from './environment.ts'
import { toTemplateError } from './errors.ts'
import { Markup } from './markup.ts'
import { SafeStringClass } from './nunjucks.ts'


interface Exporting {
  getExported(ctx: Record<string, unknown>, parentFrame: unknown, cb: (err: unknown, exported?: Record<string, unknown>) => void): void
  path?: string
}

/**
 * A macro (or a variable set with `{% set %}` at the top level) of a
 * template, to call from code (Flask's `get_template_attribute`). A macro
 * returns {@link Markup}, safe in other templates and in a response; it
 * runs in the context it is called in, so `url_for` and `request` work
 * there. Needs an app context; throws `TemplateNotFound` for a missing
 * template and a `TypeError` naming what it has for a missing attribute.
 *
 * @example
 * ```ts
 * // templates/_macro.html: {% macro hello(name) %}Hello {{ name }}!{% endmacro %}
 * const hello = getTemplateAttribute<(name: string) => Markup>('_macro.html', 'hello')
 * String(hello('World')) // 'Hello World!'
 * ```
 */
export function getTemplateAttribute<T = unknown>(template: string, attribute: string): T {
  const ctx = currentContext()
  const loaded = getTemplateEnvironment(ctx.app).getTemplate(template)! as unknown as Exporting
  let exported: Record<string, unknown> = {}
  let failure: unknown = null
  loaded.getExported({}, null, (err, names) => {
    if (err) failure = err
    else exported = names ?? {}
  })
  if (failure !== null) throw toTemplateError(failure, { name: template, filename: loaded.path ?? null })
  if (!Object.hasOwn(exported, attribute)) {
    const has = Object.keys(exported)
    throw new TypeError(
      `Template "${template}" has no attribute "${attribute}"` +
        (has.length ? `; it exports ${has.map((n) => `"${n}"`).join(', ')}.` : '; it exports nothing (macros and top-level {% set %} are exported).'),
    )
  }
  const value = exported[attribute]
  if (typeof value !== 'function') return (value instanceof SafeStringClass ? new Markup(value) : value) as T
  const macro = value as (...args: unknown[]) => unknown
  return function (this: unknown, ...args: unknown[]): unknown {
    const run = (): unknown => {
      const out = macro.apply(this, args)
      return out instanceof SafeStringClass && !(out instanceof Markup) ? new Markup(out) : out
    }
    // the template functions read request/session/g from the context they are called in
    const store = contextStorage.getStore()
    return store === undefined ? runInContext(ctx, run) : run()
  } as T
}
