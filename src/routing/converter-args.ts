/**
 * Parsing of converter arguments written in a rule, Python style:
 * `<int(min=1, max=9):n>`, `<any(about, 'help me'):page>`.
 *
 * @module
 */

/**
 * Arguments given to a converter in a rule: positional ones in order, keyword
 * ones by name. Values are Python-like literals turned into JS values:
 * integers and floats → `number`, `True`/`False` → `boolean`, `None` →
 * `null`, quoted (no escapes, as in Werkzeug) or bare words → `string`.
 *
 * @example
 * ```ts
 * parseConverterArgs("4, max=99, signed=True, label='x'")
 * // { positional: [4], keyword: { max: 99, signed: true, label: 'x' } }
 * ```
 */
export interface ConverterArgs {
  positional: unknown[]
  keyword: Record<string, unknown>
}

const KEYWORD = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/y
const INT = /^[+-]?\d+$/
const FLOAT = /^[+-]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][+-]?\d+)?$/
const BARE = /^[\p{L}\p{N}_.+-]+$/u

/** An empty argument list, shared (converters must not mutate it). */
const NO_ARGS: ConverterArgs = Object.freeze({
  positional: Object.freeze([]) as unknown as unknown[],
  keyword: Object.freeze({}) as Record<string, unknown>,
})

function literal(token: string): unknown {
  if (token === 'True') return true
  if (token === 'False') return false
  if (token === 'None') return null
  if (INT.test(token) || FLOAT.test(token)) return Number(token)
  if (BARE.test(token)) return token
  throw new Error(`cannot parse converter argument '${token}'`)
}

/**
 * Parses the text between the parentheses of a converter. Throws an `Error`
 * describing the first thing it cannot parse.
 *
 * @example
 * ```ts
 * parseConverterArgs('a, "b, c"').positional // ['a', 'b, c']
 * parseConverterArgs('min=-5').keyword       // { min: -5 }
 * ```
 */
export function parseConverterArgs(source: string): ConverterArgs {
  if (source.trim() === '') return NO_ARGS
  const positional: unknown[] = []
  const keyword: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  let pos = 0
  const n = source.length
  while (pos < n) {
    KEYWORD.lastIndex = pos
    const kw = KEYWORD.exec(source)
    let name: string | null = null
    if (kw !== null) {
      name = kw[1]
      pos = KEYWORD.lastIndex
    }
    while (pos < n && (source[pos] === ' ' || source[pos] === '\t')) pos++
    let value: unknown
    const quote = source[pos]
    if (quote === '"' || quote === "'") {
      // as in Werkzeug, no escapes: the string ends at the next quote of its kind
      const i = source.indexOf(quote, pos + 1)
      if (i === -1) throw new Error(`unterminated string in converter arguments '${source}'`)
      value = source.slice(pos + 1, i)
      pos = i + 1
      while (pos < n && (source[pos] === ' ' || source[pos] === '\t')) pos++
      if (pos < n && source[pos] !== ',') {
        throw new Error(`unexpected '${source.slice(pos)}' after a string in converter arguments '${source}'`)
      }
    } else {
      let end = source.indexOf(',', pos)
      if (end === -1) end = n
      const token = source.slice(pos, end).trim()
      if (token === '') throw new Error(`empty argument in converter arguments '${source}'`)
      value = literal(token)
      pos = end
    }
    if (name === null) positional.push(value)
    else if (name in keyword) throw new Error(`argument '${name}' given twice in converter arguments '${source}'`)
    else keyword[name] = value
    if (pos < n) pos++ // the comma
    // allow one trailing comma, as Python does
    if (pos < n && source.slice(pos).trim() === '') break
  }
  return { positional, keyword }
}

/**
 * Binds parsed arguments to a converter's parameter names (positional ones
 * fill the names in order), like a Python signature. Throws on too many
 * positional arguments, an unknown keyword, or a name given twice.
 *
 * @example
 * ```ts
 * bindConverterArgs('int', parseConverterArgs('4, max=9'), ['fixed_digits', 'min', 'max', 'signed'])
 * // { fixed_digits: 4, max: 9 }
 * ```
 */
export function bindConverterArgs(
  converter: string,
  args: ConverterArgs,
  names: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>
  if (args.positional.length > names.length) {
    throw new Error(
      `converter '${converter}' takes at most ${names.length} argument(s) (${names.join(', ') || 'none'}), got ${args.positional.length}`,
    )
  }
  for (let i = 0; i < args.positional.length; i++) out[names[i]] = args.positional[i]
  for (const key of Object.keys(args.keyword)) {
    if (!names.includes(key)) {
      throw new Error(
        `converter '${converter}' got an unexpected argument '${key}' (accepted: ${names.join(', ') || 'none'})`,
      )
    }
    if (key in out) throw new Error(`converter '${converter}' got argument '${key}' twice`)
    out[key] = args.keyword[key]
  }
  return out
}
