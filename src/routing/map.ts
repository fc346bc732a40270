/**
 * `UrlMap`: the set of rules of an application, compiled lazily into a
 * static-path map plus a segment-tree matcher, with per-rule URL builders.
 *
 * @module
 */
import { DEFAULT_CONVERTERS, type ConverterClass } from './converters.ts'
import { RejectedValue } from './builder.ts'
import { MatchNode, MatchState, insertRule, search, sortTree } from './matcher.ts'
import { encodeLocation, encodeQuery } from './quote.ts'
import type { Rule } from './rule.ts'
import { explainBuildFailure, unknownEndpoint } from './explain.ts'

/**
 * What `UrlMap.match` found.
 *
 * - `match`: the rule and its arguments (converted values plus the rule's defaults);
 * - `redirect`: 308 to `location` (a percent-encoded path, or the rule's
 *   `redirectTo` URL; the caller re-adds the query string), for a missing
 *   trailing slash, merged slashes, a canonical URL of a rule with defaults,
 *   or the rule's `redirectTo`;
 * - `methodNotAllowed`: the path matches but not for this method; `allowed`
 *   is sorted;
 * - `notFound`.
 *
 * @example
 * ```ts
 * const r: MatchResult = map.match('/user/7', 'GET')
 * if (r.kind === 'match') console.log(r.rule.endpoint, r.args)
 * ```
 */
export type MatchResult =
  | { kind: 'match'; rule: Rule; args: Record<string, unknown> }
  | { kind: 'redirect'; location: string; status: 308 }
  | { kind: 'methodNotAllowed'; allowed: string[] }
  | { kind: 'notFound' }

/**
 * Options of a {@link UrlMap}.
 *
 * @example
 * ```ts
 * new UrlMap({ strictSlashes: false, converters: { list: ListConverter } })
 * ```
 */
export interface UrlMapOptions {
  /** Default of `Rule.strictSlashes` (true). */
  strictSlashes?: boolean
  /** Default of `Rule.mergeSlashes` (true): `/a//b` redirects to `/a/b`. */
  mergeSlashes?: boolean
  /** Redirect a URL to the canonical one of a rule with defaults (true). */
  redirectDefaults?: boolean
  /** Converters added to (or replacing) the built-in ones. */
  converters?: Record<string, ConverterClass>
}

/**
 * Options of {@link UrlMap.build}.
 *
 * @example
 * ```ts
 * map.build('post', { id: 1 }, { method: 'POST', appendUnknown: false })
 * ```
 */
export interface BuildOptions {
  /** Only rules accepting this method. Default: rules with GET first, then any. */
  method?: string
  /** Append values that are not rule arguments as the query string (default true). */
  appendUnknown?: boolean
}

const NOT_FOUND: MatchResult = Object.freeze({ kind: 'notFound' })
const NO_METHOD = '\u0000'
const NO_VALUES: Readonly<Record<string, unknown>> = Object.freeze({})
const NO_ARGS_VALUES: readonly string[] = []
const SLASHES = /\/{2,}/g

function redirect(location: string): MatchResult {
  return { kind: 'redirect', location, status: 308 }
}

/**
 * The rules of an application. Add {@link Rule}s, then `match` request paths
 * and `build` URLs from endpoints. Compiling happens on the first `match` or
 * `build` after an `add`.
 *
 * @example
 * ```ts
 * const map = new UrlMap()
 * map.add(new Rule('/', { endpoint: 'index' }))
 * map.add(new Rule('/post/<int:id>', { endpoint: 'post', methods: ['GET'] }))
 * map.match('/post/3', 'GET')    // { kind: 'match', rule, args: { id: 3 } }
 * map.match('/post/3', 'POST')   // { kind: 'methodNotAllowed', allowed: ['GET', 'HEAD'] }
 * map.build('post', { id: 3, q: 'x' }) // '/post/3?q=x'
 * ```
 */
export class UrlMap {
  /** Converter classes by name; register your own here before adding rules that use them. */
  converters: Record<string, ConverterClass>
  /** Default of `Rule.strictSlashes`. */
  strictSlashes: boolean
  /** Default of `Rule.mergeSlashes`. */
  mergeSlashes: boolean
  /** Whether matching a URL that a rule with defaults builds redirects to that URL. */
  redirectDefaults: boolean

