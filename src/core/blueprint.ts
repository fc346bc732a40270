/**
 * Blueprints: groups of routes, hooks and handlers recorded now and applied
 * to an app when registered (Flask's deferred `record()`).
 */
import type { AppCore } from './app-core.ts'
import { Scaffold, type ScaffoldOptions, type Scope, type ScopedLists } from './scaffold.ts'
import type {
  AfterRequestHook,
  BeforeRequestHook,
  ContextProcessor,
  ErrorClass,
  ErrorHandler,
  RouteOptions,
  TeardownHook,
  UrlDefaultsFunction,
  UrlValuePreprocessor,
  AnyView,
  View,
} from './types.ts'
import { endpointFromView } from '../routing/endpoint.ts'
import { namedArgs, type TemplateFilter, type TemplateTest } from './template-registry.ts'
import { CommandGroup } from './commands.ts'

/**
 * Options of a {@link Blueprint}.
 *
 * @example
 * ```ts
 * const admin = new Blueprint('admin', { importName: import.meta.url, urlPrefix: '/admin', templateFolder: 'templates', cliGroup: 'adm' })
 * ```
 */
export interface BlueprintOptions extends ScaffoldOptions {
  /**
   * `import.meta.url` (or a file or folder): what `templateFolder` and
   * `staticFolder` are relative to. Needed only with one of them (or give
   * `rootPath`). Flask's positional form `new Blueprint(name, import.meta.url, options)` sets it too.
   */
  importName?: string
  /** Prefix of every rule (`/auth`). */
  urlPrefix?: string | null
  /** Default values for every rule's view arguments. */
  urlDefaults?: Record<string, unknown>
  /**
   * The subdomain every rule matches by default (`'admin'`, `'<user>'`),
   * with `subdomainMatching`. A nested blueprint's is prefixed to its
   * parent's (`'a'` in `'b'` gives `'a.b'`), as in Flask 3.
   */
  subdomain?: string | null
  /** Group name of the blueprint's CLI commands (default: its name; null: top level). */
  cliGroup?: string | null
}

/**
 * Options of `register(blueprint, options)`.
 *
 * @example
 * ```ts
 * app.register(admin, { urlPrefix: '/backoffice', name: 'backoffice' })   // endpoints: 'backoffice.index', …
 * ```
 */
export interface RegisterOptions {
  /** Overrides the blueprint's `urlPrefix`. */
  urlPrefix?: string | null
  /** Registers the blueprint under another name (endpoints become `name.view`). */
  name?: string
  /** Extra default values for the blueprint's rules. */
  urlDefaults?: Record<string, unknown>
  /** Overrides the blueprint's `subdomain`. */
  subdomain?: string | null
  /** Set by a parent blueprint: the dotted name of the parent. */
  namePrefix?: string
}

/**
 * What a deferred blueprint function receives when the blueprint is
 * registered (Flask's `BlueprintSetupState`).
 *
 * @example
 * ```ts
 * bp.record((state) => { state.app.config.setDefault('ADMIN_EMAIL', 'admin@example.com') })
 * ```
 */
export class BlueprintSetupState {
  readonly urlPrefix: string | null
  readonly name: string
  readonly namePrefix: string
  readonly urlDefaults: Record<string, unknown>
  /** The subdomain of the blueprint's rules (the register option's, else the blueprint's), or null. */
  readonly subdomain: string | null

  constructor(
    readonly blueprint: Blueprint,
    readonly app: AppCore,
    readonly options: RegisterOptions,
    readonly firstRegistration: boolean,
  ) {
    this.urlPrefix = options.urlPrefix !== undefined ? options.urlPrefix : blueprint.urlPrefix
    this.name = options.name ?? blueprint.name
    this.namePrefix = options.namePrefix ?? ''
    this.urlDefaults = { ...blueprint.urlDefaultValues, ...options.urlDefaults }
    this.subdomain = options.subdomain ?? blueprint.subdomain
  }

  /** The full dotted name the blueprint is registered under. */
  get fullName(): string {
    return this.namePrefix ? `${this.namePrefix}.${this.name}` : this.name
  }

