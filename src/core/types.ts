/**
 * The types views, hooks and handlers are written against.
 */
import type { Readable } from 'node:stream'
import type { Context } from './context.ts'
import type { HeaderMap, HeadersInit } from '../http/headers.ts'
import type { Response } from '../http/response.ts'
import type { RouteParams } from '../routing/index.ts'

/**
 * An object or array a view may return as a JSON body: a literal, a value of
 * an `interface` type, or a class instance (its own enumerable properties,
 * or its `toJSON()`, as `JSON.stringify` reads them). Functions are not
 * bodies.
 *
 * @example
 * ```ts
 * interface User { id: number; name: string }
 * const body: JsonBody = { id: 1, name: 'ada' } satisfies User
 * ```
 */
// `object` and not `{ [key: string]: unknown }`: an interface type has no index signature
export type JsonBody = object

/**
 * A body a view can return: it becomes a {@link Response}.
 *
 * @example
 * ```ts
 * const bodies: ResponseValue[] = ['<h1>Hi</h1>', { ok: true }, new Response('plain', { mimetype: 'text/plain' })]
 * ```
 */
export type ResponseValue =
  | Response
  | globalThis.Response
  | string
  | Uint8Array
  | Readable
  | AsyncIterable<Uint8Array | string>
  | Generator<Uint8Array | string>
  | ReadableStream<Uint8Array>
  | JsonBody

/**
 * What a view returns: a body, or a Flask-style tuple `[body, status]`,
 * `[body, status, headers]` or `[body, headers]` (headers as a HeaderMap or
 * WHATWG Headers). An array whose second item is a status code is read as a
 * tuple; to send such an array as JSON, return `jsonify([...])`.
 *
 * @example
 * ```ts
 * const created: ViewReturn = [{ id: 1 }, 201, { Location: '/items/1' }]
 * ```
 */
export type ViewReturn =
  | ResponseValue
  | [ResponseValue, number]
  | [ResponseValue, number, HeadersInit | Headers]
  | [ResponseValue, HeaderMap | Headers]

/**
 * A view function: the converted URL values, then the request context.
 *
 * @example
 * ```ts
 * const show: View<{ id: number }> = ({ id }, ctx) => ({ id, path: ctx.request.path })
 * ```
 */
export type View<A = Record<string, unknown>> = (args: A, ctx: Context) => ViewReturn | Promise<ViewReturn>

/** A view of any arguments, as the registries store them (`View<never>` accepts every `View<A>`). */
export type AnyView = View<never>

/**
 * A `beforeRequest` hook: return a value to answer the request without the view.
 *
 * @example
 * ```ts
 * const requireLogin: BeforeRequestHook = (ctx) => (ctx.g.user ? undefined : redirect('/login'))
 * app.beforeRequest(requireLogin)
 * ```
 */
export type BeforeRequestHook = (ctx: Context) => ViewReturn | void | Promise<ViewReturn | void>

/**
 * An `afterRequest` hook: change or replace the response (returning nothing keeps it).
 *
 * @example
 * ```ts
 * const noSniff: AfterRequestHook = (response) => { response.headers.set('X-Content-Type-Options', 'nosniff') }
 * app.afterRequest(noSniff)
 * ```
 */
export type AfterRequestHook = (response: Response, ctx: Context) => Response | void | Promise<Response | void>

/**
 * A teardown hook: runs after every request, with the unhandled error if there was one.
 *
 * @example
 * ```ts
 * const countFailures: TeardownHook = (error) => { if (error) metrics.failed++ }
 * app.teardownRequest(countFailures)
 * ```
 */
export type TeardownHook = (error: unknown, ctx: Context) => unknown

/**
 * Changes the matched URL values before the view sees them (Flask's `url_value_preprocessor`).
 *
 * @example
 * ```ts
 * const pullLang: UrlValuePreprocessor = (endpoint, values) => { g.lang = values?.lang; delete values?.lang }
 * app.urlValuePreprocessor(pullLang)
 * ```
 */
export type UrlValuePreprocessor = (endpoint: string | null, values: Record<string, unknown> | null) => void

/**
 * Fills in URL values for `urlFor` (Flask's `url_defaults`).
 *
 * @example
 * ```ts
 * const addLang: UrlDefaultsFunction = (endpoint, values) => { values.lang ??= g.lang }
 * app.urlDefaults(addLang)
 * ```
 */
