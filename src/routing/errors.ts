/**
 * Errors raised by the routing module.
 *
 * @module
 */

/**
 * Thrown by a converter's `toValue` to say "this URL part is not mine": the
 * rule does not match and the matcher tries the next candidate rule. Thrown
 * by `toUrl`, it rejects a value when building a URL.
 *
 * @example
 * ```ts
 * class EvenConverter extends BaseConverter {
 *   override regex = '\\d+'
 *   override toValue(value: string): number {
 *     const n = Number(value)
 *     if (n % 2 !== 0) throw new ValidationError(`${value} is odd`)
 *     return n
 *   }
 * }
 * ```
 */
export class ValidationError extends Error {
  override name = 'ValidationError'
}

/**
 * A rule string that cannot be compiled: unclosed `<`, unknown converter,
 * duplicate argument name, bad converter arguments, a rule without its
 * leading slash. Thrown by `UrlMap.add`; the message names the rule.
 *
 * @example
 * ```ts
 * try { map.add(new Rule('/u/<int:id', { endpoint: 'u' })) }
 * catch (e) { if (e instanceof RuleError) console.error(e.rule, e.message) }
 * ```
 */
export class RuleError extends Error {
  override name = 'RuleError'
  /** The rule string that failed. */
  readonly rule: string

  constructor(rule: string, problem: string) {
    super(`Invalid URL rule '${rule}': ${problem}`)
    this.rule = rule
  }
}

/** The short form of a rule in messages: `'/path' (GET, HEAD) -> endpoint`, with its domain. */
function describeRule(rule: DescribedRule): string {
  const domain = rule.map?.hostMatching ? rule.host : rule.subdomain
  const methods = rule.methods === null ? '' : ` (${[...rule.methods].sort().join(', ')})`
  return `${domain ? `${domain}|` : ''}'${rule.rule}'${methods} -> ${rule.endpoint}`
}

interface DescribedRule {
  readonly rule: string
  readonly endpoint: string
  readonly methods: ReadonlySet<string> | null
  readonly subdomain: string | null
  readonly host: string | null
  readonly map: { readonly hostMatching: boolean } | null
}

/**
 * Werkzeug 3.2's `DuplicateRuleError`: a rule was added that matches
 * exactly as an existing one — the same path (same converters in the same
 * places), the same subdomain or host, and overlapping methods (HEAD and
 * OPTIONS aside). Thrown by `UrlMap.add` (and so by `app.route`); the
 * message names both rules. It is a {@link RuleError}.
 *
 * @example
 * ```ts
 * app.get('/', function index() { return 'a' })
 * try { app.get('/', function other() { return 'b' }) }
 * catch (e) { if (e instanceof DuplicateRuleError) console.error(e.existing.endpoint) } // 'index'
 * ```
 */
export class DuplicateRuleError extends RuleError {
  override name = 'DuplicateRuleError'
  /** The rule already in the map. */
  readonly existing: DescribedRule
  /** The rule that duplicates it. */
  readonly duplicate: DescribedRule

  constructor(existing: DescribedRule, duplicate: DescribedRule) {
    super(
      duplicate.rule,
      `${describeRule(duplicate)} duplicates the rule ${describeRule(existing)}: ` +
        'same path, same subdomain or host, and overlapping methods. Remove one, or give them different methods.',
    )
    this.existing = existing
    this.duplicate = duplicate
  }
}

/**
 * `UrlMap.build` could not produce a URL: unknown endpoint, missing values,
 * a value a converter rejected, or no rule for the requested method.
 * The message says which; `suggestions` lists close endpoint names when the
 * endpoint is unknown.
 *
 * @example
 * ```ts
 * try { map.build('user', {}) }
 * catch (e) {
 *   if (e instanceof BuildError) console.error(e.endpoint, e.message)
 *   // "Could not build url for endpoint 'user'. Did you forget to specify values ['id']?"
 * }
 * ```
 */
export class BuildError extends Error {
  override name = 'BuildError'
  /** The endpoint that was asked for. */
  readonly endpoint: string
  /** The values that were given. */
  readonly values: Record<string, unknown>
  /** The method that was asked for, if any. */
  readonly method: string | undefined
  /** Close endpoint names, for an unknown endpoint (may be empty). */
  readonly suggestions: readonly string[]

  constructor(
    message: string,
    endpoint: string,
    values: Record<string, unknown>,
    method?: string,
    suggestions: readonly string[] = [],
  ) {
    super(message)
    this.endpoint = endpoint
    this.values = values
    this.method = method
    this.suggestions = suggestions
  }
}