  private readonly _rules: Rule[] = []
  private _dirty = true
  private _root = new MatchNode()
  private _static = new Map<string, Rule[]>()
  private _byEndpoint = new Map<string, Rule[]>()
  private readonly _state = new MatchState()

  /** @param options defaults for rules and extra converters */
  constructor(options: UrlMapOptions = {}) {
    this.converters = { ...DEFAULT_CONVERTERS, ...options.converters }
    this.strictSlashes = options.strictSlashes ?? true
    this.mergeSlashes = options.mergeSlashes ?? true
    this.redirectDefaults = options.redirectDefaults ?? true
  }

  /**
   * Checks, compiles and adds a rule. Throws a `RuleError` naming the rule
   * and the problem for a malformed one. May be called after matching.
   *
   * @example
   * ```ts
   * map.add(new Rule('/user/<int:id>', { endpoint: 'user' }))
   * ```
   */
  add(rule: Rule): void {
    rule._bind(this)
    this._rules.push(rule)
    this._dirty = true
  }

  /**
   * All rules, in insertion order.
   *
   * @example
   * ```ts
   * for (const r of map.rules()) console.log(r.rule, r.endpoint)
   * ```
   */
  rules(): readonly Rule[] {
    return this._rules
  }

  /**
   * The rules (of one endpoint, if given), in insertion order.
   *
   * @example
   * ```ts
   * map.iterRules('user').map((r) => r.rule) // ['/user/<int:id>']
   * ```
   */
  iterRules(endpoint?: string): Rule[] {
    return endpoint === undefined ? this._rules.slice() : this._rules.filter((r) => r.endpoint === endpoint)
  }

  /**
   * Matches a percent-decoded path (no query string) and an upper-case
   * method. Never throws for any string (custom converters aside).
   *
   * @example
   * ```ts
   * map.match('/files/a/b.txt', 'GET') // { kind: 'match', rule, args: { path: 'a/b.txt' } }
   * map.match('/docs', 'GET')          // { kind: 'redirect', location: '/docs/', status: 308 }
   * ```
   */
  match(path: string, method: string): MatchResult {
    if (this._dirty) this._compile()
    if (path.charCodeAt(0) !== 47) path = '/' + path
    const statics = this._static.get(path)
    if (statics !== undefined) {
      for (let i = 0; i < statics.length; i++) {
        const rule = statics[i]
        if (rule.methods === null || (method === 'GET' ? rule._acceptsGet : rule.methods.has(method))) {
          return this._finish(rule, rule._convert(NO_ARGS_VALUES) as Record<string, unknown>, method)
        }
      }
    }
    let state = this._state
    if (state.busy) state = new MatchState()
    state.busy = true
    try {
      state.reset(path, method)
      if (search(this._root, 1, state)) {
        if (state.slash) return redirect(encodeLocation(path + '/'))
        return this._finish(state.rule as Rule, state.args as Record<string, unknown>, method)
      }
      if (this.mergeSlashes && path.includes('//')) {
        const merged = path.replace(SLASHES, '/')
        const allowed = state.allowed
        state.reset(merged, method)
        state.allowed = allowed
        if (search(this._root, 1, state)) {
          if (state.slash) return redirect(encodeLocation(merged + '/'))
          if ((state.rule as Rule).mergeSlashes) return redirect(encodeLocation(merged))
        }
      }
      if (state.allowed !== null) return { kind: 'methodNotAllowed', allowed: [...state.allowed].sort() }
      return NOT_FOUND
    } finally {
      state.busy = false
      state.rule = null
      state.args = null
    }
  }

  /**
   * The methods the rules matching `path` accept, sorted, for an `Allow`
   * header (HEAD is there with GET; OPTIONS when a rule lists it). Empty when
   * nothing matches, or when a matching rule accepts any method.
   *
   * @example
   * ```ts
   * map.allowedMethods('/post/3') // ['GET', 'HEAD', 'POST']
   * ```
   */
  allowedMethods(path: string): string[] {
    const r = this.match(path, NO_METHOD)
    return r.kind === 'methodNotAllowed' ? r.allowed : []
  }

