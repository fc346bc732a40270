/**
 * `Phial`, the application: {@link AppCore} (config, URL map, registries,
 * setup) plus its edges — serving (`run`, `fetch`), the contexts
 * (`appContext`, `testRequestContext`), the test client and the CLI runner
 * (Flask's `Flask` over the sans-IO `App`). Nothing below this file imports
 * it.
 *
 * @module
 */
import { AppCore, type PhialOptions } from './core/app-core.ts'
import { Context } from './core/context.ts'
import type { Scaffold } from './core/scaffold.ts'
import type { SessionInterface } from './core/session-interface.ts'
import type { AnyView } from './core/types.ts'
import { matchRequestUrl } from './core/url-for.ts'
import { bindMatch } from './dispatch/match.ts'
import { createRequestContext } from './dispatch/run.ts'
import type { Request, RequestInit } from './http/request.ts'
import type { Response } from './http/response.ts'
import { routeEntryFor } from './dispatch/route-table.ts'
import { runInAppContext } from './dispatch/teardown.ts'
import { DEFAULT_CONVERTERS } from './routing/converters.ts'
import type { Rule } from './routing/rule.ts'
import { SecureCookieSessionInterface } from './sessions/cookie-session.ts'
import { makeStaticView, sendFromStaticFolder } from './static/view.ts'
import { getTemplateEnvironment, type TemplateEnvironment } from './templating/environment.ts'
import { Markup } from './templating/markup.ts'
import { TaggedJSONSerializer } from './json/index.ts'
import { CliRunner } from './cli/runner.ts'
import { handleFetch } from './server/fetch.ts'
import { withAccessLog } from './server/access-log.ts'
import { runFromCli } from './server/main-module.ts'
import { idleServer, serve, type RunningServer, type ServeOptions } from './server/serve.ts'
import { TestClient, type TestClientOptions } from './testing/client.ts'
import { testRequestContextFor, type TestRequestInit } from './testing/request.ts'

export type { PhialOptions }

/** A URL match {@link Phial.requestContext} made, and what it depends on. */
interface ContextMatch {
  readonly path: string
  readonly method: string
  /** The URL map's rule count then. */
  readonly rules: number
  readonly mergeSlashes: boolean
  /** null: no match (requestContext binds only a match; a 404, 405 or redirect is left for no view to raise). */
  readonly rule: Rule | null
  readonly args: Readonly<Record<string, unknown>> | null
}

const BUILT_IN_CONVERTERS = new Set<unknown>(Object.values(DEFAULT_CONVERTERS))

// a session's Markup (tag " m") reads back as Phial's Markup; json/ sits below templating and cannot import it
TaggedJSONSerializer.markup = (html) => new Markup(html)

declare module './core/app-core.ts' {
  // `ctx.app` and `currentApp` are the whole app (see CurrentApp)
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface CurrentApp extends Phial {}
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
export class Phial extends AppCore {
  /** The session store; a signed cookie by default. */
  sessionInterface: SessionInterface = new SecureCookieSessionInterface()