  /** Registers a rule on the app with the blueprint's prefix, name and defaults. */
  addUrlRule(rule: string, endpoint: string | null, view: AnyView | null, options: RouteOptions = {}): void {
    let full = rule
    if (this.urlPrefix !== null) {
      full = rule ? `${this.urlPrefix.replace(/\/+$/, '')}/${rule.replace(/^\/+/, '')}` : this.urlPrefix
    }
    const name = endpoint ?? (view ? endpointFromView(view, rule) : null)
    if (name === null) throw new Error(`Rule '${rule}' needs an endpoint or a view function.`)
    const defaults = options.defaults ? { ...this.urlDefaults, ...options.defaults } : { ...this.urlDefaults }
    this.app.addUrlRule(full, `${this.fullName}.${name}`, view, {
      ...options,
      endpoint: undefined,
      defaults: Object.keys(defaults).length ? defaults : undefined,
      subdomain: options.subdomain ?? this.subdomain ?? undefined,
    })
  }
}

type Deferred = (state: BlueprintSetupState) => void

/** Sorts out the two constructor forms, with a clear error for a wrong type in either place. */
function blueprintArguments(
  name: string,
  second: string | BlueprintOptions | undefined,
  third: BlueprintOptions | undefined,
): [string | null, BlueprintOptions] {
  if (second === undefined || second === null) return [third?.importName ?? null, third ?? {}]
  if (typeof second === 'string') {
    if (third !== undefined && (typeof third !== 'object' || third === null)) {
      throw new TypeError(`new Blueprint('${name}', importName, options): options must be an object (got ${typeof third}).`)
    }
    return [second, third ?? {}]
  }
  if (typeof second !== 'object') {
    throw new TypeError(`new Blueprint('${name}', …): the second argument must be import.meta.url or an options object (got ${typeof second}).`)
  }
  if (third !== undefined) {
    throw new TypeError(`new Blueprint('${name}', options, …): give the import name first (new Blueprint(name, import.meta.url, options)) or inside options.`)
  }
  return [second.importName ?? null, second]
}

/**
 * A set of routes, hooks, error handlers, templates and static files that an
 * app registers, possibly several times and nested in other blueprints.
 *
 * @example
 * ```ts
 * export const auth = new Blueprint('auth', import.meta.url, { urlPrefix: '/auth' })
 * auth.route('/login', { methods: ['GET', 'POST'] }, function login() { ... })   // endpoint 'auth.login'
 * app.register(auth)
 * ```
 */
export class Blueprint extends Scaffold {
  urlPrefix: string | null
  /** The subdomain of its rules by default (see `BlueprintOptions.subdomain`), or null. */
  subdomain: string | null
  readonly urlDefaultValues: Record<string, unknown>
  readonly cliGroup: string | null
  /** The blueprint's commands: `phial <cliGroup> <command>`, or top level when `cliGroup` is null. */
  readonly cli = new CommandGroup({ description: `Commands of the '${this.name}' blueprint.` })
  /** Functions run at each registration. */
  readonly deferredFunctions: Deferred[] = []
  /** Nested blueprints and their options. */
  readonly children: Array<[Blueprint, RegisterOptions]> = []
  #registered = false

  /**
   * A blueprint named `name` (the prefix of its endpoints). The import name
   * is needed only for template or static folders.
   *
   * @example
   * ```ts
   * const api = new Blueprint('api', { urlPrefix: '/api' })
   * const admin = new Blueprint('admin', import.meta.url, { templateFolder: 'templates' })   // Flask's form
   * ```
   */
  constructor(name: string, options?: BlueprintOptions)
  constructor(name: string, importName: string, options?: BlueprintOptions)
  constructor(name: string, importNameOrOptions?: string | BlueprintOptions, maybeOptions?: BlueprintOptions) {
    const [importName, options] = blueprintArguments(name, importNameOrOptions, maybeOptions)
    super(name, importName, options)
    if (typeof name !== 'string' || !name) throw new Error("A blueprint's name must be a non-empty string.")
    if (name.includes('.')) throw new Error(`A blueprint's name ('${name}') must not contain a dot '.'.`)
    this.urlPrefix = options.urlPrefix ?? null
    this.subdomain = options.subdomain ?? null
    this.urlDefaultValues = { ...options.urlDefaults }
    this.cliGroup = options.cliGroup === undefined ? name : options.cliGroup
  }