  /**
   * Builds the URL path of `endpoint`: the first rule (more arguments first,
   * then more defaults) whose arguments are all given or defaulted, whose
   * defaults agree with the values, and which accepts `options.method`.
   * Values pass through their converter's `toUrl` and must match its
   * pattern; other values become the query string. Throws {@link BuildError}.
   *
   * @example
   * ```ts
   * map.build('user', { id: 7 })             // '/user/7'
   * map.build('user', { id: 7, tab: 'a b' }) // '/user/7?tab=a+b'
   * map.build('user', { id: 'x' })           // BuildError: value 'x' is not valid for <int:id> …
   * ```
   */
  build(endpoint: string, values: Record<string, unknown> = NO_VALUES, options?: BuildOptions): string {
    if (this._dirty) this._compile()
    const method = options?.method === undefined ? undefined : options.method.toUpperCase()
    const rules = this._byEndpoint.get(endpoint)
    if (rules === undefined) throw unknownEndpoint(endpoint, this._byEndpoint.keys(), values, method)
    const append = options?.appendUnknown !== false
    let path: string | null
    if (method === undefined) {
      path = this._tryBuild(rules, values, 'GET', append)
      if (path === null) path = this._tryBuild(rules, values, undefined, append)
    } else {
      path = this._tryBuild(rules, values, method, append)
    }
    if (path === null) throw explainBuildFailure(endpoint, rules, values, method)
    return path
  }

  private _tryBuild(
    rules: readonly Rule[],
    values: Record<string, unknown>,
    method: string | undefined,
    append: boolean,
  ): string | null {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]
      if (!rule._suitable(values, method)) continue
      let path: string
      try {
        path = rule._builder(values)
      } catch (error) {
        if (error instanceof RejectedValue) continue
        throw error
      }
      if (append) {
        const query = encodeQuery(values, rule.arguments)
        if (query !== '') path += '?' + query
      }
      return path
    }
    return null
  }

  private _finish(rule: Rule, args: Record<string, unknown>, method: string): MatchResult {
    const providers = rule._providers
    if (providers !== null && this.redirectDefaults) {
      for (const provider of providers) {
        if (!provider._suitable(args, method)) continue
        try {
          return redirect(provider._builder({ ...args, ...provider.defaults }))
        } catch (error) {
          if (!(error instanceof RejectedValue)) throw error
        }
      }
    }
    if (rule._redirect !== null) return redirect(rule._redirect(args))
    return { kind: 'match', rule, args }
  }

  private _compile(): void {
    const root = new MatchNode()
    const statics = new Map<string, Rule[]>()
    const byEndpoint = new Map<string, Rule[]>()
    for (const rule of this._rules) {
      insertRule(root, rule)
      if (rule._staticPath !== null) {
        const same = statics.get(rule._staticPath)
        if (same === undefined) statics.set(rule._staticPath, [rule])
        else same.push(rule)
      }
      const forEndpoint = byEndpoint.get(rule.endpoint)
      if (forEndpoint === undefined) byEndpoint.set(rule.endpoint, [rule])
      else forEndpoint.push(rule)
      rule._providers = null
    }
    sortTree(root)
    for (const rules of byEndpoint.values()) {
      // Werkzeug's build order: more arguments first, then more defaults (stable)
      rules.sort(
        (a, b) => b.arguments.size - a.arguments.size || b._defaultKeys.length - a._defaultKeys.length,
      )
      for (let i = 1; i < rules.length; i++) {
        const rule = rules[i]
        for (let j = 0; j < i; j++) {
          const other = rules[j]
          if (other._defaultKeys.length > 0 && sameNames(other.arguments, rule.arguments)) {
            ;(rule._providers ??= []).push(other)
          }
        }
      }
    }
    this._root = root
    this._static = statics
    this._byEndpoint = byEndpoint
    this._dirty = false
  }
}

function sameNames(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false
  for (const name of a) if (!b.has(name)) return false
  return true
}
