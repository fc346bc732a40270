/**
 * `UrlMap`: the set of rules of an application, compiled lazily into a
 * static-path map plus a segment-tree matcher, with per-rule URL builders.
 *
 * @module
 */
import { DEFAULT_CONVERTERS, type ConverterClass } from './converters.ts'
import { RejectedValue } from './builder.ts'
import { MatchNode, MatchState, StaticPaths, insertRule, search, sortTree } from './matcher.ts'
import { encodeLocation, encodeQuery } from './quote.ts'
import type { Rule } from './rule.ts'
import type { RuleFactory } from './submount.ts'
import { explainBuildFailure, unknownEndpoint } from './explain.ts'
import { DuplicateRuleError } from './errors.ts'

/**
 * What `UrlMap.match` found.
 *
 * - `match`: the rule and its arguments (converted values plus the rule's defaults);
 * - `redirect`: 308 to `location` (a percent-encoded path, or the rule's
 *   `redirectTo` URL; the caller re-adds the query string), for a missing
 *   trailing slash, merged slashes, a canonical URL of a rule with defaults,
 *   or the rule's `redirectTo`; `domain` is there when the canonical URL is
 *   on another domain (the built subdomain, or host with host matching);
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
  | { kind: 'redirect'; location: string; status: 308; domain?: string }
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
  /**
   * Match and build rules by their full `host` (`'<user>.example.com'`)
   * instead of their `subdomain` (false). Set it before adding rules.
   */
  hostMatching?: boolean
  /** The subdomain of rules that give none (`''`). Set it before adding rules. */
  defaultSubdomain?: string
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
  /**
   * With host matching, the current host: among the endpoint's suitable
   * rules, one on this host is preferred (Werkzeug's `_partial_build`).
   */
  domain?: string
}

/**
 * What {@link UrlMap.buildParts} built: the rule's domain part (its built
 * subdomain, or its host with host matching; `''` for a rule on the
 * default domain) and the path with its query string.
 *
 * @example
 * ```ts
 * map.buildParts('user_page', { user: 'ann' }) // { domain: 'ann', path: '/' }
 * ```
 */
export interface BuiltUrl {
  domain: string
  path: string
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
  private _static = new StaticPaths(new Map())
  private _byEndpoint = new Map<string, Rule[]>()
  /** The states of the domain parts (static domains, then dynamic ones), or null when every rule is on the default domain. */
  private _domainRoot: MatchNode | null = null
  /** Rules by their shape (domain and path parts), for the duplicate check. */
  private readonly _shapes = new Map<string, Rule[]>()
  private _lastDomain = ''
  private _hostMatching: boolean
  private _defaultSubdomain: string
  private readonly _state = new MatchState()

  /** @param options defaults for rules and extra converters */
  constructor(options: UrlMapOptions = {}) {
    this.converters = { ...DEFAULT_CONVERTERS, ...options.converters }
    this.strictSlashes = options.strictSlashes ?? true
    this.mergeSlashes = options.mergeSlashes ?? true
    this.redirectDefaults = options.redirectDefaults ?? true
    this._hostMatching = options.hostMatching ?? false
    this._defaultSubdomain = options.defaultSubdomain ?? ''
  }

  /**
   * True when rules match and build by their `host` rather than their
   * `subdomain` (Werkzeug's `host_matching`). Can be changed only while the
   * map has no rules.
   *
   * @example
   * ```ts
   * const map = new UrlMap({ hostMatching: true })
   * map.add(new Rule('/', { endpoint: 'user', host: '<user>.example.com' }))
   * map.match('/', 'GET', 'ann.example.com') // { kind: 'match', rule, args: { user: 'ann' } }
   * ```
   */
  get hostMatching(): boolean {
    return this._hostMatching
  }

  set hostMatching(value: boolean) {
    if (value !== this._hostMatching) this._beforeRules('hostMatching')
    this._hostMatching = value
  }

  /**
   * True when some rule is on a domain other than the default one (a
   * `subdomain`, or a `host` with host matching).
   *
   * @example
   * ```ts
   * map.add(new Rule('/', { endpoint: 'api', subdomain: 'api' }))
   * map.usesDomains // true
   * ```
   */
  get usesDomains(): boolean {
    if (this._dirty) this._compile()
    return this._domainRoot !== null
  }

  /** The subdomain of rules that give none (Werkzeug's `default_subdomain`); set it before adding rules. */
  get defaultSubdomain(): string {
    return this._defaultSubdomain
  }

  set defaultSubdomain(value: string) {
    if (value !== this._defaultSubdomain) this._beforeRules('defaultSubdomain')
    this._defaultSubdomain = value
  }

