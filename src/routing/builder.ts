/**
 * URL builders compiled once per rule: a closure that concatenates the
 * rule's pre-encoded static text with each value passed through its
 * converter's `toUrl` and checked against the converter's regex.
 *
 * @module
 */
import type { BaseConverter } from './converters.ts'
import { ValidationError } from './errors.ts'

/**
 * Builds the path of one rule from values; throws {@link RejectedValue}
 * when a converter rejects a value.
 *
 * @example
 * ```ts
 * const build: PathBuilder = compileBuilder(['/post/', ''], [intConverter], ['id'], [compileCheck('\\d+')])
 * build({ id: 7 }) // '/post/7'
 * ```
 */
export type PathBuilder = (values: Readonly<Record<string, unknown>>) => string

/**
 * Thrown by a {@link PathBuilder} when the value at `index` (a position
 * among the rule's dynamic arguments) was rejected. `reason` is the
 * converter's message, if it gave one.
 *
 * @example
 * ```ts
 * try { build({ id: 'abc' }) } catch (e) { if (e instanceof RejectedValue) e.index // 0 }
 * ```
 */
export class RejectedValue extends Error {
  override name = 'RejectedValue'
  /** Which dynamic argument was rejected. */
  readonly index: number
  /** The converter's reason, or `''`. */
  readonly reason: string

  constructor(index: number, reason: string) {
    super(reason)
    this.index = index
    this.reason = reason
  }
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text)
  } catch {
    return null
  }
}

/**
 * Tests that a decoded value matches a converter's pattern; the two
 * built-in patterns used most get a check without a regex.
 *
 * @example
 * ```ts
 * compileCheck('\\d+')('42') // true
 * ```
 */
export type ValueCheck = (raw: string) => boolean

/**
 * Compiles the check of a converter regex (anchored, `su` flags).
 *
 * @example
 * ```ts
 * compileCheck('[^/]+')('a/b') // false
 * ```
 */
export function compileCheck(source: string): ValueCheck {
  if (source === '[^/]+') return (raw) => raw !== '' && raw.indexOf('/') === -1
  if (source === '\\d+') {
    return (raw) => {
      if (raw === '') return false
      for (let i = 0; i < raw.length; i++) {
        const c = raw.charCodeAt(i)
        if (c < 48 || c > 57) return false
      }
      return true
    }
  }
  const regex = new RegExp('^(?:' + source + ')$', 'su')
  return (raw) => regex.test(raw)
}

function convert(converter: BaseConverter, check: ValueCheck, value: unknown, index: number): string {
  let text: string
  try {
    text = converter.toUrl(value)
  } catch (error) {
    if (error instanceof ValidationError || error instanceof TypeError) throw new RejectedValue(index, error.message)
    throw error
  }
  const raw = text.indexOf('%') === -1 ? text : decode(text)
  if (raw === null || !check(raw)) {
    const shown = raw === null ? `'${text}' is not valid percent-encoding` : `'${raw}' does not match the converter's pattern ${converter.regex}`
    throw new RejectedValue(index, shown)
  }
  return text
}

/**
 * Compiles the builder of one rule. `statics` has one more entry than
 * `converters`: the path is `statics[0] + v0 + statics[1] + v1 + …`, static
 * text already percent-encoded. `checks[i]` tests converter `i`'s decoded output.
 *
 * @example
 * ```ts
 * const build = compileBuilder(['/u/', '/', ''], [str, int], ['name', 'id'], [compileCheck(str.regex), compileCheck(int.regex)])
 * build({ name: 'ann', id: 3 }) // '/u/ann/3'
 * ```
 */
export function compileBuilder(
  statics: readonly string[],
  converters: readonly BaseConverter[],
  names: readonly string[],
  checks: readonly ValueCheck[],
): PathBuilder {
  const s0 = statics[0]
  switch (converters.length) {
    case 0:
      return () => s0
    case 1: {
      const [c0] = converters
      const [n0] = names
      const [k0] = checks
      const s1 = statics[1]
      return (values) => s0 + convert(c0, k0, values[n0], 0) + s1
    }
    case 2: {
      const [c0, c1] = converters
      const [n0, n1] = names
      const [k0, k1] = checks
      const s1 = statics[1]
      const s2 = statics[2]
      return (values) => s0 + convert(c0, k0, values[n0], 0) + s1 + convert(c1, k1, values[n1], 1) + s2
    }
    default: {
      const count = converters.length
      return (values) => {
        let out = s0
        for (let i = 0; i < count; i++) out += convert(converters[i], checks[i], values[names[i]], i) + statics[i + 1]
        return out
      }
    }
  }
}
