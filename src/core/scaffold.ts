/**
 * What the application and blueprints share (Flask's `Scaffold`): route
 * registration, hooks and error handlers, all guarded so that they cannot be
 * changed once the app is serving.
 */
import { dirname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { RouteParams } from '../routing/index.ts'
import type { FileHandle } from 'node:fs/promises'
import { HTTPException, exceptionForCode } from '../http/exceptions.ts'
import type { Response } from '../http/response.ts'
import { currentContext } from './context.ts'
import { openFile, type OpenMode } from './resources.ts'
import type {
  AfterRequestHook,
  BeforeRequestHook,
  ContextProcessor,
  ErrorClass,
  ErrorHandler,
  RouteArgs,
  RouteOptions,
  TeardownHook,
  UrlDefaultsFunction,
  UrlValuePreprocessor,
  AnyView,
  MethodRoute,
  View,
} from './types.ts'
import { TemplateRegistry, namedArgs, templateName, type TemplateFilter, type TemplateTest } from './template-registry.ts'

/** The scope key of the object's own hooks (`null`), or a blueprint's dotted name. */
export type Scope = string | null

/** Hook lists by scope. */
export type ScopedLists<T> = Map<Scope, T[]>

/** Error handlers by scope, then status code (or null), then error class. */
export type ErrorHandlerSpec = Map<Scope, Map<number | null, Map<ErrorClass, ErrorHandler<never>>>>

/**
 * Options shared by `Phial` and `Blueprint` about their folders.
 *
 * @example
 * ```ts
 * const options: ScaffoldOptions = { staticFolder: 'public', staticUrlPath: '/assets', templateFolder: null }
 * const app = new Phial(import.meta.url, options)
 * ```
 */
export interface ScaffoldOptions {
  /** Folder of static files, relative to the root path; null for none. */
  staticFolder?: string | null
  /** URL path of static files (default `/` + the folder's name). */
  staticUrlPath?: string | null
  /** Folder of templates, relative to the root path; null for none. */
  templateFolder?: string | null
  /** The folder the others are relative to (default: the folder of the import name). */
  rootPath?: string
}

/** Turns `import.meta.url`, a file path or a folder into a root folder. */
export function rootPathFrom(importName: string): string {
  if (typeof importName !== 'string') {
    throw new TypeError(
      `The import name must be a string such as import.meta.url (got ${importName === null ? 'null' : typeof importName}).`,
    )
  }
  if (importName.startsWith('file:')) return dirname(fileURLToPath(importName))
  if (isAbsolute(importName)) return /\.[cm]?[jt]sx?$/.test(importName) ? dirname(importName) : importName
  return resolve(importName)
}

/** A `(code | class) → [class, code]` pair for registering error handlers. */
export function errorHandlerKey(codeOrClass: number | ErrorClass): [ErrorClass, number | null] {
  if (typeof codeOrClass === 'number') {
    const cls = exceptionForCode(codeOrClass)
    if (!cls) {
      throw new Error(`'${codeOrClass}' is not a recognized HTTP error code. Use a subclass of HTTPException with that code instead.`)
    }
    return [cls as unknown as ErrorClass, codeOrClass]
  }
  if (typeof codeOrClass !== 'function') throw new TypeError(`${String(codeOrClass)} is not an error class or an HTTP status code.`)
  // Flask refuses a class that is not an Exception subclass: a handler keyed by one could never match
  if (codeOrClass !== (Error as unknown) && !(codeOrClass.prototype instanceof Error)) {
    throw new TypeError(`'${codeOrClass.name || 'anonymous'}' is not a subclass of Error; errorHandler takes an Error class or an HTTP status code.`)
  }
  if (codeOrClass === (HTTPException as unknown) || !(codeOrClass.prototype instanceof HTTPException)) return [codeOrClass, null]
  const code = (codeOrClass as unknown as { code?: number }).code
  return [codeOrClass, typeof code === 'number' ? code : null]
}

function pushScoped<T>(map: ScopedLists<T>, scope: Scope, value: T): void {
  const list = map.get(scope)
  if (list) list.push(value)
  else map.set(scope, [value])
}

/**
 * The registry `Phial` and `Blueprint` share.
 *
 * @example
 * ```ts
 * const bp = new Blueprint('api', import.meta.url, { urlPrefix: '/api' })
 * bp.get('/ping', function ping() { return { pong: true } })
 * bp.errorHandler(404, () => [{ error: 'not found' }, 404])
 * ```
 */
export abstract class Scaffold {
  /** The name: the app's name, or the blueprint's (prefix of its endpoints). */
  readonly name: string
  /** The template folder, relative to `rootPath`, or null. */
  templateFolder: string | null

  /** `beforeRequest` hooks by scope. */
  readonly beforeRequestFuncs: ScopedLists<BeforeRequestHook> = new Map()
  /** `afterRequest` hooks by scope. */
  readonly afterRequestFuncs: ScopedLists<AfterRequestHook> = new Map()
  /** `teardownRequest` hooks by scope. */
  readonly teardownRequestFuncs: ScopedLists<TeardownHook> = new Map()
  /** Template context processors by scope. */
  readonly templateContextProcessors: ScopedLists<ContextProcessor> = new Map()
  /** URL value preprocessors by scope. */
  readonly urlValuePreprocessors: ScopedLists<UrlValuePreprocessor> = new Map()
  /** URL default functions by scope. */
  readonly urlDefaultFunctions: ScopedLists<UrlDefaultsFunction> = new Map()
  /** Error handlers by scope, code and class. */
  readonly errorHandlerSpec: ErrorHandlerSpec = new Map()
  /** Template filters registered with `templateFilter` (on a blueprint: none, they go to the app). */
  readonly templateFilters = new TemplateRegistry<TemplateFilter>()
  /** Template tests registered with `templateTest`. */
  readonly templateTests = new TemplateRegistry<TemplateTest>()
  /** Template globals registered with `templateGlobal`. */
  readonly templateGlobals = new TemplateRegistry<unknown>()

  #rootPath: string | null
  #staticFolder: string | null
  #staticUrlPath: string | null

  /** `importName` may be null for a blueprint without template or static folders. */
  constructor(name: string, importName: string | null, options: ScaffoldOptions = {}) {
    this.name = name
    this.#rootPath = options.rootPath ?? (importName === null ? null : rootPathFrom(importName))
    this.#staticFolder = options.staticFolder ?? null
    this.#staticUrlPath = options.staticUrlPath ?? null
    this.templateFolder = options.templateFolder ?? null
    if (this.#rootPath === null && (this.#staticFolder !== null || this.templateFolder !== null)) {
      const which = this.#staticFolder !== null ? 'staticFolder' : 'templateFolder'
      throw new Error(this.#noRoot(which))
    }
  }

  #noRoot(what: string): string {
    return (
      `'${this.name}' has a ${what} but nothing to resolve it against: pass import.meta.url ` +
      `(new Blueprint('${this.name}', import.meta.url, options)) or give options.rootPath.`
    )
  }

  /** The folder that `staticFolder` and `templateFolder` are relative to (throws for a blueprint made without one). */
  get rootPath(): string {
    if (this.#rootPath === null) throw new Error(this.#noRoot('folder to resolve'))
    return this.#rootPath
  }

  /** Throws when the object may no longer be changed (after the first request). */
  protected abstract checkSetup(method: string): void

  /** Registers a rule; see {@link route}. */
  abstract addUrlRule(rule: string, endpoint: string | null, view: AnyView | null, options?: RouteOptions): void

  /** Absolute path of the static folder, or null. */
  get staticFolder(): string | null {
    return this.#staticFolder === null ? null : resolve(this.rootPath, this.#staticFolder)
  }

  set staticFolder(value: string | null) {
    if (value !== null && this.#rootPath === null) throw new Error(this.#noRoot('staticFolder'))
    this.#staticFolder = value
  }

  /** The URL path static files are served under, or null without a static folder. */
  get staticUrlPath(): string | null {
    if (this.#staticUrlPath !== null) return this.#staticUrlPath.replace(/\/+$/, '')
    if (this.#staticFolder === null) return null
    const base = this.#staticFolder.replace(/\/+$/, '').split('/').pop()!
    return `/${base}`
  }

  set staticUrlPath(value: string | null) {
    this.#staticUrlPath = value
  }

  /** True when a static folder is configured. */
  get hasStaticFolder(): boolean {
    return this.#staticFolder !== null
  }

  /**
   * The `max-age` (seconds) of a static file's `Cache-Control`, or null
   * for `no-cache` (Flask's `get_send_file_max_age`): by default
   * `SEND_FILE_MAX_AGE_DEFAULT`. Override it on a subclass (or assign it on
   * an instance) to cache some files longer. Called by {@link sendStaticFile}.
   *
   * @example
   * ```ts
   * app.getSendFileMaxAge = (filename) => (filename?.startsWith('vendor/') ? 31536000 : null)
   * ```
   */
  getSendFileMaxAge(_filename: string | null): number | null {
    const value = currentContext().app.config.SEND_FILE_MAX_AGE_DEFAULT
    return typeof value === 'number' ? value : null
  }

  /**
   * Serves `filename` from this app's (or blueprint's) static folder: the
   * view of the `static` endpoint calls it (Flask's `send_static_file`).
   * Traversal, dotfiles and symlinks out of the folder are refused (404);
   * caching follows {@link getSendFileMaxAge}. Override it to serve
   * differently; throws when there is no static folder.
   *
   * @example
   * ```ts
   * class MyApp extends Phial {
   *   override async sendStaticFile(filename: string) {
   *     const response = await super.sendStaticFile(filename)
   *     response.headers.set('X-Static', '1')
   *     return response
   *   }
   * }
   * ```
   */
  sendStaticFile(filename: string): Promise<Response> {
    const folder = this.staticFolder
    if (folder === null) return Promise.reject(new Error(`'${this.name}' has no static folder: set staticFolder to serve static files.`))
    return currentContext().app.sendFromStaticFolder(folder, filename, this.getSendFileMaxAge(filename))
  }

  /**
   * Opens a file relative to {@link rootPath} for reading (Flask's
   * `open_resource`): `'rb'` (default), `'r'` or `'rt'`; other modes are
   * refused. Close the handle when done (`await using` closes it).
   *
   * @example
   * ```ts
   * await using f = await app.openResource('schema.sql')
   * await db.exec(await f.readFile('utf8'))
   * ```
   */
  openResource(resource: string, mode: OpenMode = 'rb'): Promise<FileHandle> {
    let root: string
    try {
      root = this.rootPath
    } catch (error) {
      return Promise.reject(error) // a blueprint made without import.meta.url: the error says what to pass
    }
    return openFile(root, resource, mode, true)
  }

  // ------------------------------------------------------------------ routes

  /**
   * Registers a view for a URL rule. The view receives the rule's converted
   * values (typed from the rule) and the context; its endpoint is its function
   * name unless `endpoint` is given.
   *
   * @example
   * ```ts
   * app.route('/post/<int:id>', { methods: ['GET', 'POST'] }, function post({ id }) {
   *   return { id }   // id: number
   * })
   * ```
   */
  route<R extends string>(rule: R, view: View<RouteParams<R>>): View<RouteParams<R>>
  route<R extends string, D extends object = {}>(
    rule: R,
    options: RouteOptions & { defaults?: D },
    view: View<RouteArgs<R, D>>,
  ): View<RouteArgs<R, D>>
  route<R extends string>(
    rule: R,
    optionsOrView: RouteOptions | View<RouteParams<R>>,
    maybeView?: View<RouteParams<R>>,
  ): View<RouteParams<R>> {
    const [options, view] =
      typeof optionsOrView === 'function' ? [{}, optionsOrView] : [optionsOrView, maybeView]
    if (typeof view !== 'function') throw new TypeError(`route('${rule}'): the last argument must be the view function`)
    this.addUrlRule(rule, options.endpoint ?? null, view as AnyView, options)
    return view
  }

  /**
   * `route` with `methods: ['GET']` (and HEAD, and OPTIONS when automatic).
   *
   * @example
   * ```ts
   * app.get('/', function index() { return 'Hello' })
   * app.get('/page/', { defaults: { n: 1 } }, function page({ n }) { return `page ${n}` })
   * ```
   */
  readonly get: MethodRoute = this.#methodRoute('GET')
  /** `route` with `methods: ['POST']`: `app.post('/login', function login() { ... })`. */
  readonly post: MethodRoute = this.#methodRoute('POST')
  /** `route` with `methods: ['PUT']`: `app.put('/items/<int:id>', function replaceItem({ id }) { ... })`. */
  readonly put: MethodRoute = this.#methodRoute('PUT')
  /** `route` with `methods: ['PATCH']`: `app.patch('/items/<int:id>', function updateItem({ id }) { ... })`. */
  readonly patch: MethodRoute = this.#methodRoute('PATCH')
  /** `route` with `methods: ['DELETE']`: `app.delete('/items/<int:id>', function deleteItem({ id }) { ... })`. */
  readonly delete: MethodRoute = this.#methodRoute('DELETE')

  /** One method's shortcut: `route` with `methods: [method]` (one function for all five, as Hono's `HandlerInterface`). */
  #methodRoute(method: string): MethodRoute {
    return ((rule: string, a: Omit<RouteOptions, 'methods'> | AnyView, b?: AnyView) => {
      const [options, view] = typeof a === 'function' ? [{}, a] : [a ?? {}, b]
      if ('methods' in options) throw new TypeError(`Use route() to give methods; ${method.toLowerCase()}() sets them.`)
      const route = this.route as (rule: string, options: RouteOptions, view: unknown) => AnyView
      return route.call(this, rule, { ...options, methods: [method] }, view)
    }) as unknown as MethodRoute
  }

  // ------------------------------------------------------------------- hooks

  /**
   * Runs before each request (of this blueprint, on a blueprint). A returned
   * value is the response and the view does not run.
   *
   * @example
   * ```ts
   * app.beforeRequest(() => { if (!session.get('userId')) return redirect('/login') })
   * ```
   */
  beforeRequest<F extends BeforeRequestHook>(fn: F): F {
    this.checkSetup('beforeRequest')
    pushScoped(this.beforeRequestFuncs, null, fn)
    return fn
  }

  /**
   * Runs after each request, last registered first, with the response; may
   * return a new one. Also runs for handled errors and the 500 page.
   *
   * @example
   * ```ts
   * app.afterRequest((res) => { res.headers.set('X-Frame-Options', 'DENY') })
   * ```
   */
  afterRequest<F extends AfterRequestHook>(fn: F): F {
    this.checkSetup('afterRequest')
    pushScoped(this.afterRequestFuncs, null, fn)
    return fn
  }

  /**
   * Runs after every request, even when it failed, with the unhandled error or null.
   *
   * @example
   * ```ts
   * app.teardownRequest((error) => { if (error) metrics.failed++ })
   * ```
   */
  teardownRequest<F extends TeardownHook>(fn: F): F {
    this.checkSetup('teardownRequest')
    pushScoped(this.teardownRequestFuncs, null, fn)
    return fn
  }

  /**
   * Adds variables to every template rendered for this app (or blueprint).
   *
   * @example
   * ```ts
   * app.contextProcessor(() => ({ siteName: 'Flaskr' }))
   * ```
   */
  contextProcessor<F extends ContextProcessor>(fn: F): F {
    this.checkSetup('contextProcessor')
    pushScoped(this.templateContextProcessors, null, fn)
    return fn
  }

  /**
   * Registers a template filter (`{{ value|name(args) }}`); on a blueprint,
   * for the whole app. Keyword arguments arrive as a last object argument.
   * Given only a function, its own name is the filter's (Flask's
   * `@app.template_filter()`).
   *
   * @example
   * ```ts
   * app.templateFilter('reverse', (s: string) => [...s].reverse().join(''))   // {{ name|reverse }}
   * app.templateFilter(function shout(s: string) { return s.toUpperCase() })   // {{ name|shout }}
   * ```
   */
  templateFilter<F extends TemplateFilter>(fn: F): F
  templateFilter<F extends TemplateFilter>(name: string, fn: F): F
  templateFilter<F extends TemplateFilter>(...args: [F] | [string, F]): F {
    const [name, fn] = namedArgs<F>(args, 'templateFilter')
    this.checkSetup('templateFilter')
    this.templateFilters.set(name, fn)
    return fn
  }

  /**
   * Registers a template test (`{% if value is name(args) %}`); on a
   * blueprint, for the whole app.
   *
   * Given only a function, its own name is the test's.
   *
   * @example
   * ```ts
   * app.templateTest('prime', (n: number) => n > 1 && [2, 3, 5, 7].every((d) => d === n || n % d !== 0))
   * app.templateTest(function boolean(v: unknown) { return typeof v === 'boolean' })   // {% if x is boolean %}
   * ```
   */
  templateTest<F extends TemplateTest>(fn: F): F
  templateTest<F extends TemplateTest>(name: string, fn: F): F
  templateTest<F extends TemplateTest>(...args: [F] | [string, F]): F {
    const [name, fn] = namedArgs<F>(args, 'templateTest')
    this.checkSetup('templateTest')
    this.templateTests.set(name, fn)
    return fn
  }

  /**
   * Registers a template global, a function or a value every template sees;
   * on a blueprint, for the whole app.
   *
   * Given only a function, its own name is the global's.
   *
   * @example
   * ```ts
   * app.templateGlobal('now', () => new Date())   // {{ now().year }}
   * app.templateGlobal(function get_stuff() { return 42 })   // {{ get_stuff() }}
   * ```
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  templateGlobal<F extends (...args: any[]) => unknown>(fn: F): F
  templateGlobal<T>(name: string, value: T): T
  templateGlobal<T>(...args: [T] | [string, T]): T {
    const [name, value] = namedArgs<T>(args, 'templateGlobal')
    this.checkSetup('templateGlobal')
    this.templateGlobals.set(name, value)
    return value
  }

  /**
   * Registers a template filter under the function's own name unless `name`
   * is given (Flask's `add_template_filter`); on a blueprint, for the whole app.
   *
   * @example
   * ```ts
   * app.addTemplateFilter(function my_reverse(s: string) { return [...s].reverse().join('') })   // {{ x|my_reverse }}
   * app.addTemplateFilter((s: string) => s.toUpperCase(), 'shout')
   * ```
   */
  addTemplateFilter<F extends TemplateFilter>(fn: F, name?: string): F {
    return this.templateFilter(name ?? templateName(fn, 'addTemplateFilter'), fn)
  }

  /**
   * Registers a template test under the function's own name unless `name`
   * is given (Flask's `add_template_test`); on a blueprint, for the whole app.
   *
   * @example
   * ```ts
   * app.addTemplateTest(function boolean(value: unknown) { return typeof value === 'boolean' })   // {% if x is boolean %}
   * ```
   */
  addTemplateTest<F extends TemplateTest>(fn: F, name?: string): F {
    return this.templateTest(name ?? templateName(fn, 'addTemplateTest'), fn)
  }

  /**
   * Registers a template global under the function's own name unless `name`
   * is given (Flask's `add_template_global`); a value that is not a function
   * needs a name. On a blueprint, for the whole app.
   *
   * @example
   * ```ts
   * app.addTemplateGlobal(function get_stuff() { return 42 })   // {{ get_stuff() }}
   * app.addTemplateGlobal('Flaskr', 'site_name')
   * ```
   */
  addTemplateGlobal<T>(value: T, name?: string): T {
    return this.templateGlobal(name ?? templateName(value, 'addTemplateGlobal'), value)
  }

  /**
   * Changes matched URL values before the view (and `beforeRequest`) sees them.
   *
   * @example
   * ```ts
   * bp.urlValuePreprocessor((_endpoint, values) => { g.lang = values?.lang; delete values?.lang })
   * ```
   */
  urlValuePreprocessor<F extends UrlValuePreprocessor>(fn: F): F {
    this.checkSetup('urlValuePreprocessor')
    pushScoped(this.urlValuePreprocessors, null, fn)
    return fn
  }

  /**
   * Fills in values for `urlFor` before it builds a URL.
   *
   * @example
   * ```ts
   * bp.urlDefaults((_endpoint, values) => { values.lang ??= g.lang })
   * ```
   */
  urlDefaults<F extends UrlDefaultsFunction>(fn: F): F {
    this.checkSetup('urlDefaults')
    pushScoped(this.urlDefaultFunctions, null, fn)
    return fn
  }

  /**
   * Handles an error by HTTP status code or error class. Handlers are looked up
   * by code first, then along the error's class chain, blueprint before app.
   *
   * @example
   * ```ts
   * app.errorHandler(404, () => [renderTemplate('404.html'), 404])
   * app.errorHandler(ValidationError, (e) => [{ error: e.message }, 422])
   * ```
   */
  errorHandler<E>(codeOrClass: number | ErrorClass<E>, handler: ErrorHandler<E>): ErrorHandler<E> {
    this.checkSetup('errorHandler')
    this.registerErrorHandler(null, codeOrClass, handler)
    return handler
  }

  /** Stores an error handler under a scope. */
  protected registerErrorHandler<E>(scope: Scope, codeOrClass: number | ErrorClass<E>, handler: ErrorHandler<E>): void {
    const [cls, code] = errorHandlerKey(codeOrClass as number | ErrorClass)
    let byCode = this.errorHandlerSpec.get(scope)
    if (!byCode) this.errorHandlerSpec.set(scope, (byCode = new Map()))
    let byClass = byCode.get(code)
    if (!byClass) byCode.set(code, (byClass = new Map()))
    byClass.set(cls, handler as ErrorHandler<never>)
  }
}