  private _beforeRules(what: string): void {
    if (this._rules.length > 0) {
      throw new Error(`UrlMap.${what} can only be changed before rules are added (the map has ${this._rules.length}).`)
    }
  }

  /**
   * Checks, compiles and adds a rule. Throws a `RuleError` naming the rule
   * and the problem for a malformed one. May be called after matching.
   *
   * @example
   * ```ts
   * map.add(new Rule('/user/<int:id>', { endpoint: 'user' }))
   * map.add(new Submount('/api', [new Rule('/ping', { endpoint: 'ping' })]))   // a rule factory adds its rules
   * ```
   */
  add(rule: Rule | RuleFactory): void {
    if (typeof (rule as RuleFactory).getRules === 'function') {
      for (const r of (rule as RuleFactory).getRules(this)) this.add(r)
      return
    }
    rule = rule as Rule
    if (rule.map !== null) rule._bind(this) // throws the "already added" error
    try {
      rule._bind(this)
      if (!rule.endpointAlias) {
        const same = this._shapes.get(rule._shape)
        if (same !== undefined) {
          for (const existing of same) if (isDuplicate(existing, rule)) throw new DuplicateRuleError(existing, rule)
          same.push(rule)
        } else this._shapes.set(rule._shape, [rule])
      }
    } catch (error) {
      if (rule.map === this) rule.map = null // a refused rule can be fixed and added again
      throw error
    }
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
   * True when some rule of `endpoint` takes all of `names` as arguments
   * (variables or defaults; Werkzeug's `is_endpoint_expecting`).
   *
   * @example
   * ```ts
   * map.add(new Rule('/<lang>/', { endpoint: 'index' }))
   * map.isEndpointExpecting('index', 'lang') // true
   * map.isEndpointExpecting('index', 'id')   // false
   * ```
   */
  isEndpointExpecting(endpoint: string, ...names: string[]): boolean {
    return this._rules.some((r) => r.endpoint === endpoint && names.every((n) => r.arguments.has(n)))
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
  match(path: string, method: string, domain: string | null = ''): MatchResult {
    if (this._dirty) this._compile()
    if (path.charCodeAt(0) !== 47) path = '/' + path
    const domains = this._domainRoot
    if (domain !== '' && (domains === null || domain === null)) return NOT_FOUND
    const statics = domain === '' ? this._static.get(path) : undefined
    if (statics !== undefined) {
      for (let i = 0; i < statics.length; i++) {
        const rule = statics[i]
        if (rule.methods === null || (method === 'GET' ? rule._acceptsGet : rule.methods.has(method))) {
          return this._finish(rule, rule._convert(NO_ARGS_VALUES) as Record<string, unknown>, method, '')
        }
      }
    }
    let state = this._state
    if (state.busy) state = new MatchState()
    state.busy = true
    try {
      state.reset(path, method)
      if (domains === null ? search(this._root, 1, state) : this._searchDomains(domains, domain as string, state)) {
        if (state.slash) return redirect(encodeLocation(path + '/'))
        return this._finish(state.rule as Rule, state.args as Record<string, unknown>, method, domain as string)
      }
      if (this.mergeSlashes && path.includes('//')) {
        const merged = path.replace(SLASHES, '/')
        const allowed = state.allowed
        state.reset(merged, method)
        state.allowed = allowed
        if (domains === null ? search(this._root, 1, state) : this._searchDomains(domains, domain as string, state)) {
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
  allowedMethods(path: string, domain: string | null = ''): string[] {
    const r = this.match(path, NO_METHOD, domain)
    return r.kind === 'methodNotAllowed' ? r.allowed : []
  }

  /** The search under each domain state that `domain` reaches: the default tree or a static domain first, then dynamic ones by weight. */
  private _searchDomains(domains: MatchNode, domain: string, state: MatchState): boolean {
    const node = domain === '' ? this._root : domains.statics?.get(domain)
    if (node !== undefined && search(node, 1, state)) return true
    const edges = domains.dynamic
    if (edges !== null) {
      for (let i = 0; i < edges.length; i++) {
        state.count = 0
        if (edges[i].part.match(domain, state) !== -1 && search(edges[i].node, 1, state)) return true
      }
    }
    state.count = 0
    return false
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
    const prefer = this._hostMatching ? options?.domain : undefined
    let path: string | null
    if (method === undefined) {
      path = this._tryBuild(rules, values, 'GET', append, prefer)
      if (path === null) path = this._tryBuild(rules, values, undefined, append, prefer)
    } else {
      path = this._tryBuild(rules, values, method, append, prefer)
    }
    if (path === null) throw explainBuildFailure(endpoint, rules, values, method)
    return path
  }

  /**
   * `build`, also giving the built rule's domain part: its subdomain (or
   * its host with host matching), `''` for a rule on the default domain.
   * `urlFor` uses it to make the URL absolute when the rule is on another
   * host than the request's.
   *
   * @example
   * ```ts
   * map.add(new Rule('/', { endpoint: 'user_home', subdomain: '<user>' }))
   * map.buildParts('user_home', { user: 'ann', tab: 'x' }) // { domain: 'ann', path: '/?tab=x' }
   * ```
   */
  buildParts(endpoint: string, values: Record<string, unknown> = NO_VALUES, options?: BuildOptions): BuiltUrl {
    this._lastDomain = ''
    const path = this.build(endpoint, values, options)
    return { domain: this._lastDomain, path }
  }

  private _tryBuild(
    rules: readonly Rule[],
    values: Record<string, unknown>,
    method: string | undefined,
    append: boolean,
    prefer: string | undefined,
  ): string | null {
    let first: string | null = null
    let firstDomain = ''
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]
      if (!rule._suitable(values, method)) continue
      let path: string
      let domain = ''
      try {
        path = rule._builder(values)
        if (rule._domainBuilder !== null) domain = rule._domainBuilder(values)
      } catch (error) {
        if (error instanceof RejectedValue) continue
        throw error
      }
      if (append) {
        const query = encodeQuery(values, rule.arguments)
        if (query !== '') path += '?' + query
      }
      if (prefer === undefined || domain === prefer) {
        this._lastDomain = domain
        return path
      }
      if (first === null) {
        first = path
        firstDomain = domain
      }
    }
    this._lastDomain = firstDomain
    return first
  }

  private _finish(rule: Rule, args: Record<string, unknown>, method: string, domain: string): MatchResult {
    const providers = rule._providers
    if (providers !== null && this.redirectDefaults) {
      for (const provider of providers) {
        if (!provider._suitable(args, method)) continue
        try {
          const values = { ...args, ...provider.defaults }
          const location = provider._builder(values)
          const target = provider._domainBuilder === null ? '' : provider._domainBuilder(values)
          if (target === domain) return redirect(location)
          return { kind: 'redirect', location, status: 308, domain: target }
        } catch (error) {
          if (!(error instanceof RejectedValue)) throw error
        }
      }
    }
    if (rule._redirect !== null) return redirect(rule._redirect(args))
    if (rule.alias && this.redirectDefaults) {
      // Werkzeug's alias: redirect to the URL the endpoint builds (a non-alias rule's)
      const location = this.build(rule.endpoint, args, { method, appendUnknown: false })
      if (location !== rule._builder(args)) return redirect(location)
    }
    return { kind: 'match', rule, args }
  }

  private _compile(): void {
    const root = new MatchNode()
    const statics = new Map<string, Rule[]>()
    const byEndpoint = new Map<string, Rule[]>()
    let domains: MatchNode | null = null
    for (const rule of this._rules) {
      const domainPart = rule._domainPart
      if (domainPart !== null) {
        // a rule on another domain: its path tree hangs under the domain's state
        domains ??= new MatchNode()
        insertRule(domains, rule, domainPart)
      } else insertRule(root, rule)
      if (rule._staticPath !== null && domainPart === null) {
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
    if (domains !== null) sortTree(domains)
    for (const rules of byEndpoint.values()) {
      // Werkzeug's build order: more arguments first, then more defaults (stable)
      rules.sort(
        (a, b) => Number(a.alias) - Number(b.alias) || b.arguments.size - a.arguments.size || b._defaultKeys.length - a._defaultKeys.length,
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
    this._domainRoot = domains
    this._static = new StaticPaths(statics)
    this._byEndpoint = byEndpoint
    this._dirty = false
  }
}

/**
 * Werkzeug 3.2's `Rule.is_duplicate` (the caller has checked the shape:
 * same domain and path parts): the methods overlap, HEAD and OPTIONS aside
 * (GET brings HEAD, and OPTIONS is automatic on every rule).
 */
function isDuplicate(a: Rule, b: Rule): boolean {
  const am = a.methods
  const bm = b.methods
  if (am === null || bm === null) return true
  if (am.size === bm.size && [...am].every((m) => bm.has(m))) return true
  for (const m of am) if (m !== 'HEAD' && m !== 'OPTIONS' && bm.has(m)) return true
  return false
}

function sameNames(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false
  for (const name of a) if (!b.has(name)) return false
  return true
}
