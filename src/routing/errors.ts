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