  protected checkSetup(method: string): void {
    if (this.#registered) {
      throw new Error(
        `The setup method '${method}' can no longer be called on the blueprint '${this.name}'. ` +
          'It has already been registered at least once, any changes will not be applied consistently. ' +
          'Make sure all imports, decorators, functions, etc. needed to set up the blueprint are done before registering it.',
      )
    }
  }

  /**
   * Records a function to run with the setup state each time the blueprint is
   * registered.
   *
   * @example
   * ```ts
   * bp.record((state) => { state.app.config.setDefault('BP_LOADED', true) })
   * ```
   */
  record(fn: Deferred): void {
    this.checkSetup('record')
    this.deferredFunctions.push(fn)
  }

  /** Like {@link record}, but only on the first registration. */
  recordOnce(fn: Deferred): void {
    this.record((state) => {
      if (state.firstRegistration) fn(state)
    })
  }

  /**
   * Nests another blueprint: its endpoints become `parent.child.view` and its
   * URL prefix is appended to the parent's.
   *
   * @example
   * ```ts
   * const api = new Blueprint('api', import.meta.url, { urlPrefix: '/api' })
   * api.register(users)   // /api/users/..., endpoints 'api.users.*'
   * ```
   */
  register(blueprint: Blueprint, options: RegisterOptions = {}): void {
    if (blueprint === this) throw new Error('Cannot register a blueprint on itself')
    this.checkSetup('register')
    this.children.push([blueprint, options])
  }

  addUrlRule(rule: string, endpoint: string | null, view: AnyView | null, options: RouteOptions = {}): void {
    this.checkSetup('addUrlRule')
    if (endpoint?.includes('.')) throw new Error(`'endpoint' may not contain a dot '.' character (got '${endpoint}').`)
    if (view && view.name.includes('.')) throw new Error(`'view' name may not contain a dot '.' character.`)
    this.deferredFunctions.push((state) => state.addUrlRule(rule, endpoint, view, options))
  }

  // --------------------------------------------------- app-wide hooks (app*)

  /** A `beforeRequest` hook for every request of the app, not only this blueprint's. @example bp.beforeAppRequest(loadUser) */
  beforeAppRequest<F extends BeforeRequestHook>(fn: F): F {
    this.recordOnce((s) => s.app.beforeRequest(fn))
    return fn
  }

  /** An `afterRequest` hook for every request of the app. @example bp.afterAppRequest((res) => res) */
  afterAppRequest<F extends AfterRequestHook>(fn: F): F {
    this.recordOnce((s) => s.app.afterRequest(fn))
    return fn
  }

  /** A `teardownRequest` hook for every request of the app. @example bp.teardownAppRequest(() => db.release()) */
  teardownAppRequest<F extends TeardownHook>(fn: F): F {
    this.recordOnce((s) => s.app.teardownRequest(fn))
    return fn
  }

  /** A context processor for every template of the app. @example bp.appContextProcessor(() => ({ now: new Date() })) */
  appContextProcessor<F extends ContextProcessor>(fn: F): F {
    this.recordOnce((s) => s.app.contextProcessor(fn))
    return fn
  }

  /** A template filter for the whole app (Flask's `app_template_filter`); a function alone is named after itself. @example bp.appTemplateFilter('slug', slugify) */
  appTemplateFilter<F extends TemplateFilter>(fn: F): F
  appTemplateFilter<F extends TemplateFilter>(name: string, fn: F): F
  appTemplateFilter<F extends TemplateFilter>(...args: [F] | [string, F]): F {
    const [name, fn] = namedArgs<F>(args, 'appTemplateFilter')
    this.recordOnce((s) => s.app.templateFilter(name, fn))
    return fn
  }

