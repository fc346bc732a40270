/**
 * `Rule`: one URL rule (`/user/<int:id>`) bound to an endpoint, compiled
 * when added to a {@link UrlMap}.
 *
 * @module
 */
import type { UrlMap } from './map.ts'
import type { BaseConverter } from './converters.ts'
import { parseConverterArgs } from './converter-args.ts'
import { RuleError } from './errors.ts'
import { tokenizeRule, type RuleToken } from './parse.ts'
import { DynamicPart } from './part.ts'
import { compileBuilder, compileCheck, type PathBuilder, type ValueCheck } from './builder.ts'
import { compileConverter } from './convert.ts'
import { encodePath } from './quote.ts'
import { compileRedirect, type RedirectTarget } from './redirect.ts'

export type { RedirectTarget } from './redirect.ts'

/**
 * Options of a {@link Rule}.
 *
 * @example
 * ```ts
 * const options: RuleOptions = { endpoint: 'user', methods: ['GET', 'POST'], defaults: { tab: 'posts' } }
 * ```
 */
export interface RuleOptions {
  /** The endpoint name the rule resolves to and is built from. */
  endpoint: string
  /** Accepted methods (upper-cased; GET implies HEAD). `null`/absent: any method. */
  methods?: Iterable<string> | null
  /** Redirect `/foo` to `/foo/` (and 404 `/foo/` for `/foo`). Default: the map's. */
  strictSlashes?: boolean
  /** Extra view arguments; also used to pick the rule when building. */
  defaults?: Record<string, unknown> | null
  /** Redirect (308) every match of this rule here. */
  redirectTo?: RedirectTarget | null
  /** Merge runs of `/` in the rule and redirect such URLs. Default: the map's. */
  mergeSlashes?: boolean
  /**
   * The subdomain the rule matches (`'api'`, `'<user>'`), matched and built
   * when the map is not host matching. Default: the map's `defaultSubdomain` (`''`).
   */
  subdomain?: string | null
  /**
   * The full host the rule matches (`'example.com'`, `'<user>.example.com'`),
   * used instead of `subdomain` when the map is host matching.
   */
  host?: string | null
  /**
   * A rule that only gives a URL another endpoint name (Flask's tutorial:
   * `app.add_url_rule('/', endpoint='index')` beside the blog's `/`): it is
   * exempt from the duplicate check, and matches only where no earlier rule
   * does. `app.addUrlRule` sets it for a rule added without a view.
   */
  endpointAlias?: boolean
  /**
   * The rule is an alias of the endpoint's other rules (Werkzeug's
   * `alias`): a URL it matches redirects (308) to the URL the endpoint
   * builds, and building prefers the other rules.
   */
  alias?: boolean
}

const EMPTY_CONVERTERS: Readonly<Record<string, BaseConverter>> = Object.freeze({})
/**
 * A URL rule. Create it with the rule string and options, then add it to a
 * {@link UrlMap}; the rule is checked and compiled by `map.add`.
 *
 * @example
 * ```ts
 * const map = new UrlMap()
 * const rule = new Rule('/user/<int:id>', { endpoint: 'user', methods: ['GET'] })
 * map.add(rule)
 * rule.arguments    // Set { 'id' }
 * rule.methods      // Set { 'GET', 'HEAD' }
 * map.match('/user/7', 'GET') // { kind: 'match', rule, args: { id: 7 } }
 * ```
 */
