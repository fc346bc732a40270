/**
 * Routing: Werkzeug's rules, converters, matcher and URL builders, and the
 * `RouteParams` type that types view arguments from a rule string.
 *
 * @example
 * ```ts
 * import { UrlMap, Rule } from './routing/index.ts'
 * const map = new UrlMap()
 * map.add(new Rule('/user/<int:id>', { endpoint: 'user' }))
 * map.match('/user/1', 'GET')
 * ```
 *
 * @module
 */
export { UrlMap, type MatchResult, type UrlMapOptions, type BuildOptions, type BuiltUrl } from './map.ts'
export { Rule, type RuleOptions, type RedirectTarget } from './rule.ts'
export { Submount, type RuleFactory } from './submount.ts'
export {
  BaseConverter,
  StringConverter,
  IntegerConverter,
  FloatConverter,
  PathConverter,
  UuidConverter,
  AnyConverter,
  DEFAULT_CONVERTERS,
  type ConverterClass,
} from './converters.ts'
export { parseConverterArgs, type ConverterArgs } from './converter-args.ts'
export { ValidationError, BuildError, RuleError, DuplicateRuleError } from './errors.ts'
export { encodePathSegment, encodePath, encodeQuery } from './quote.ts'
export type { ConverterTypes, RouteParams } from './params.ts'
