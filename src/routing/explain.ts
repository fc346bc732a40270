/**
 * The messages of `BuildError`: why no rule of an endpoint could be built.
 *
 * @module
 */
import { BuildError } from './errors.ts'
import { RejectedValue } from './builder.ts'
import { sameValue, type Rule } from './rule.ts'
import { closeNames } from './suggest.ts'

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value)
    } catch {
      return String(value)
    }
  }
  return String(value)
}

function list(names: Iterable<string>): string {
  return '[' + [...names].map((n) => `'${n}'`).join(', ') + ']'
}

/**
 * The error for an endpoint no rule has, with close names as suggestions.
 *
 * @example
 * ```ts
 * unknownEndpoint('usr', ['user', 'index'], {}, undefined).message
 * // "Could not build url for endpoint 'usr': no rule has this endpoint. Did you mean 'user'?"
 * ```
 */
export function unknownEndpoint(
  endpoint: string,
  known: Iterable<string>,
  values: Record<string, unknown>,
  method: string | undefined,
): BuildError {
  const suggestions = closeNames(endpoint, known)
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `'${s}'`).join(' or ')}?` : ''
  return new BuildError(
    `Could not build url for endpoint '${endpoint}': no rule has this endpoint.${hint}`,
    endpoint,
    values,
    method,
    suggestions,
  )
}

/**
 * The error for an endpoint whose rules all failed to build: no rule for the
 * method, a value a converter rejected, a value contradicting a default, or
 * missing values (checked in that order).
 *
 * @example
 * ```ts
 * explainBuildFailure('user', map.iterRules('user'), {}, undefined).message
 * // "Could not build url for endpoint 'user'. Did you forget to specify values ['id']?"
 * ```
 */
export function explainBuildFailure(
  endpoint: string,
  rules: readonly Rule[],
  values: Record<string, unknown>,
  method: string | undefined,
): BuildError {
  const fail = (message: string): BuildError =>
    new BuildError(`Could not build url for endpoint '${endpoint}'${message}`, endpoint, values, method)
  const candidates =
    method === undefined ? rules : rules.filter((r) => r.methods === null || r.methods.has(method))
  if (candidates.length === 0) {
    const methods = new Set<string>()
    for (const r of rules) for (const m of r.methods ?? []) methods.add(m)
    return fail(` ('${method}'). Did you mean to use methods ${list([...methods].sort())}?`)
  }
  const given = (name: string): boolean => values[name] !== undefined && values[name] !== null
  // a value that a converter rejected
  for (const rule of candidates) {
    if (!rule._suitable(values, undefined)) continue
    try {
      rule._builder(values)
    } catch (error) {
      if (!(error instanceof RejectedValue)) throw error
      const index = rule._buildIndexes[error.index]
      const name = rule._names[index]
      const reason = error.reason === '' ? '' : ` (${error.reason})`
      return fail(`: value ${show(values[name])} is not valid for ${rule._sources[index]} in rule '${rule.rule}'${reason}.`)
    }
  }
  // values that contradict a rule's defaults
  for (const rule of candidates) {
    if (!rule._required.every(given)) continue
    for (const key of rule._defaultKeys) {
      const value = values[key]
      if (given(key) && !sameValue(value, (rule.defaults as Record<string, unknown>)[key])) {
        return fail(
          `: rule '${rule.rule}' has the default ${key}=${show((rule.defaults as Record<string, unknown>)[key])}, but ${key}=${show(value)} was given and no other rule takes it.`,
        )
      }
    }
  }
  // missing values: report the closest rule
  let best: string[] | null = null
  for (const rule of candidates) {
    const missing = rule._required.filter((n) => !given(n))
    if (best === null || missing.length < best.length) best = missing
  }
  const givenNames = Object.keys(values).filter(given)
  const withValues = givenNames.length > 0 ? ` with values ${list(givenNames)}` : ''
  return fail(`${withValues}. Did you forget to specify values ${list(best ?? [])}?`)
}
