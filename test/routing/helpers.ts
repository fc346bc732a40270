import { UrlMap, Rule, type RuleOptions, type MatchResult } from '../../src/routing/index.ts'

/** A map built from [rule, endpoint or options] pairs. */
export function mapOf(
  rules: Array<[string, string | RuleOptions]>,
  options?: ConstructorParameters<typeof UrlMap>[0],
): UrlMap {
  const map = new UrlMap(options)
  for (const [rule, opts] of rules) map.add(new Rule(rule, typeof opts === 'string' ? { endpoint: opts } : opts))
  return map
}

/** A compact view of a match result: endpoint and args, or the other kinds as they are. */
export function brief(result: MatchResult): unknown {
  if (result.kind === 'match') return { endpoint: result.rule.endpoint, args: result.args }
  return result
}
