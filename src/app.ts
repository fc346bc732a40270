/**
 * The application object: config, the URL map, registered blueprints and
 * extensions. Request handling lives in dispatch.ts, serving in server/.
 */
import { resolve } from 'node:path'
import type { Logger } from 'pino'
import { Blueprint, type RegisterOptions } from './core/blueprint.ts'
import { Config, DEFAULT_CONFIG } from './config/config.ts'
import { Context, contextStorage } from './core/context.ts'
import { endpointFromView } from './routing/endpoint.ts'
import { compileRouteTable, type RouteEntry, type RouteTable } from './dispatch/route-table.ts'
import { Rule, UrlMap } from './routing/index.ts'
import { Scaffold, type ScaffoldOptions } from './core/scaffold.ts'
import { SecureCookieSessionInterface } from './sessions/cookie-session.ts'
import type { SessionInterface } from './core/session-interface.ts'
import { applyLoggingDefaults, createLogger, withAccessLog } from './logging.ts'
import { appcontextPushed } from './signals.ts'
import { handleRequest, teardown } from './dispatch/pipeline.ts'
import { buildUrl, type UrlForOptions } from './core/url-for.ts'
import { handleFetch } from './server/fetch.ts'
import { serve, type ServeOptions, type RunningServer } from './server/serve.ts'
import { TestClient, buildTestRequest, type TestRequestInit } from './testing/client.ts'
import { makeStaticView } from './static/view.ts'
import { getTemplateEnvironment, type TemplateEnvironment } from './templating/environment.ts'
import type { Request } from './http/request.ts'
import type { Response } from './http/response.ts'
import type { RouteOptions, ShellContextProcessor, TeardownHook, View } from './core/types.ts'
import { AppCli } from './core/commands.ts'
import { CliRunner } from './cli/runner.ts'

/**
 * Options of the {@link Phial} constructor.
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
}

/** Rule-level options kept beside each rule. */
export interface RuleMeta {
  streamBody: boolean
  provideAutomaticOptions: boolean
}

