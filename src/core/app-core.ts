/**
 * `AppCore`: the application without its edges (Flask's sans-IO `App` under
 * `Flask`). It holds what the lower layers need — name, root path, config,
 * URL map, registries, the setup guard, the session interface, the logger,
 * extensions and the command registry — and does no IO. `Phial` (app.ts)
 * extends it with serving, the test helpers and the CLI runner; every file
 * below app.ts names this type, never `Phial`.
 */
import type { Server as NodeServer } from 'node:http'
import type { FileHandle } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Logger } from 'pino'
import { Config, DEFAULT_CONFIG } from '../config/index.ts'
import { DefaultJSONProvider, type JSONProvider, type JSONProviderApp } from '../json/index.ts'
import { applyLoggingDefaults, createLogger } from '../logging.ts'
import { endpointFromView } from '../routing/endpoint.ts'
import { BuildError, Rule, UrlMap } from '../routing/index.ts'
import { redirect as defaultRedirect } from '../http/redirect.ts'
import type { Response } from '../http/response.ts'
import { Aborter } from './aborter.ts'
import type { Blueprint, RegisterOptions } from './blueprint.ts'
import { AppCli } from './commands.ts'
import { AppCtxGlobals, contextStorage, type Context } from './context.ts'
import { openFile, type OpenMode } from './resources.ts'
import type { RouteTable } from './route-entry.ts'
import { Scaffold, type ScaffoldOptions } from './scaffold.ts'
import type { SessionInterface } from './session-interface.ts'
import type { TemplateSourceLoader } from './template-registry.ts'
import type { AnyView, RouteOptions, ShellContextProcessor, TeardownHook } from './types.ts'
import { buildUrl, injectUrlDefaults, type UrlForOptions } from './url-for.ts'

/**
 * Options of the `Phial` constructor.
 *
 * @example
 * ```ts
 * const app = new Phial(import.meta.url, { name: 'api', staticFolder: null, templateFolder: 'views' })
 * ```
 */
export interface PhialOptions extends ScaffoldOptions {
  /** The app's name (default: the file name of `importName`, e.g. `app`). */
  name?: string
  /** The instance folder (default `<rootPath>/instance`). */
  instancePath?: string
  /** Resolve `config.fromFile` paths against the instance folder. */
  instanceRelativeConfig?: boolean
  /** Route by the subdomain under `SERVER_NAME` (rules' `subdomain`); Flask's `subdomain_matching`. Default false. */
  subdomainMatching?: boolean
  /** Route by the whole host (rules' `host`); Flask's `host_matching`. Needs `staticHost` with a static folder. */
  hostMatching?: boolean
  /** The host of the static route, with `hostMatching`. */
  staticHost?: string | null
}

/** The options of a rule that dispatch needs besides the rule itself. */
export interface RuleSettings {
  /** The view reads `request.stream`: the body is not read before it. */
  streamBody: boolean
  /** OPTIONS is answered automatically. */
  provideAutomaticOptions: boolean
}

/**
 * The type of `ctx.app` and `currentApp`. Here it is only {@link AppCore};
 * app.ts widens it to `Phial` by declaration merging (every app is a Phial at
 * run time), so that code below app.ts needs no import of it while users and
 * extensions still see the whole app.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CurrentApp extends AppCore {}

/**
 * A function run when the app's server starts shutting down (see
 * `app.onShutdown`); a returned promise is awaited.
 *
 * @example
 * ```ts
 * const closeFeeds: ShutdownHook = () => { for (const feed of feeds) feed.abort() }
 * app.onShutdown(closeFeeds)
 * ```
 */
export type ShutdownHook = (app: CurrentApp) => unknown

/**
 * A function `urlFor` calls when it cannot build a URL (Flask's
 * `url_build_error_handlers`): return a URL to use instead, or null to let
 * the next handler try (the error is raised when none answers). It may
 * throw another `BuildError`, which the next handlers then see.
 *
 * @example
 * ```ts
 * const external: UrlBuildErrorHandler = (_error, endpoint, values) =>
 *   endpoint === 'docs' ? `https://docs.example.com/${values.page ?? ''}` : null
 * ```
 */
