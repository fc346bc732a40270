/**
 * Small regex helpers shared by converters and the compiled matcher.
 *
 * @module
 */

/**
 * Escapes text for use inside a regex compiled with the `u` flag.
 *
 * @example
 * ```ts
 * escapeRegex('a.b(c)') // 'a\\.b\\(c\\)'
 * ```
 */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
}

/**
 * How many capture groups a regex source has (throws a `SyntaxError` for an
 * invalid one). Sources are compiled with the `s` and `u` flags.
 *
 * @example
 * ```ts
 * countGroups('(a)(?:b)(c)') // 2
 * ```
 */
export function countGroups(source: string): number {
  return (new RegExp('(?:' + source + ')|', 'su').exec('') as RegExpExecArray).length - 1
}