export class Rule {
  /** The rule string as written. */
  readonly rule: string
  /** True for an alias of the endpoint's other rules (see {@link RuleOptions.alias}). */
  readonly alias: boolean
  /** The endpoint name. */
  endpoint: string
  /** Accepted methods, upper-cased, HEAD added when GET is there; `null` for any. */
  readonly methods: ReadonlySet<string> | null
  /** @internal whether `methods` accepts GET (a fast path for the most common method) */
  readonly _acceptsGet: boolean
  /** Names of the rule's variables and of its defaults. */
  readonly arguments: ReadonlySet<string>
  /** Default view arguments, or `null`. */
  readonly defaults: Readonly<Record<string, unknown>> | null
  /** Whether `/foo` redirects to this `/foo/` rule and `/foo/` does not match a `/foo` rule. */
  strictSlashes: boolean
  /** Whether runs of `/` are merged (resolved from the map when added). */
  mergeSlashes: boolean
  /** Where matches redirect to, or `null`. */
  readonly redirectTo: RedirectTarget | null
  /** The subdomain template as given (`null`: the map's default, resolved when added). */
  subdomain: string | null
  /** The host template as given, or `null`. */
  readonly host: string | null
  /** True for a rule that only names a URL (see `RuleOptions.endpointAlias`): no duplicate check. */
  readonly endpointAlias: boolean
  /** True when the rule does not end with a slash. */
  readonly isLeaf: boolean
  /** The map this rule was added to, or `null`. */
  map: UrlMap | null = null
  /** The rule's converters by variable name (filled when added to a map). */
  converters: Readonly<Record<string, BaseConverter>> = EMPTY_CONVERTERS

  /** @internal parts for the matcher: static segment text or a dynamic part */
  _parts: ReadonlyArray<string | DynamicPart> = []
  /** @internal the domain part (subdomain or host) for the matcher; null for the default (empty) domain */
  _domainPart: string | DynamicPart | null = null
  /** @internal builds the domain part from values (null for the default domain) */
  _domainBuilder: PathBuilder | null = null
  /** @internal identity of the rule for the duplicate check: the domain and path parts */
  _shape = ''
  /** @internal the whole path when the rule has no converter, else null */
  _staticPath: string | null = null
  /** @internal converters in order of appearance */
  _converters: readonly BaseConverter[] = []
  /** @internal variable names in order of appearance */
  _names: readonly string[] = []
  /** @internal the `<...>` text of each variable, in order */
  _sources: readonly string[] = []
  /** @internal names the builder needs (variables without a default) */
  _required: readonly string[] = []
  /** @internal the keys of `defaults` */
  _defaultKeys: readonly string[] = []
  /** @internal positions (in `_names`) of the builder's dynamic values */
  _buildIndexes: readonly number[] = []
  /** @internal the compiled path builder */
  _builder: PathBuilder = () => ''
  /** @internal the compiled redirect, or null */
  _redirect: ((args: Record<string, unknown>) => string) | null = null
  /** @internal rules of the same endpoint that canonicalize this one's URLs (redirect_defaults) */
  _providers: Rule[] | null = null

  private readonly _tokens: RuleToken[] | null
  private readonly _error: Error | null
  private readonly _strictOption: boolean | undefined
  private readonly _mergeOption: boolean | undefined

  /**
   * @param rule the rule string, starting with `/`
   * @param options the endpoint and the rest; problems are reported by `UrlMap.add`
   */
  constructor(rule: string, options: RuleOptions) {
    this.rule = rule
    this.endpoint = options.endpoint
    this.isLeaf = !rule.endsWith('/')
    this._strictOption = options.strictSlashes
    this._mergeOption = options.mergeSlashes
    this.strictSlashes = options.strictSlashes ?? true
    this.mergeSlashes = options.mergeSlashes ?? true
    this.redirectTo = options.redirectTo ?? null
    this.subdomain = options.subdomain ?? null
    this.host = options.host ?? null
    this.endpointAlias = options.endpointAlias === true
    this.alias = options.alias === true
    const defaults = options.defaults ?? null
    this.defaults = defaults === null ? null : Object.freeze({ ...defaults })

    let error: Error | null = null
    let methods: Set<string> | null = null
    if (options.methods !== undefined && options.methods !== null) {
      if (typeof options.methods === 'string') {
        error = new RuleError(rule, `methods must be a list such as ['${options.methods}'], not a string`)
      } else {
        methods = new Set()
        for (const m of options.methods) methods.add(String(m).toUpperCase())
        if (methods.has('GET')) methods.add('HEAD')
        if (methods.size === 0) error = new RuleError(rule, 'methods is empty; use null to accept any method')
      }
    }
    this.methods = methods
    this._acceptsGet = methods === null || methods.has('GET')

    let tokens: RuleToken[] | null = null
    try {
      tokens = tokenizeRule(rule, false)
    } catch (e) {
      error ??= e as Error
    }
    this._tokens = tokens

    const args = new Set<string>()
    for (const t of tokens ?? []) {
      if (t.kind !== 'variable') continue
      if (args.has(t.name)) error ??= new RuleError(rule, `the variable name '${t.name}' is used twice`)
      if (t.name === '__proto__') error ??= new RuleError(rule, `'__proto__' cannot be a variable name`)
      args.add(t.name)
    }
    if (defaults !== null) {
      for (const key of Object.keys(defaults)) {
        if (key === '__proto__') error ??= new RuleError(rule, `'__proto__' cannot be a default`)
        args.add(key)
      }
    }
    for (const [key, value] of [['subdomain', this.subdomain], ['host', this.host]] as const) {
      if (value !== null && typeof value !== 'string') error ??= new RuleError(rule, `${key} must be a string`)
    }
    if (typeof options.endpoint !== 'string' || options.endpoint === '') {
      error ??= new RuleError(rule, 'the endpoint must be a non-empty string')
    }
    this.arguments = args
    this._error = error
  }