  /** A template test for the whole app (Flask's `app_template_test`); a function alone is named after itself. @example bp.appTemplateTest('admin', (u) => u.isAdmin) */
  appTemplateTest<F extends TemplateTest>(fn: F): F
  appTemplateTest<F extends TemplateTest>(name: string, fn: F): F
  appTemplateTest<F extends TemplateTest>(...args: [F] | [string, F]): F {
    const [name, fn] = namedArgs<F>(args, 'appTemplateTest')
    this.recordOnce((s) => s.app.templateTest(name, fn))
    return fn
  }

  /** A template global for the whole app (Flask's `app_template_global`); a function alone is named after itself. @example bp.appTemplateGlobal('siteName', 'Flaskr') */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  appTemplateGlobal<F extends (...args: any[]) => unknown>(fn: F): F
  appTemplateGlobal<T>(name: string, value: T): T
  appTemplateGlobal<T>(...args: [T] | [string, T]): T {
    const [name, value] = namedArgs<T>(args, 'appTemplateGlobal')
    this.recordOnce((s) => s.app.templateGlobal(name, value))
    return value
  }

  /** {@link appTemplateFilter} under the function's own name unless `name` is given (Flask's `add_app_template_filter`). @example bp.addAppTemplateFilter(function slug(s: string) { return s }) */
  addAppTemplateFilter<F extends TemplateFilter>(fn: F, name?: string): F {
    return this.addTemplateFilter(fn, name)
  }

  /** {@link appTemplateTest} under the function's own name unless `name` is given (Flask's `add_app_template_test`). @example bp.addAppTemplateTest(function admin(u: User) { return u.isAdmin }) */
  addAppTemplateTest<F extends TemplateTest>(fn: F, name?: string): F {
    return this.addTemplateTest(fn, name)
  }

  /** {@link appTemplateGlobal} under the function's own name unless `name` is given (Flask's `add_app_template_global`). @example bp.addAppTemplateGlobal(function now() { return new Date() }) */
  addAppTemplateGlobal<T>(value: T, name?: string): T {
    return this.addTemplateGlobal(value, name)
  }

  /** Same as {@link appTemplateFilter}: template filters are app-wide, as in Flask. @example bp.templateFilter('slug', slugify) */
  override templateFilter<F extends TemplateFilter>(fn: F): F
  override templateFilter<F extends TemplateFilter>(name: string, fn: F): F
  override templateFilter<F extends TemplateFilter>(...args: [F] | [string, F]): F {
    const [name, fn] = namedArgs<F>(args, 'templateFilter')
    return this.appTemplateFilter(name, fn)
  }

  /** Same as {@link appTemplateTest}. @example bp.templateTest('admin', (u) => u.isAdmin) */
  override templateTest<F extends TemplateTest>(fn: F): F
  override templateTest<F extends TemplateTest>(name: string, fn: F): F
  override templateTest<F extends TemplateTest>(...args: [F] | [string, F]): F {
    const [name, fn] = namedArgs<F>(args, 'templateTest')
    return this.appTemplateTest(name, fn)
  }

  /** Same as {@link appTemplateGlobal}. @example bp.templateGlobal('section', 'Blog') */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override templateGlobal<F extends (...args: any[]) => unknown>(fn: F): F
  override templateGlobal<T>(name: string, value: T): T
  override templateGlobal<T>(...args: [T] | [string, T]): T {
    const [name, value] = namedArgs<T>(args, 'templateGlobal')
    return this.appTemplateGlobal(name, value)
  }

  /** An error handler for the whole app. @example bp.appErrorHandler(404, () => ['gone', 404]) */
  appErrorHandler<E>(codeOrClass: number | ErrorClass<E>, handler: ErrorHandler<E>): ErrorHandler<E> {
    this.recordOnce((s) => s.app.errorHandler(codeOrClass, handler))
    return handler
  }

