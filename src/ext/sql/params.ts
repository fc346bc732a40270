/**
 * Bound parameters in one syntax for every database: `:name` with an object
 * (SQLAlchemy's `text()`), or `?` with an array. They become the driver's
 * placeholders (`$1` on PostgreSQL, `?` elsewhere); values are never put into
 * the SQL text.
 */
import type { Dialect } from './entity.ts'

/** Named (`{ id: 1 }`) or positional (`[1]`) parameters. @example const p: SqlParameters = { id: 1 } */
export type SqlParameters = Readonly<Record<string, unknown>> | readonly unknown[]

/**
 * Rewrites the placeholders of `statement` for `dialect` and returns the
 * values in order. Quoted strings, quoted names, comments and PostgreSQL's
 * `::type` casts are left alone.
 *
 * @example
 * ```ts
 * bindParameters('SELECT * FROM post WHERE id = :id', { id: 3 }, 'postgres') // ['SELECT * FROM post WHERE id = $1', [3]]
 * ```
 */
export function bindParameters(statement: string, parameters: SqlParameters | undefined, dialect: Dialect): [string, unknown[]] {
  if (parameters === undefined) return [statement, []]
  const named = !Array.isArray(parameters)
  const values: unknown[] = []
  let out = ''
  let position = 0
  const placeholder = (): string => (dialect === 'postgres' ? `$${values.length}` : '?')
  for (let i = 0; i < statement.length; i++) {
    const ch = statement[i]!
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closing(statement, i, ch)
      out += statement.slice(i, end + 1)
      i = end
    } else if (ch === '-' && statement[i + 1] === '-') {
      const end = statement.indexOf('\n', i)
      const stop = end === -1 ? statement.length - 1 : end
      out += statement.slice(i, stop + 1)
      i = stop
    } else if (named && ch === ':' && statement[i + 1] === ':') {
      out += '::'
      i++
    } else if (named && ch === ':' && /[A-Za-z_]/.test(statement[i + 1] ?? '') && statement[i - 1] !== ':') {
      const name = /^[A-Za-z_]\w*/.exec(statement.slice(i + 1))![0]
      if (!Object.prototype.hasOwnProperty.call(parameters, name)) {
        throw new Error(`The SQL uses :${name}, which is not among the parameters (${Object.keys(parameters).join(', ') || 'none'}).`)
      }
      values.push(toDriver((parameters as Record<string, unknown>)[name]))
      out += placeholder()
      i += name.length
    } else if (!named && ch === '?') {
      if (position >= (parameters as unknown[]).length) throw new Error(`The SQL has more ? placeholders than the ${(parameters as unknown[]).length} parameters given.`)
      values.push(toDriver((parameters as unknown[])[position++]))
      out += placeholder()
    } else {
      out += ch
    }
  }
  if (!named && position !== (parameters as unknown[]).length) {
    throw new Error(`The SQL has ${position} ? placeholders but ${(parameters as unknown[]).length} parameters were given.`)
  }
  return [out, values]
}

/** Index of the quote that closes the one at `start` (doubled quotes escape it). */
function closing(text: string, start: number, quote: string): number {
  let i = start + 1
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) i += 2
      else return i
    } else i++
  }
  return text.length - 1
}

/** Booleans as 1/0 for SQLite (better-sqlite3 refuses them); everything else as it is. */
function toDriver(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value === undefined) return null
  return value
}
