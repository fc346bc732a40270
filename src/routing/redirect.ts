/**
 * Compiled `redirectTo` targets of rules.
 *
 * @module
 */
import type { BaseConverter } from './converters.ts'
import { RuleError } from './errors.ts'
import { encodePathSegment } from './quote.ts'

/**
 * Where a rule redirects to: a path that may contain `<name>` placeholders
 * filled from the matched arguments, or a function of those arguments.
 *
 * @example
 * ```ts
 * const to: RedirectTarget = '/new/<id>'
 * const fn: RedirectTarget = ({ id }) => `/new/${String(id)}`
 * ```
 */
export type RedirectTarget = string | ((args: Record<string, unknown>) => string)

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/

function absolute(location: string): string {
  return location.charCodeAt(0) === 47 || SCHEME.test(location) ? location : '/' + location
}

/**
 * Compiles a rule's `redirectTo` into a function of the matched arguments
 * (`null` when there is none). `<name>` placeholders are filled through the
 * rule's converters; a placeholder that is not an argument of the rule is a
 * {@link RuleError}. Relative targets are made absolute (`docs/` → `/docs/`).
 *
 * @example
 * ```ts
 * const go = compileRedirect('/old/<int:id>', '/new/<id>', new Set(['id']), { id: intConverter })
 * go?.({ id: 7 }) // '/new/7'
 * ```
 */
export function compileRedirect(
  rule: string,
  target: RedirectTarget | null,
  argumentNames: ReadonlySet<string>,
  byName: Readonly<Record<string, BaseConverter>>,
): ((args: Record<string, unknown>) => string) | null {
  if (target === null) return null
  if (typeof target === 'function') return (args) => absolute(target(args))
  const template = absolute(target)
  const pieces: string[] = []
  const names: string[] = []
  const re = /<([^>]+)>/g
  let last = 0
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    const inner = m[1]
    const name = inner.slice(inner.lastIndexOf(':') + 1).trim()
    if (!argumentNames.has(name)) {
      throw new RuleError(rule, `redirectTo '${target}' uses <${inner}> but the rule has no argument '${name}'`)
    }
    pieces.push(template.slice(last, m.index))
    names.push(name)
    last = re.lastIndex
  }
  if (names.length === 0) return () => template
  pieces.push(template.slice(last))
  return (args) => {
    let out = pieces[0]
    for (let i = 0; i < names.length; i++) {
      const value = args[names[i]]
      const converter = Object.hasOwn(byName, names[i]) ? byName[names[i]] : undefined
      out += (converter === undefined ? encodePathSegment(String(value)) : converter.toUrl(value)) + pieces[i + 1]
    }
    return out
  }
}