  /** A URL value preprocessor for the whole app. @example bp.appUrlValuePreprocessor((e, v) => {}) */
  appUrlValuePreprocessor<F extends UrlValuePreprocessor>(fn: F): F {
    this.recordOnce((s) => s.app.urlValuePreprocessor(fn))
    return fn
  }

  /** URL defaults for the whole app. @example bp.appUrlDefaults((e, v) => {}) */
  appUrlDefaults<F extends UrlDefaultsFunction>(fn: F): F {
    this.recordOnce((s) => s.app.urlDefaults(fn))
    return fn
  }

  /**
   * Applies the blueprint to an app. Called by `app.register(bp)`; use that.
   * @internal
   */
  registerOn(app: AppCore, options: RegisterOptions): void {
    const namePrefix = options.namePrefix ?? ''
    const selfName = options.name ?? this.name
    if (selfName.includes('.')) throw new Error(`'name' may not contain a dot '.' character (got '${selfName}').`)
    const name = namePrefix ? `${namePrefix}.${selfName}` : selfName
    const existing = app.blueprints.get(name)
    if (existing) {
      const which = existing === this ? 'this' : 'a different'
      throw new Error(
        `The name '${selfName}' is already registered for ${which} blueprint${namePrefix ? ` under '${namePrefix}'` : ''}. ` +
          "Use the 'name' option to register it again under a unique name.",
      )
    }
    const firstRegistration = ![...app.blueprints.values()].includes(this)
    app.blueprints.set(name, this)
    this.#registered = true
    const state = new BlueprintSetupState(this, app, options, firstRegistration)

    if (this.hasStaticFolder && this.staticUrlPath !== null) {
      state.addUrlRule(`${this.staticUrlPath}/<path:filename>`, 'static', app.makeStaticView(this))
    }
    this.#mergeInto(app, name)
    for (const fn of this.deferredFunctions) fn(state)
    for (const hook of app.blueprintHooks) hook(this, name)

    for (const [child, childOptions] of this.children) {
      const own = childOptions.urlPrefix !== undefined ? childOptions.urlPrefix : child.urlPrefix
      let urlPrefix: string | null | undefined
      if (state.urlPrefix !== null && own !== null) {
        urlPrefix = `${state.urlPrefix.replace(/\/+$/, '')}/${own.replace(/^\/+/, '')}`
      } else if (own !== null) urlPrefix = own
      else urlPrefix = state.urlPrefix
      // Flask 3: a child's subdomain is prefixed to its parent's
      const ownSub = childOptions.subdomain ?? child.subdomain
      const parentSub = state.subdomain
      const subdomain = ownSub !== null && parentSub !== null ? `${ownSub}.${parentSub}` : ownSub ?? parentSub
      child.registerOn(app, { ...childOptions, urlPrefix, subdomain, namePrefix: name })
    }
  }

  #mergeInto(app: AppCore, name: string): void {
    const scoped = (scope: Scope): string => (scope === null ? name : `${name}.${scope}`)
    const merge = <T>(from: ScopedLists<T>, to: ScopedLists<T>): void => {
      for (const [scope, list] of from) {
        const key = scoped(scope)
        const target = to.get(key)
        if (target) target.push(...list)
        else to.set(key, [...list])
      }
    }
    merge(this.beforeRequestFuncs, app.beforeRequestFuncs)
    merge(this.afterRequestFuncs, app.afterRequestFuncs)
    merge(this.teardownRequestFuncs, app.teardownRequestFuncs)
    merge(this.templateContextProcessors, app.templateContextProcessors)
    merge(this.urlValuePreprocessors, app.urlValuePreprocessors)
    merge(this.urlDefaultFunctions, app.urlDefaultFunctions)
    for (const [scope, byCode] of this.errorHandlerSpec) {
      const key = scoped(scope)
      let target = app.errorHandlerSpec.get(key)
      if (!target) app.errorHandlerSpec.set(key, (target = new Map()))
      for (const [code, byClass] of byCode) {
        let t = target.get(code)
        if (!t) target.set(code, (t = new Map()))
        for (const [cls, handler] of byClass) t.set(cls, handler)
      }
    }
  }
}