  /**
   * The options this rule was made with (Werkzeug's `get_empty_kwargs`):
   * for a rule factory's copies, such as a {@link Submount}'s.
   *
   * @example
   * ```ts
   * new Rule('/bar', { ...rule.getEmptyOptions(), endpoint: 'foo.bar' })
   * ```
   */
  getEmptyOptions(): RuleOptions {
    return {
      endpoint: this.endpoint,
      methods: this.methods,
      strictSlashes: this._strictOption,
      mergeSlashes: this._mergeOption,
      defaults: this.defaults,
      redirectTo: this.redirectTo,
      subdomain: this.subdomain,
      host: this.host,
      alias: this.alias,
    }
  }

  /** The rule string. @example `String(rule) // '/user/<int:id>'` */
  toString(): string {
    return this.rule
  }

  /**
   * Checks and compiles the rule for `map` (called by `UrlMap.add`).
   * @internal
   */
  _bind(map: UrlMap): void {
    const rule = this.rule
    if (this._error !== null) throw this._error
    if (this.map !== null) {
      throw new RuleError(rule, `the rule is already added to ${this.map === map ? 'this' : 'another'} UrlMap`)
    }
    const tokens0 = this._tokens as RuleToken[]
    this.strictSlashes = this._strictOption ?? map.strictSlashes
    this.mergeSlashes = this._mergeOption ?? map.mergeSlashes
    const tokens = this.mergeSlashes
      ? tokens0.filter((t, i) => !(t.kind === 'slash' && i > 0 && tokens0[i - 1].kind === 'slash'))
      : tokens0

    // the domain: the host when the map is host matching, else the subdomain (Werkzeug's domain part)
    const subdomain = this.subdomain ?? map.defaultSubdomain
    const domainSource = map.hostMatching ? this.host ?? '' : subdomain
    let domainTokens: RuleToken[] = []
    if (domainSource !== '') {
      const which = map.hostMatching ? 'host' : 'subdomain'
      try {
        domainTokens = tokenizeRule('/' + domainSource, false).slice(1)
      } catch (e) {
        throw new RuleError(rule, `bad ${which} '${domainSource}': ${(e as RuleError).message.replace(/^Invalid URL rule '[^']*': /, '')}`)
      }
      if (domainTokens.some((t) => t.kind === 'slash')) throw new RuleError(rule, `the ${which} '${domainSource}' cannot contain '/'`)
      for (const t of domainTokens) {
        if (t.kind !== 'variable') continue
        if (t.name === '__proto__') throw new RuleError(rule, `'__proto__' cannot be a variable name`)
        if (tokens0.some((p) => p.kind === 'variable' && p.name === t.name) || domainTokens.filter((d) => d.kind === 'variable' && d.name === t.name).length > 1) {
          throw new RuleError(rule, `the variable name '${t.name}' is used twice`)
        }
      }
    }

    // converters (the domain's first, as Werkzeug captures the domain before the path)
    const converters: BaseConverter[] = []
    const names: string[] = []
    const sources: string[] = []
    const checks: ValueCheck[] = []
    const byName: Record<string, BaseConverter> = {}
    for (const t of [...domainTokens, ...tokens]) {
      if (t.kind !== 'variable') continue
      const registry = map.converters
      const cls = Object.hasOwn(registry, t.converter) ? registry[t.converter] : undefined
      if (typeof cls !== 'function') {
        throw new RuleError(
          rule,
          `unknown converter '${t.converter}' in '${t.source}' (known: ${Object.keys(registry).join(', ')})`,
        )
      }
      let converter: BaseConverter
      try {
        converter = new cls(map, parseConverterArgs(t.args ?? ''))
      } catch (e) {
        throw new RuleError(rule, `bad converter arguments in '${t.source}': ${(e as Error).message}`)
      }
      try {
        checks.push(compileCheck(converter.regex))
      } catch (e) {
        throw new RuleError(rule, `the converter in '${t.source}' has an invalid regex ${converter.regex}: ${(e as Error).message}`)
      }
      converters.push(converter)
      names.push(t.name)
      sources.push(t.source)
      byName[t.name] = converter
    }

    // matcher parts (Werkzeug's part splitting; the leading slash opens the first part)
    const parts: Array<string | DynamicPart> = []
    let pieces: Array<string | number> = []
    let regexes: string[] = []
    let staticLengths: number[] = []
    let weights: number[] = []
    let isStatic = true
    let final = false
    const emit = (): void => {
      if (isStatic) parts.push(pieces.join(''))
      else {
        let part: DynamicPart
        try {
          part = new DynamicPart(pieces, regexes, final, {
            staticCount: staticLengths.length,
            staticLengths,
            argumentWeights: weights,
          })
        } catch (e) {
          throw new RuleError(rule, `cannot compile a converter regex: ${(e as Error).message}`)
        }
        parts.push(part)
        if (part.suffixed) parts.push('')
      }
      pieces = []
      regexes = []
      staticLengths = []
      weights = []
      isStatic = true
      final = false
    }
    const domainCount = domainTokens.filter((t) => t.kind === 'variable').length
    let conv = domainCount
    for (let i = 1; i < tokens.length; i++) {
      const t = tokens[i]
      if (t.kind === 'static') {
        staticLengths.push(t.text.length)
        pieces.push(t.text)
      } else if (t.kind === 'variable') {
        const c = converters[conv++]
        isStatic = false
        if (!c.partIsolating) final = true
        pieces.push(regexes.length)
        regexes.push(c.regex)
        weights.push(c.weight)
      } else if (final) {
        pieces.push('/')
      } else {
        emit()
      }
    }
    emit()

    // builder: fold defaults of variables into constant text
    const defaults = this.defaults
    const statics: string[] = []
    const buildConverters: BaseConverter[] = []
    const buildNames: string[] = []
    const buildChecks: ValueCheck[] = []
    const buildIndexes: number[] = []
    let text = ''
    conv = domainCount
    for (const t of tokens) {
      if (t.kind === 'slash') text += '/'
      else if (t.kind === 'static') text += encodePath(t.text)
      else {
        const index = conv++
        const c = converters[index]
        if (defaults !== null && Object.hasOwn(defaults, t.name)) {
          try {
            text += c.toUrl(defaults[t.name])
          } catch (e) {
            throw new RuleError(rule, `the default for '${t.name}' is rejected by '${t.source}': ${(e as Error).message}`)
          }
        } else {
          statics.push(text)
          text = ''
          buildConverters.push(c)
          buildNames.push(t.name)
          buildChecks.push(checks[index])
          buildIndexes.push(index)
        }
      }
    }
    statics.push(text)

    // the domain part: its matcher part and its builder (defaults folded in as for the path)
    let domainPart: string | DynamicPart | null = null
    let domainBuilder: PathBuilder | null = null
    const domainRequired: string[] = []
    if (domainSource !== '') {
      const pieces: Array<string | number> = []
      const regexes: string[] = []
      const lengths: number[] = []
      const weights: number[] = []
      const dStatics: string[] = []
      const dConverters: BaseConverter[] = []
      const dNames: string[] = []
      const dChecks: ValueCheck[] = []
      let dText = ''
      let index = 0
      for (const t of domainTokens) {
        if (t.kind === 'static') {
          pieces.push(t.text.toLowerCase())
          lengths.push(t.text.length)
          dText += t.text.toLowerCase()
        } else if (t.kind === 'variable') {
          const c = converters[index]
          pieces.push(regexes.length)
          regexes.push(c.regex)
          weights.push(c.weight)
          if (defaults !== null && Object.hasOwn(defaults, t.name)) {
            try {
              dText += c.toUrl(defaults[t.name])
            } catch (e) {
              throw new RuleError(rule, `the default for '${t.name}' is rejected by '${t.source}': ${(e as Error).message}`)
            }
          } else {
            dStatics.push(dText)
            dText = ''
            dConverters.push(c)
            dNames.push(t.name)
            dChecks.push(checks[index])
            domainRequired.push(t.name)
          }
          index++
        }
      }
      dStatics.push(dText)
      if (regexes.length === 0) domainPart = pieces.join('')
      else {
        try {
          domainPart = new DynamicPart(pieces, regexes, false, {
            staticCount: lengths.length,
            staticLengths: lengths,
            argumentWeights: weights,
          })
        } catch (e) {
          throw new RuleError(rule, `cannot compile a converter regex of '${domainSource}': ${(e as Error).message}`)
        }
      }
      domainBuilder = compileBuilder(dStatics, dConverters, dNames, dChecks)
      for (const t of domainTokens) if (t.kind === 'variable') (this.arguments as Set<string>).add(t.name)
    }
    const shapeOf = (p: string | DynamicPart | null): string => (p === null ? '' : typeof p === 'string' ? 's' + p : 'd' + p.key)

    this.map = map
    this.subdomain = subdomain
    this._domainPart = domainPart
    this._domainBuilder = domainBuilder
    this._shape = shapeOf(domainPart) + '|' + parts.map(shapeOf).join('\u0001')
    this.converters = Object.freeze(byName)
    this._converters = converters
    this._names = names
    this._sources = sources
    this._parts = parts
    this._staticPath = converters.length === 0 ? '/' + (parts as string[]).join('/') : null
    this._required = domainRequired.length === 0 ? buildNames : [...domainRequired, ...buildNames]
    this._defaultKeys = defaults === null ? [] : Object.keys(defaults)
    this._buildIndexes = buildIndexes
    this._builder = compileBuilder(statics, buildConverters, buildNames, buildChecks)
    this._redirect = compileRedirect(rule, this.redirectTo, this.arguments, byName)
    this._convert = compileConverter(converters, names, defaults)
    this._providers = null
  }