export type UrlDefaultsFunction = (endpoint: string, values: Record<string, unknown>) => void

/**
 * Handles an error raised during a request.
 *
 * @example
 * ```ts
 * const notFound: ErrorHandler<NotFound> = (error) => [`Nothing at ${request.path}`, 404]
 * app.errorHandler(404, notFound)
 * ```
 */
export type ErrorHandler<E = unknown> = (error: E, ctx: Context) => ViewReturn | Promise<ViewReturn>

/**
 * Adds variables to every template context.
 *
 * @example
 * ```ts
 * const site: ContextProcessor = () => ({ siteName: 'Flaskr', year: new Date().getFullYear() })
 * app.contextProcessor(site)
 * ```
 */
export type ContextProcessor = () => Record<string, unknown> | Promise<Record<string, unknown>>

/**
 * Adds names to the `phial shell` REPL.
 *
 * @example
 * ```ts
 * const shellNames: ShellContextProcessor = () => ({ db, User })
 * app.shellContextProcessor(shellNames)
 * ```
 */
export type ShellContextProcessor = () => Record<string, unknown>

/**
 * A class of error (`TypeError`, `NotFound`, your own).
 *
 * @example
 * ```ts
 * const handled: ErrorClass[] = [TypeError, NotFound, CSRFError]
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ErrorClass<E = unknown> = abstract new (...args: any[]) => E

/**
 * The view arguments of a rule with `defaults`: the rule's own arguments
 * (see `RouteParams`) plus the default values' keys, so one view can serve
 * `'/page/'` with `{ defaults: { n: 1 } }` and `'/page/<int:n>'`.
 *
 * @example
 * ```ts
 * type A = RouteArgs<'/page/', { n: number }>            // { n: number }
 * type B = RouteArgs<'/u/<int:id>', { tab: string }>      // { id: number; tab: string }
 * app.get('/page/', { defaults: { n: 1 } }, function page({ n }) { return `page ${n}` })
 * ```
 */
export type RouteArgs<R extends string, D = {}> = [keyof D] extends [never]
  ? RouteParams<R>
  : string extends R
    ? RouteParams<R> & D
    : string extends keyof RouteParams<R>
      ? { [K in keyof D]: D[K] }
      : { [K in keyof RouteParams<R> | keyof D]: K extends keyof D ? D[K] : K extends keyof RouteParams<R> ? RouteParams<R>[K] : never }

/**
 * The signature of `get`, `post`, `put`, `patch` and `delete`: `route`
 * without `methods`, with the view's arguments typed from the rule.
 *
 * @example
 * ```ts
 * const get: MethodRoute = app.get
 * get('/user/<int:id>', function user({ id }) { return { id } })   // id: number
 * ```
 */
export interface MethodRoute {
  <R extends string>(rule: R, view: View<RouteParams<R>>): View<RouteParams<R>>
  <R extends string, D extends object = {}>(
    rule: R,
    options: Omit<RouteOptions, 'methods'> & { defaults?: D },
    view: View<RouteArgs<R, D>>,
  ): View<RouteArgs<R, D>>
}

/**
 * Options of `route`, `get`, `post`, … and `addUrlRule`.
 *
 * @example
 * ```ts
 * app.route('/users/', { methods: ['GET', 'POST'], defaults: { page: 1 }, endpoint: 'users' }, listUsers)
 * ```
 */
export interface RouteOptions {
  /** Allowed methods (default `['GET']`); HEAD comes with GET, OPTIONS is automatic. */
  methods?: readonly string[]
  /** The endpoint name; defaults to the view function's name. */
  endpoint?: string
  /** Redirect `/foo` to `/foo/` for a rule with a trailing slash (default true). */
  strictSlashes?: boolean
  /** Values passed to the view when the rule does not capture them. */
  defaults?: Record<string, unknown>
  /** Redirect (308) this rule to another URL: a rule string or a function of the values. */
  redirectTo?: string | ((values: Record<string, unknown>) => string)
  /** Answer OPTIONS automatically (default: `PROVIDE_AUTOMATIC_OPTIONS`). */
  provideAutomaticOptions?: boolean
  /** Do not read the body before the view: read `request.stream` yourself. */
  streamBody?: boolean
  /** The subdomain the rule matches (`'api'`, `'<user>'`), with `subdomainMatching`; a blueprint's by default. */
  subdomain?: string
  /** The host the rule matches (`'<user>.example.com'`), with `hostMatching`. */
  host?: string
}