export type UrlBuildErrorHandler = (error: BuildError, endpoint: string, values: Record<string, unknown>) => string | null | undefined

/** `app` from `/srv/app.ts` or `file:///srv/app.ts`. */
function nameFrom(importName: string): string {
  if (typeof importName !== 'string') {
    throw new TypeError(`new Phial(importName, options): the import name must be a string such as import.meta.url (got ${importName === null ? 'null' : typeof importName}).`)
  }
  const base = importName.replace(/[?#].*$/, '').split(/[\\/]/).pop() ?? 'app'
  return base.replace(/\.[cm]?[jt]sx?$/, '') || 'app'
}

/**
 * The sans-IO application: registries, config and setup. Extensions and the
 * lower layers take this type (`ctx.app`, `currentApp`, `initApp(app)`);
 * create apps with `new Phial(import.meta.url)`.
 */
export abstract class AppCore extends Scaffold {
  /**
   * The class `app.config` is made from (Flask's `config_class`): a
   * subclass of {@link Config}, set on a subclass of the app.
   *
   * @example
   * ```ts
   * class MyConfig extends Config { get isProduction() { return !this.DEBUG } }
   * class MyApp extends Phial { static override configClass = MyConfig }
   * ```
   */
  static configClass: typeof Config = Config
  /**
   * The class `app.aborter` is made from (Flask's `aborter_class`).
   *
   * @example
   * ```ts
   * class MyApp extends Phial { static override aborterClass = MyAborter }
   * ```
   */
  static aborterClass: typeof Aborter = Aborter
  /**
   * The provider class `app.json` is made from (Flask's `json_provider_class`).
   *
   * @example
   * ```ts
   * class MyApp extends Phial { static override jsonProviderClass = MyJSONProvider }
   * ```
   */
  static jsonProviderClass: new (app: JSONProviderApp) => JSONProvider = DefaultJSONProvider
  /** The configuration (Flask's keys and yours). */
  readonly config: Config
  /**
   * How the app writes and reads JSON (Flask's `app.json`): `jsonify`, views
   * returning objects and the `tojson` filter use it. Replace it with
   * `app.json = new MyProvider(app)`.
   */
  json: JSONProvider
  /**
   * The class of `g`, made anew for each context (Flask's
   * `app_ctx_globals_class`). Give a class with your own defaults or methods.
   *
   * @example
   * ```ts
   * app.appCtxGlobalsClass = class { spam = 'eggs' }   // {{ g.spam }} prints eggs
   * ```
   */
  appCtxGlobalsClass: new () => object = AppCtxGlobals
  /**
   * What `abort(code)` raises inside this app's context (Flask's
   * `app.aborter`); add codes to `app.aborter.mapping`.
   *
   * @example
   * ```ts
   * app.aborter.mapping.set(900, My900Error)   // abort(900) throws My900Error
   * ```
   */
  aborter: Aborter
  /**
   * Called in order when `urlFor` cannot build a URL (Flask's
   * `url_build_error_handlers`); see {@link UrlBuildErrorHandler}.
   *
   * @example
   * ```ts
   * app.urlBuildErrorHandlers.push((_error, endpoint) => (endpoint === 'legacy' ? '/old' : null))
   * ```
   */
  readonly urlBuildErrorHandlers: UrlBuildErrorHandler[] = []
  /** The URL rules; register custom converters on `urlMap.converters`. */
  readonly urlMap = new UrlMap()
  /** Views by endpoint. */
  readonly viewFunctions: Record<string, AnyView> = Object.create(null)
  /** Registered blueprints by their dotted name. */
  readonly blueprints = new Map<string, Blueprint>()
  /** State of extensions, by extension name. */
  readonly extensions: Record<string, unknown> = Object.create(null)
  /** `teardownAppContext` hooks. */
  readonly teardownAppcontextFuncs: TeardownHook[] = []
  /** `shellContextProcessor` functions. */
  readonly shellContextProcessors: ShellContextProcessor[] = []
  /** The session store (`Phial` sets a signed cookie). */
  abstract sessionInterface: SessionInterface
  /** The instance folder (`instance/` beside the app unless configured). */
  readonly instancePath: string
  /** Settings of each rule, by rule. @internal */
  readonly ruleSettings = new Map<Rule, RuleSettings>()
  /** Functions run when a blueprint is registered (extensions hook in here). */
  readonly blueprintHooks: Array<(bp: Blueprint, name: string) => void> = []
  /**
   * Functions run with each `node:http` server Phial creates for the app
   * (`app.run`, `phial run`, `phial serve` workers), before it listens.
   * Extensions that need the server itself hook in here: WebSockets
   * (`phial/socketio`, `phial/websocket`) add their `upgrade` listener. With
   * a server of your own (`createServer(toNodeHandler(app))`), call the
   * extension's `attach(server)` instead.
   *
   * @example
   * ```ts
   * app.serverHooks.push((server) => server.on('upgrade', onUpgrade))
   * ```
   */
  readonly serverHooks: Array<(server: NodeServer) => void> = []
  /** `onShutdown` functions, in registration order. */
  readonly shutdownFuncs: ShutdownHook[] = []
  /** Custom commands of `phial` (and those of registered blueprints). */
  readonly cli = new AppCli()
  /**
   * The per-rule hook chains, compiled by dispatch on the first request
   * (dispatch/route-table.ts); setup methods throw once it is set.
   * @internal
   */
  routeTable: RouteTable | null = null
  /**
   * Route by the subdomain under `SERVER_NAME` (Flask's `subdomain_matching`):
   * a request on `api.example.com` reaches the rules with `subdomain: 'api'`,
   * and one whose host is not under `SERVER_NAME` is a 404. When false, every
   * request is on the default subdomain.
   */
  subdomainMatching: boolean
  /** The host of the static route, with host matching (Flask's `static_host`). */
  readonly staticHost: string | null

  #logger: Logger | null = null

  constructor(importName: string, options: PhialOptions = {}) {
    super(options.name ?? nameFrom(importName), importName, {
      staticFolder: options.staticFolder === undefined ? 'static' : options.staticFolder,
      staticUrlPath: options.staticUrlPath,
      templateFolder: options.templateFolder === undefined ? 'templates' : options.templateFolder,
      rootPath: options.rootPath,
    })
    this.subdomainMatching = options.subdomainMatching === true
    this.staticHost = options.staticHost ?? null
    this.urlMap.hostMatching = options.hostMatching === true
    if (this.hasStaticFolder && Boolean(this.staticHost) !== this.urlMap.hostMatching) {
      throw new Error(
        this.staticHost
          ? "new Phial(…, { staticHost }): staticHost needs hostMatching: true."
          : "new Phial(…, { hostMatching: true }): give the static route's host as staticHost, or staticFolder: null.",
      )
    }
    this.instancePath = options.instancePath ?? resolve(this.rootPath, 'instance')
    const configClass = (this.constructor as typeof AppCore).configClass
    this.config = new configClass(options.instanceRelativeConfig ? this.instancePath : this.rootPath, DEFAULT_CONFIG)
    this.aborter = this.makeAborter()
    applyLoggingDefaults(this.config)
    this.json = new (this.constructor as typeof AppCore).jsonProviderClass(this)
    this.blueprintHooks.push((bp, name) => this.cli.addBlueprint(bp, name))
  }

  /**
   * Runs `fn` inside an application context: `currentApp` and `g` work;
   * teardown hooks run after (when its promise settles).
   *
   * @example
   * ```ts
   * await app.appContext(async () => { await initDb() })
   * ```
   */
  abstract appContext<T>(fn: (ctx: Context) => T): T

  /** The view that serves a scaffold's static folder (the IO layer makes it, as Flask's `send_static_file`). @internal */
  abstract makeStaticView(scaffold: Scaffold): AnyView

  /**
   * The loader templates are found with, asked once when the template
   * environment is made (Flask's `create_global_jinja_loader`). Null, the
   * default, is Flask's: the app's template folder, then each blueprint's.
   * Override it to load templates from elsewhere.
   *
   * @example
   * ```ts
   * class MyApp extends Phial {
   *   override createGlobalTemplateLoader() {
   *     return new DictLoader({ 'index.html': 'Hello Custom World!' })
   *   }
   * }
   * ```
   */
  createGlobalTemplateLoader(): TemplateSourceLoader | null {
    return null
  }

  /**
   * Serves `filename` from a static `folder` with `maxAge` (the IO layer
   * does it: `Scaffold.sendStaticFile` calls this). @internal
   */
  abstract sendFromStaticFolder(folder: string, filename: string, maxAge: number | null): Promise<Response>

  /**
   * Makes `app.aborter` (Flask's `make_aborter`): an instance of the
   * static `aborterClass`. Override to configure it.
   *
   * @example
   * ```ts
   * class MyApp extends Phial { override makeAborter() { return new Aborter([[900, My900Error]]) } }
   * ```
   */
  makeAborter(): Aborter {
    return new (this.constructor as typeof AppCore).aborterClass()
  }

  /**
   * The redirect response `redirect()` returns inside this app's context
   * (Flask's `app.redirect`): override it to change every redirect the app
   * makes.
   *
   * @example
   * ```ts
   * class MyApp extends Phial {
   *   override redirect(location: string, code = 303) { return super.redirect(location, code) }
   * }
   * ```
   */
  redirect(location: string, code = 302): Response {
    return defaultRedirect(location, code)
  }

  /**
   * Opens a file of the instance folder (Flask's `open_instance_resource`):
   * any mode, for writing too (`'rb'`, `'r'`, `'w'`, `'a'`, `'r+'`, …).
   * Close the handle when done (`await using` closes it).
   *
   * @example
   * ```ts
   * await using f = await app.openInstanceResource('app.cfg', 'w')
   * await f.writeFile('DEBUG = false\n')
   * ```
   */
  openInstanceResource(resource: string, mode: OpenMode = 'rb'): Promise<FileHandle> {
    return openFile(this.instancePath, resource, mode, false)
  }

  /**
   * Registers `view` for an endpoint without a rule (Flask's
   * `app.endpoint`): for rules added to `urlMap` directly, such as a
   * {@link Submount}'s. The one-argument form returns a function that
   * registers (decorator style).
   *
   * @example
   * ```ts
   * app.urlMap.add(new Submount('/foo', [new Rule('/bar', { endpoint: 'bar' })]))
   * app.endpoint('bar', function bar() { return 'bar' })
   * const register = app.endpoint('index'); register(function index() { return 'index' })
   * ```
   */
  endpoint<F extends AnyView>(name: string, view: F): F
  endpoint(name: string): <F extends AnyView>(view: F) => F
  endpoint<F extends AnyView>(name: string, view?: F): F | (<G extends AnyView>(view: G) => G) {
    const register = <G extends AnyView>(fn: G): G => {
      this.checkSetup('endpoint')
      if (typeof fn !== 'function') throw new TypeError(`endpoint('${name}', view): the view must be a function`)
      this.viewFunctions[name] = fn
      return fn
    }
    return view === undefined ? register : register(view)
  }

  /**
   * Runs the app's and the endpoint's blueprints' `urlDefaults` functions on
   * `values` (Flask's `inject_url_defaults`); `urlFor` calls it before
   * building. Override to add defaults of your own.
   *
   * @example
   * ```ts
   * const values = {}
   * app.injectUrlDefaults('foo.view', values)   // values.page = 'login' from foo's urlDefaults
   * ```
   */
  injectUrlDefaults(endpoint: string, values: Record<string, unknown>): void {
    injectUrlDefaults(this, endpoint, values)
  }

  /**
   * What `urlFor` does with a `BuildError` (Flask's
   * `handle_url_build_error`): asks each of {@link urlBuildErrorHandlers}
   * in turn and returns the first URL one gives; raises the (last) error
   * when none does.
   *
   * @example
   * ```ts
   * app.handleUrlBuildError(error, 'missing', {}) // a handler's URL, or throws error
   * ```
   */
  handleUrlBuildError(error: BuildError, endpoint: string, values: Record<string, unknown>): string {
    let current = error
    for (const handler of this.urlBuildErrorHandlers) {
      let url: string | null | undefined
      try {
        url = handler(current, endpoint, values)
      } catch (err) {
        if (!(err instanceof BuildError)) throw err
        current = err
        continue
      }
      if (url !== null && url !== undefined) return url
    }
    throw current
  }

  // ----------------------------------------------------------------- config

  /** `config.DEBUG`: debug mode (traceback page, template reloading). */
  get debug(): boolean {
    return this.config.DEBUG === true
  }

  set debug(value: boolean) {
    this.config.DEBUG = value
  }

  /** `config.TESTING`. */
  get testing(): boolean {
    return this.config.TESTING === true
  }

  set testing(value: boolean) {
    this.config.TESTING = value
  }

  /** The app's pino logger (created on first use from `LOG_LEVEL` and `LOG_FORMAT`; see logging.ts). */
  get logger(): Logger {
    return (this.#logger ??= createLogger(this))
  }

  set logger(logger: Logger) {
    this.#logger = logger
  }

  /** True once the app has handled a request; setup methods then throw. */
  get gotFirstRequest(): boolean {
    return this.routeTable !== null
  }

  protected checkSetup(method: string): void {
    if (this.routeTable !== null) {
      throw new Error(
        `The setup method '${method}' can no longer be called on the application. ` +
          'It has already handled its first request, any changes will not be applied consistently. ' +
          'Make sure all imports, decorators, functions, etc. needed to set up the application are done before running it.',
      )
    }
  }

  // ----------------------------------------------------------------- routes

  /**
   * Registers a rule. `route`, `get`, `post`, … call this.
   *
   * @example
   * ```ts
   * app.addUrlRule('/', 'index', () => 'Hello')
   * ```
   */
  addUrlRule(rule: string, endpoint: string | null, view: AnyView | null, options: RouteOptions = {}): void {
    this.checkSetup('addUrlRule')
    const name = endpoint ?? options.endpoint ?? (view ? endpointFromView(view, rule) : null)
    if (name === null) throw new Error(`Rule '${rule}' needs an endpoint or a view function.`)
    const methods = new Set((options.methods ?? ['GET']).map((m) => m.toUpperCase()))
    const automatic = (options.provideAutomaticOptions ?? this.config.PROVIDE_AUTOMATIC_OPTIONS) && !methods.has('OPTIONS')
    if (automatic) methods.add('OPTIONS')
    if (view !== null) {
      const existing = this.viewFunctions[name]
      if (existing !== undefined && existing !== view) {
        throw new Error(`View function mapping is overwriting an existing endpoint function: ${name}`)
      }
    }
    const r = new Rule(rule, {
      endpoint: name,
      methods,
      strictSlashes: options.strictSlashes,
      defaults: options.defaults,
      redirectTo: options.redirectTo,
      subdomain: options.subdomain,
      host: options.host,
      // Flask's tutorial names the blog's '/' 'index' too: a rule without a view is an alias, not a duplicate
      endpointAlias: view === null && this.viewFunctions[name] === undefined,
    })
    this.urlMap.add(r)
    // only once the map took the rule: a rule it refuses leaves no view behind
    if (view !== null) this.viewFunctions[name] = view
    this.ruleSettings.set(r, { streamBody: options.streamBody === true, provideAutomaticOptions: automatic })
  }

  /**
   * Registers a blueprint (possibly again under another `name`).
   *
   * @example
   * ```ts
   * app.register(auth)                                  // endpoints auth.*
   * app.register(auth, { name: 'admin_auth', urlPrefix: '/admin/auth' })
   * ```
   */
  register(blueprint: Blueprint, options: RegisterOptions = {}): void {
    this.checkSetup('register')
    blueprint.registerOn(this, options)
  }

  /**
   * Runs after every context ends (request or `appContext`), with the
   * unhandled error or null. The place to close per-request resources.
   *
   * @example
   * ```ts
   * app.teardownAppContext(() => { g.pop<Db>('db')?.close() })
   * ```
   */
  teardownAppContext<F extends TeardownHook>(fn: F): F {
    this.checkSetup('teardownAppContext')
    this.teardownAppcontextFuncs.push(fn)
    return fn
  }

  /**
   * Adds names to the `phial shell` REPL.
   *
   * @example
   * ```ts
   * app.shellContextProcessor(() => ({ db, User }))
   * ```
   */
  shellContextProcessor<F extends ShellContextProcessor>(fn: F): F {
    this.checkSetup('shellContextProcessor')
    this.shellContextProcessors.push(fn)
    return fn
  }

  /**
   * Registers a function run when the app's server starts shutting down
   * (a Phial departure: Flask has no such hook; Quart's `after_serving` is
   * the nearest). `app.run`'s `close()` (so `phial run` on Ctrl+C and on a
   * reload) and a `phial serve` worker that drains on SIGTERM, SIGHUP or
   * `--max-requests` call {@link doShutdown} before they wait for in-flight
   * requests; with `toNodeHandler` in a server of your own, call it
   * yourself. The place to end long-lived connections that would hold the
   * drain: `phial/websocket` and `phial/socketio` close theirs with 1001
   * (going away) here, and clients reconnect to another worker. Requests
   * still in flight go on, so do not close what they use (a database pool)
   * here. May be registered at any time; it may run more than once (once
   * per closed server).
   *
   * @example
   * ```ts
   * const feeds = new Set<AbortController>()
   * app.onShutdown(() => { for (const feed of feeds) feed.abort() })   // end the event streams
   * ```
   */
  onShutdown<F extends ShutdownHook>(fn: F): F {
    if (typeof fn !== 'function') throw new TypeError('app.onShutdown(fn): fn must be a function')
    this.shutdownFuncs.push(fn)
    return fn
  }

  /**
   * Runs every {@link onShutdown} function (all at once, each awaited) and
   * resolves when they are done. It stops no server itself. As teardown
   * hooks, every function runs even when one throws, and the errors are
   * logged together ("Errors during shutdown"), never raised: the caller is
   * on its way out.
   *
   * @example
   * ```ts
   * const server = createServer(toNodeHandler(app)).listen(8000)
   * process.once('SIGTERM', async () => {
   *   await app.doShutdown()   // WebSockets closed with 1001
   *   server.close()           // then in-flight requests finish
   * })
   * ```
   */
  async doShutdown(): Promise<void> {
    const app = this as unknown as CurrentApp
    const results = await Promise.allSettled(this.shutdownFuncs.map(async (fn) => fn(app)))
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []))
    if (errors.length === 0) return
    const err = errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} errors during shutdown`)
    this.logger.error({ err }, 'Errors during shutdown')
  }

  /**
   * Builds a URL for an endpoint (see `urlFor`) for this app.
   *
   * @example
   * ```ts
   * app.appContext(() => app.urlFor('user', { id: 1 }))
   * ```
   */
  urlFor(endpoint: string, values: Record<string, unknown> = {}, options: UrlForOptions = {}): string {
    const ctx = contextStorage.getStore()
    return buildUrl(this, ctx?.app === (this as AppCore) ? ctx : null, endpoint, values, options)
  }
}