function nameFrom(importName: string): string {
  const base = importName.replace(/[?#].*$/, '').split(/[\\/]/).pop() ?? 'app'
  return base.replace(/\.[cm]?[jt]sx?$/, '') || 'app'
}

/**
 * A Phial application.
 *
 * @example
 * ```ts
 * import { Phial } from 'phial'
 *
 * const app = new Phial(import.meta.url)
 * app.get('/', function index() { return 'Hello, World!' })
 * app.get('/user/<int:id>', function user({ id }) { return { id } })
 * await app.run({ port: 5000 })
 * ```
 */
export class Phial extends Scaffold {
  /** The configuration (Flask's keys and yours). */
  readonly config: Config
  /** The URL rules; register custom converters on `urlMap.converters`. */
  readonly urlMap: UrlMap
  /** Views by endpoint. */
  readonly viewFunctions: Record<string, View<never>> = Object.create(null)
  /** Registered blueprints by their dotted name. */
  readonly blueprints = new Map<string, Blueprint>()
  /** State of extensions, by extension name. */
  readonly extensions: Record<string, unknown> = Object.create(null)
  /** `teardownAppContext` hooks. */
  readonly teardownAppcontextFuncs: TeardownHook[] = []
  /** `shellContextProcessor` functions. */
  readonly shellContextProcessors: ShellContextProcessor[] = []
  /** The session store; a signed cookie by default. */
  sessionInterface: SessionInterface = new SecureCookieSessionInterface()
  /** The instance folder (`instance/` beside the app unless configured). */
  readonly instancePath: string
  /** Options of each rule, by rule. */
  readonly ruleMeta = new Map<Rule, RuleMeta>()
  /** Functions run when a blueprint is registered (extensions hook in here). */
  readonly blueprintHooks: Array<(bp: Blueprint, name: string) => void> = []
  /** Custom commands of `phial` (and those of registered blueprints). */
  readonly cli = new AppCli()

  #logger: Logger | null = null
  #table: RouteTable | null = null
  #gotFirstRequest = false

  constructor(importName: string, options: PhialOptions = {}) {
    super(options.name ?? nameFrom(importName), importName, {
      staticFolder: options.staticFolder === undefined ? 'static' : options.staticFolder,
      staticUrlPath: options.staticUrlPath,
      templateFolder: options.templateFolder === undefined ? 'templates' : options.templateFolder,
      rootPath: options.rootPath,
    })
    this.instancePath = options.instancePath ?? resolve(this.rootPath, 'instance')
    this.config = new Config(options.instanceRelativeConfig ? this.instancePath : this.rootPath, DEFAULT_CONFIG)
    applyLoggingDefaults(this.config)
    this.urlMap = new UrlMap()
    this.blueprintHooks.push((bp, name) => this.cli.addBlueprint(bp, name))
    if (this.hasStaticFolder && this.staticUrlPath !== null) {
      this.addUrlRule(`${this.staticUrlPath}/<path:filename>`, 'static', makeStaticView(this))
    }
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

  /**
   * The Nunjucks environment templates render with (Flask's `jinja_env`),
   * created on first use.
   *
   * @example
   * ```ts
   * app.templateEnvironment.opts.trimBlocks = true
   * ```
   */
  get templateEnvironment(): TemplateEnvironment {
    return getTemplateEnvironment(this)
  }

  /** True once the app has handled a request; setup methods then throw. */
  get gotFirstRequest(): boolean {
    return this.#gotFirstRequest
  }

  protected checkSetup(method: string): void {
    if (this.#gotFirstRequest) {
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
  addUrlRule(rule: string, endpoint: string | null, view: View<never> | null, options: RouteOptions = {}): void {
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
      this.viewFunctions[name] = view
    }
    const r = new Rule(rule, {
      endpoint: name,
      methods,
      strictSlashes: options.strictSlashes,
      defaults: options.defaults,
      redirectTo: options.redirectTo,
    })
    this.urlMap.add(r)
    this.ruleMeta.set(r, { streamBody: options.streamBody === true, provideAutomaticOptions: automatic })
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

  /** Called by a blueprint once registered; runs {@link blueprintHooks}. @internal */
  blueprintRegistered(blueprint: Blueprint, name: string): void {
    for (const hook of this.blueprintHooks) hook(blueprint, name)
  }

  /** The view that serves a scaffold's static folder. @internal */
  makeStaticView(scaffold: Scaffold): View<never> {
    return makeStaticView(scaffold)
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
   * The compiled per-rule hook chains. Compiling marks the end of setup:
   * later setup calls throw.
   */
  get routeTable(): RouteTable {
    if (this.#table === null) {
      this.#gotFirstRequest = true
      this.#table = compileRouteTable(this)
    }
    return this.#table
  }

  /** The hook chains of a rule, or of unmatched requests for null. */
  routeEntry(rule: Rule | null): RouteEntry {
    const table = this.routeTable
    return (rule && table.byRule.get(rule)) || table.noRoute
  }

  // --------------------------------------------------------------- handling

  /**
   * Runs a request through routing, hooks, the view and error handling, and
   * returns the response. Teardown runs in {@link finishRequest}.
   */
  handle(ctx: Context): Promise<Response> {
    return handleRequest(this, ctx)
  }

  /** Runs the teardown hooks of a request's context. */
  finishRequest(ctx: Context): Promise<void> {
    return teardown(this, ctx)
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
    return buildUrl(this, ctx?.app === this ? ctx : null, endpoint, values, options)
  }

  // -------------------------------------------------------------- contexts

  /**
   * Runs `fn` inside an application context (for scripts, commands, tasks):
   * `currentApp` and `g` work; teardown hooks run after.
   *
   * @example
   * ```ts
   * await app.appContext(async () => { await initDb() })
   * ```
   */
  appContext<T>(fn: (ctx: Context) => T): T {
    return this.#runInContext(new Context(this, null), fn)
  }

  /** Runs `fn` in `ctx`, then its teardown hooks (after the promise settles for an async `fn`). */
  #runInContext<T>(ctx: Context, fn: (ctx: Context) => T): T {
    if (appcontextPushed.receiversCount > 0) contextStorage.run(ctx, () => appcontextPushed.send(this, {}))
    let result: T
    try {
      result = contextStorage.run(ctx, fn, ctx)
    } catch (err) {
      void contextStorage.run(ctx, () => teardown(this, ctx, err))
      throw err
    }
    if (result instanceof Promise) {
      return result.then(
        async (value) => {
          await contextStorage.run(ctx, () => teardown(this, ctx, null))
          return value
        },
        async (err) => {
          await contextStorage.run(ctx, () => teardown(this, ctx, err))
          throw err
        },
      ) as T
    }
    void contextStorage.run(ctx, () => teardown(this, ctx, null))
    return result
  }

  /**
   * Runs `fn` inside a fake request's context, without dispatching it: for
   * testing code that reads `request`, `session` or `urlFor`. `teardownAppContext`
   * hooks run when `fn` is done (when its promise settles).
   *
   * @example
   * ```ts
   * app.testRequestContext('/search?q=phial', {}, () => request.args.get('q')) // 'phial'
   * ```
   */
  testRequestContext<T>(path: string, init: TestRequestInit, fn: (ctx: Context) => T): T {
    const request = buildTestRequest(this, path, init)
    request.preloadBody()
    const ctx = new Context(this, request)
    const match = this.urlMap.match(request.path, request.method)
    if (match.kind === 'match') {
      request.urlRule = match.rule
      request.endpoint = match.rule.endpoint
      request.viewArgs = match.args
    }
    return this.#runInContext(ctx, fn)
  }

  /**
   * An in-process client for tests: no socket, a cookie jar, redirects. It
   * logs no access lines unless `accessLog` is true.
   *
   * @example
   * ```ts
   * const client = app.testClient()
   * const res = await client.post('/login', { form: { username: 'a', password: 'b' } })
   * expect(res.status).toBe(302)
   * ```
   */
  testClient(options: { accessLog?: boolean } = {}): TestClient {
    const client = new TestClient(this)
    return options.accessLog ? withAccessLog(this, client) : client
  }

  /**
   * Runs the app's commands in-process, as `phial <args>` would, and
   * captures their output.
   *
   * @example
   * ```ts
   * const result = await app.testCliRunner().invoke(['init-db'])
   * expect(result.output).toContain('Initialized')
   * ```
   */
  testCliRunner(): CliRunner {
    return new CliRunner(this)
  }

  // ---------------------------------------------------------------- serving

  /**
   * The standard fetch interface: hand the app to any host that speaks
   * `Request → Response` (Bun, Deno, workers, tests).
   *
   * @example
   * ```ts
   * const res = await app.fetch(new Request('http://localhost/'))
   * ```
   */
  fetch = (request: globalThis.Request, info?: { remoteAddr?: string }): Promise<globalThis.Response> =>
    handleFetch(this, request, info)

  /**
   * Starts the development server on `host:port` (default 127.0.0.1:5000).
   *
   * @example
   * ```ts
   * const server = await app.run({ port: 8000, debug: true })
   * // later: await server.close()
   * ```
   */
  run(options: ServeOptions & { debug?: boolean } = {}): Promise<RunningServer> {
    if (options.debug !== undefined) this.debug = options.debug
    return serve(this, options)
  }
}

export type { Request, Response }