  /**
   * Converts the raw matched texts to view arguments (plus defaults);
   * `null` when a converter throws {@link ValidationError}. Replaced by a
   * per-rule compiled function when the rule is added.
   * @internal
   */
  _convert: (values: readonly string[]) => Record<string, unknown> | null = () => ({})

  /**
   * Werkzeug's `suitable_for`: every variable has a value or a default, the
   * method is accepted, and given values equal the defaults.
   * @internal
   */
  _suitable(values: Readonly<Record<string, unknown>>, method: string | undefined): boolean {
    if (method !== undefined && this.methods !== null && !this.methods.has(method)) return false
    const required = this._required
    for (let i = 0; i < required.length; i++) {
      const v = values[required[i]]
      if (v === undefined || v === null) return false
    }
    const defaults = this.defaults
    if (defaults !== null) {
      const keys = this._defaultKeys
      for (let i = 0; i < keys.length; i++) {
        const v = values[keys[i]]
        if (v !== undefined && v !== null && !sameValue(v, defaults[keys[i]])) return false
      }
    }
    return true
  }
}

/**
 * Equality used to compare a given value with a rule default: identical, or
 * two primitives with the same string form (`1` and `'1'`).
 *
 * @example
 * ```ts
 * sameValue(1, '1') // true
 * sameValue(1, 2)   // false
 * ```
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if ((typeof a === 'object' && a !== null) || (typeof b === 'object' && b !== null)) return false
  return String(a) === String(b)
}
