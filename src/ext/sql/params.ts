/**
 * Bound parameters in one syntax for every database: `:name` with an object
 * (SQLAlchemy's `text()`), or `?` with an array. They become the driver's
 * placeholders (`$1` on PostgreSQL, `?` elsewhere); values are never put into
 * the SQL text.
 */
import type { Dialect } from './entity.ts'

/** Named (`{ id: 1 }`) or positional (`[1]`) parameters. @example const p: SqlParameters = { id: 1 } */
export type SqlParameters = Readonly<Record<string, unknown>> | readonly unknown[]

/** A statement with its placeholders rewritten: the SQL, and which value goes where. */
interface Plan {
  readonly sql: string
  /** The parameter names in placeholder order (named), or null (positional). */
  readonly names: readonly string[] | null
  /** How many `?` placeholders (positional). */
  readonly count: number
}

/**
 * Plans by dialect, kind and statement. An app runs a bounded set of
 * statements over and over (SQLAlchemy caches their compiled form for the
 * same reason), so each is scanned once; the bound keeps a stream of
 * distinct texts from growing it without end.
 */
const plans = new Map<string, Plan>()
const MAX_PLANS = 512

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
  const key = `${dialect}${named ? ':' : '?'}${statement}`
  let plan = plans.get(key)
  if (plan === undefined) {
    plan = compile(statement, named, dialect)
    if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value!)
    plans.set(key, plan)
  }
  const values: unknown[] = []
  if (plan.names !== null) {
    const given = parameters as Readonly<Record<string, unknown>>
    for (const name of plan.names) {
      if (!Object.prototype.hasOwnProperty.call(given, name)) {
        throw new Error(`The SQL uses :${name}, which is not among the parameters (${Object.keys(given).join(', ') || 'none'}).`)
      }
      values.push(toDriver(given[name]))
    }
  } else {
    const given = parameters as readonly unknown[]
    if (plan.count > given.length) throw new Error(`The SQL has more ? placeholders than the ${given.length} parameters given.`)
    if (plan.count !== given.length) throw new Error(`The SQL has ${plan.count} ? placeholders but ${given.length} parameters were given.`)
    for (const value of given) values.push(toDriver(value))
  }
  return [plan.sql, values]
}

/** Scans `statement` once: its SQL for `dialect` and where each value goes. */
function compile(statement: string, named: boolean, dialect: Dialect): Plan {
  const names: string[] = []
  let count = 0
  let out = ''
  let copied = 0 // statement[copied..i) is still to be copied to out
  const placeholder = (at: number, skip: number): void => {
    count++
    out += statement.slice(copied, at) + (dialect === 'postgres' ? `$${count}` : '?')
    copied = at + skip
  }
  for (let i = 0; i < statement.length; i++) {
    const ch = statement[i]!
    if (ch === "'" || ch === '"' || ch === '`') {
      i = closing(statement, i, ch)
    } else if (ch === '-' && statement[i + 1] === '-') {
      const end = statement.indexOf('\n', i)
      i = end === -1 ? statement.length - 1 : end
    } else if (named && ch === ':' && statement[i + 1] === ':') {
      i++
    } else if (named && ch === ':' && /[A-Za-z_]/.test(statement[i + 1] ?? '') && statement[i - 1] !== ':') {
      const name = /^[A-Za-z_]\w*/.exec(statement.slice(i + 1))![0]
      names.push(name)
      placeholder(i, name.length + 1)
      i += name.length
    } else if (!named && ch === '?') {
      placeholder(i, 1)
    }
  }
  return { sql: out + statement.slice(copied), names: named ? names : null, count }
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
