/**
 * Rule factories (Werkzeug's `RuleFactory`): objects that give a map
 * several rules at once. `Submount` prefixes a group of rules with a path.
 *
 * @module
 */
import type { UrlMap } from './map.ts'
import { Rule } from './rule.ts'

/**
 * Anything `urlMap.add` accepts besides a {@link Rule}: it gives its rules
 * for a map (Werkzeug's `RuleFactory.get_rules`).
 *
 * @example
 * ```ts
 * const versioned: RuleFactory = { getRules: () => [new Rule('/v1/ping', { endpoint: 'ping' })] }
 * app.urlMap.add(versioned)
 * ```
 */
export interface RuleFactory {
  /** The rules to add to `map`; new ones, not yet added to any map. */
  getRules(map: UrlMap): Iterable<Rule>
}

/**
 * Rules (and rule factories) under a common path (Werkzeug's `Submount`).
 * The rules given are templates: the map gets copies with the path put in
 * front, so one list can be mounted twice.
 *
 * @example
 * ```ts
 * app.urlMap.add(new Submount('/foo', [
 *   new Rule('/bar', { endpoint: 'bar' }),
 *   new Rule('/', { endpoint: 'index' }),
 * ]))
 * app.endpoint('bar', function bar() { return 'bar' })   // GET /foo/bar
 * ```
 */
export class Submount implements RuleFactory {
  /** The path in front of every rule, without a trailing slash. */
  readonly path: string
  /** The rules and factories mounted. */
  readonly rules: ReadonlyArray<Rule | RuleFactory>

  constructor(path: string, rules: Iterable<Rule | RuleFactory>) {
    if (typeof path !== 'string') throw new TypeError('Submount(path, rules): path must be a string such as "/api"')
    this.path = path.replace(/\/+$/, '')
    this.rules = [...rules]
  }

  /** Copies of the rules (of nested factories too) with the path in front. */
  *getRules(map: UrlMap): Generator<Rule> {
    for (const item of this.rules) {
      const rules = item instanceof Rule ? [item] : item.getRules(map)
      for (const rule of rules) yield new Rule(this.path + rule.rule, rule.getEmptyOptions())
    }
  }
}
