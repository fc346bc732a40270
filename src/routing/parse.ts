/**
 * Tokenizing of rule strings: `/user/<int(min=1):id>/edit` becomes slash,
 * static and variable tokens.
 *
 * @module
 */
import { RuleError } from './errors.ts'

/**
 * One piece of a rule string.
 *
 * @example
 * ```ts
 * const t: RuleToken = { kind: 'variable', converter: 'int', args: 'min=1', name: 'id', source: '<int(min=1):id>' }
 * ```
 */
export type RuleToken =
  | { readonly kind: 'slash' }
  | { readonly kind: 'static'; readonly text: string }
  | {
      readonly kind: 'variable'
      /** Converter name (`'default'` when none is written). */
      readonly converter: string
      /** The text between the converter's parentheses, or `null`. */
      readonly args: string | null
      readonly name: string
      /** The placeholder as written, e.g. `<int:id>`. */
      readonly source: string
    }

const VARIABLE = /<(?:([A-Za-z_][A-Za-z0-9_]*)(?:\((.*?)\))?:)?([A-Za-z_][A-Za-z0-9_]*)>/y
const SLASH: RuleToken = Object.freeze({ kind: 'slash' })

/**
 * Splits a rule string into tokens. Throws a {@link RuleError} for a rule
 * without its leading slash, an unclosed `<` or an invalid placeholder.
 * With `mergeSlashes`, runs of `/` count as one.
 *
 * @example
 * ```ts
 * tokenizeRule('/u/<int:id>', true)
 * // [slash, static 'u', slash, variable int id]
 * ```
 */
export function tokenizeRule(rule: string, mergeSlashes: boolean): RuleToken[] {
  if (rule.charCodeAt(0) !== 47) throw new RuleError(rule, "a rule must start with '/'")
  const tokens: RuleToken[] = []
  let pos = 0
  const n = rule.length
  while (pos < n) {
    const ch = rule.charCodeAt(pos)
    if (ch === 47) {
      if (!(mergeSlashes && tokens.length > 0 && tokens[tokens.length - 1].kind === 'slash')) tokens.push(SLASH)
      pos++
    } else if (ch === 60) {
      VARIABLE.lastIndex = pos
      const m = VARIABLE.exec(rule)
      if (m === null) {
        const close = rule.indexOf('>', pos)
        if (close === -1) throw new RuleError(rule, `unclosed '<' at position ${pos}`)
        throw new RuleError(
          rule,
          `invalid placeholder '${rule.slice(pos, close + 1)}' at position ${pos}; expected <name>, <converter:name> or <converter(args):name>`,
        )
      }
      tokens.push({ kind: 'variable', converter: m[1] ?? 'default', args: m[2] ?? null, name: m[3], source: m[0] })
      pos = VARIABLE.lastIndex
    } else {
      let end = pos + 1
      while (end < n && rule.charCodeAt(end) !== 47 && rule.charCodeAt(end) !== 60) end++
      tokens.push({ kind: 'static', text: rule.slice(pos, end) })
      pos = end
    }
  }
  return tokens
}