  constructor(importName: string, options: PhialOptions = {}) {
    super(importName, options)
    if (this.hasStaticFolder && this.staticUrlPath !== null) {
      this.addUrlRule(`${this.staticUrlPath}/<path:filename>`, 'static', makeStaticView(this), { host: this.staticHost ?? undefined })
    }
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

  /** @internal */
  makeStaticView(scaffold: Scaffold): AnyView {
    return makeStaticView(scaffold)
  }

  /** @internal */
  sendFromStaticFolder(folder: string, filename: string, maxAge: number | null): Promise<Response> {
    return sendFromStaticFolder(folder, filename, maxAge)
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
    return runInAppContext(new Context(this, null), fn)
  }

  /**
   * Runs `fn` inside a fake request's context, without dispatching it: for
   * testing code that reads `request`, `session` or `urlFor`. The URL is
   * matched (`request.endpoint`, `viewArgs`) but no hook runs;
   * `teardownAppContext` hooks run when `fn` is done (when its promise
   * settles). `init` takes the test client's options (`method`, `json`,
   * `form`, `headers`, …).
   *
   * @example
   * ```ts
   * app.testRequestContext('/search?q=phial', () => request.args.get('q'))          // 'phial'
   * app.testRequestContext('/login', { method: 'POST', form: { user: 'ada' } }, () => request.form.get('user'))
   * ```
   */
  testRequestContext<T>(path: string, fn: (ctx: Context) => T): T
  testRequestContext<T>(path: string, init: TestRequestInit, fn: (ctx: Context) => T): T
  testRequestContext<T>(path: string, initOrFn: TestRequestInit | ((ctx: Context) => T), maybeFn?: (ctx: Context) => T): T {
    const [init, fn] = typeof initOrFn === 'function' ? [{}, initOrFn] : [initOrFn, maybeFn]
    if (typeof fn !== 'function') throw new TypeError(`testRequestContext('${path}', …): the last argument must be a function`)
    const ctx = testRequestContextFor(this, path, init)
    const request = ctx.request
    request.preloadBody()
    bindMatch(request, matchRequestUrl(this, request))
    // as Flask's test_request_context: leaving it runs the teardownRequest hooks (of the matched blueprint too)
    ctx.routeEntry = routeEntryFor(this, request.urlRule)
    return runInAppContext(ctx, fn)
  }

  /**
   * Runs `fn` inside the context of a request that is not dispatched
   * (Flask's `app.request_context(environ)`): `request`, `session`, `g` and
   * `currentApp` work, no hook or view runs, and the teardownRequest and
   * teardownAppContext hooks run when `fn` is done (when its promise settles). For extensions that serve
   * requests outside the pipeline: `phial/socketio` runs each event in the
   * context of its connection's handshake. The session opens lazily from
   * the request's cookie; with a store that opens asynchronously, open it
   * with `app.sessionInterface.openSession` and set `ctx.openedSession`.
   * The last path's URL match is reused for the same path and method while
   * the URL map is unchanged (without subdomain or host routing, and only
   * when every converter is a built-in one), so that a context per event of
   * a connection does not match the URL again.
   *
   * @example
   * ```ts
   * app.requestContext({ method: 'GET', url: '/chat', headers: req.headers }, (ctx) => ctx.session.get('userId'))
   * ```
   */
  requestContext<T>(init: RequestInit, fn: (ctx: Context) => T): T {
    const ctx = createRequestContext(this, init)
    // as Flask's RequestContext: the URL is matched (request.endpoint, viewArgs), nothing is dispatched
    this.#matchForContext(ctx.request)
    // leaving it runs the teardownRequest hooks (the matched blueprint's too), as Flask's RequestContext.pop
    ctx.routeEntry = routeEntryFor(this, ctx.request.urlRule)
    return runInAppContext(ctx, fn)
  }

  /** The last URL match of {@link requestContext}, kept for the next one (see #matchForContext). */
  #lastContextMatch: ContextMatch | null = null
  /** The rule count at which the URL map was last checked for converters of its own, and the answer. */
  #convertersCheckedAt = -1
  #builtInConverters = false

  /**
   * Binds `request`'s URL match for {@link requestContext}. phial/socketio
   * builds a context per event from its connection's handshake (the same
   * path every event, and for every connection), so the last answer is
   * reused when the path, method and URL map are the same — `viewArgs` a
   * copy of it, as a new match would give. Only when the answer is a
   * function of those alone: no subdomain or host routing (the host and
   * SERVER_NAME take part), and only built-in converters in the map (a
   * custom `toValue` may read a database or give a new object per call, and
   * Flask-SocketIO's per-event context runs it every time). A rule added to
   * the map (its count changes) or `mergeSlashes` set anew drops the answer.
   */
  #matchForContext(request: Request): void {
    const map = this.urlMap
    const rules = map.rules().length
    const last = this.#lastContextMatch
    if (
      last !== null &&
      last.path === request.path &&
      last.method === request.method &&
      last.rules === rules &&
      last.mergeSlashes === map.mergeSlashes &&
      !map.hostMatching &&
      !this.subdomainMatching
    ) {
      if (last.rule !== null) bindMatch(request, { kind: 'match', rule: last.rule, args: { ...last.args } })
      return
    }
    const result = matchRequestUrl(this, request)
    bindMatch(request, result)
    if (map.hostMatching || this.subdomainMatching || !this.#onlyBuiltInConverters(rules)) {
      this.#lastContextMatch = null
      return
    }
    const matched = result.kind === 'match'
    this.#lastContextMatch = {
      path: request.path,
      method: request.method,
      rules,
      mergeSlashes: map.mergeSlashes,
      rule: matched ? result.rule : null,
      // a copy: the request's own viewArgs is the handler's to change
      args: matched ? { ...result.args } : null,
    }
  }

  /** Whether every converter of the map's rules is a built-in one (pure: same text, same value). */
  #onlyBuiltInConverters(rules: number): boolean {
    if (this.#convertersCheckedAt !== rules) {
      this.#convertersCheckedAt = rules
      this.#builtInConverters = this.urlMap.rules().every((rule) => rule._converters.every((c) => BUILT_IN_CONVERTERS.has(c.constructor)))
    }
    return this.#builtInConverters
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
  testClient(options: TestClientOptions & { accessLog?: boolean } = {}): TestClient {
    const client = new TestClient(this, options)
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
   * While the `phial` command loads the app (`phial run`, `phial serve`,
   * `phial routes`), the call is ignored with a warning, as Flask ignores
   * `app.run()` under `flask run`: the command serves the app itself, and
   * the promise resolves at once to an idle server (port 0). Guard the call
   * with {@link isMainModule} to run the file both ways without the warning.
   *
   * @example
   * ```ts
   * if (isMainModule(import.meta.url)) await app.run({ port: 8000, debug: true })
   * const server = await app.run({ port: 0 })   // in a test; later: await server.close()
   * ```
   */
  run(options: ServeOptions & { debug?: boolean } = {}): Promise<RunningServer> {
    if (runFromCli()) {
      this.logger.warn(
        "Ignoring a call to app.run() while the 'phial' command loads the app: the command serves it. " +
          'Only call app.run() when the file is run directly: if (isMainModule(import.meta.url)) await app.run()',
      )
      return Promise.resolve(idleServer())
    }
    if (options.debug !== undefined) this.debug = options.debug
    return serve(this, options)
  }
}
