/**
 * `Api` (Flask-RESTful's, with Flask-Smorest's documentation): resources
 * on an app or a blueprint, their responses by media type, errors as
 * problem details, and the OpenAPI document.
 */
import { Blueprint as CoreBlueprint, HTTPException, RequestRedirect, Response, urlFor, type Context, type Phial, type RegisterOptions, type UrlForOptions, type View as ViewFunction } from 'phial'
import type { ClassView, ViewDecorator } from 'phial/views'
import { installOnApp, installOnBlueprint } from './api-setup.ts'
import { Blueprint, resourceArguments, type AddResourceOptions, type PendingResource, type ResourceClass } from './blueprint.ts'
import { errorResponseOf, type ErrorFormat } from './error-format.ts'
import { buildOpenApi, type OpenApiInfo, type ResourceRecord } from './openapi.ts'
import { jwtSecuritySchemes, type SecurityRequirements } from './security.ts'
import { headersRecord, isWebResponse, jsonResponse, negotiate, outputJson } from './representations.ts'
import { fieldHandlers, type Representation, type Resource } from './resource.ts'
import { unpackReturn } from './validate.ts'

/**
 * Options of {@link Api}.
 *
 * @example
 * ```ts
 * const options: ApiOptions = { prefix: '/api/v1', title: 'Todo API', version: '1.0.0', catchAll404s: false }
 * ```
 */
export interface ApiOptions {
  /** Prefix of every resource URL (and of the document and docs URLs). */
  prefix?: string
  /** The media type answered when the Accept header matches no representation; null makes that a 406. Default JSON. */
  defaultMediatype?: string | null
  /** Decorators for every resource view of this Api (Flask-RESTful's `decorators`). */
  decorators?: readonly ViewDecorator[]
  /** Every 404 of the app as problem details, not only those under the prefix. Default false. */
  catchAll404s?: boolean
  /** Name of the Api (endpoints of its document and docs page, `phial openapi --api`). Default `'api'`, or the blueprint's name. */
  name?: string
  /** `info.title` of the document (default `API_TITLE`, else the app's name). */
  title?: string
  /** `info.version` of the document (default `API_VERSION`). */
  version?: string
  description?: string
  servers?: OpenApiInfo['servers']
  /** Merged into the document last: `components`, `externalDocs`, … */
  openapi?: Record<string, unknown>
  /**
   * The error format of every error the Api answers (validation, `abort`,
   * 404 under its prefix, 405, 413, …) and of every error response in the
   * document. Default: RFC 9457 problem details.
   */
  errors?: ErrorFormat
  /** The document's `security`: what every operation needs unless its blueprint, resource or spec says otherwise. */
  security?: SecurityRequirements
  /** `components.securitySchemes` of the document, by name. */
  securitySchemes?: Record<string, Record<string, unknown>>
  /**
   * The name under which the security schemes of the app's `phial/login`
   * `JWTManager` (when it has one) are documented, or false for none.
   * Default `'jwt'`.
   */
  jwtScheme?: string | false
}

export type { AddResourceOptions } from './blueprint.ts'

interface Registration {
  readonly record: ResourceRecord
  readonly urls: readonly string[]
  readonly options: AddResourceOptions
  /** The rest blueprint that holds its rules, or null for the Api's own. */
  readonly blueprint: Blueprint | null
}

interface BlueprintRegistration {
  readonly blueprint: Blueprint
  readonly options: RegisterOptions
}

/**
 * Flask-RESTful's `Api`: registers `Resource` classes on an app or a
 * blueprint, turns what their handlers return into responses (JSON by
 * default, other media types through `representation`), reports every
 * HTTP error of its resources as RFC 9457 problem details (while the rest
 * of the app keeps its HTML pages), and serves its OpenAPI 3.1 document
 * (`/openapi.json`) and a Swagger UI page (`/docs`). One instance per app
 * or blueprint; `phial openapi` writes the document to a file.
 *
 * @example
 * ```ts
 * const api = new Api(app, { title: 'Todo API', version: '1.0.0' })
 * api.addResource(TodoList, '/todos')
 * api.addResource(TodoItem, '/todos/<int:todoId>')
 * ```
 */
export class Api {
  readonly prefix: string
  readonly defaultMediatype: string | null
  readonly decorators: readonly ViewDecorator[]
  readonly catchAll404s: boolean
  readonly options: ApiOptions
  #blueprint: CoreBlueprint | null
  readonly #errors: ErrorFormat | null
  /** Representations by media type (Flask-RESTful's `representations`). */
  readonly representations: Record<string, Representation> = { 'application/json': outputJson }
  readonly #registrations: Registration[] = []
  readonly #apps: Phial[] = []
  readonly #blueprints: BlueprintRegistration[] = []
  /** The Api's own views: its resources', its document's and its docs page's. */
  readonly views = new Set<Function>()
  /** URL prefixes whose 404s are answered as problem details. */
  readonly prefixes = new Set<string>()

  /**
   * @example
   * ```ts
   * const api = new Api(app)           // or new Api() and api.initApp(app) in a factory
   * const v1 = new Api(apiBlueprint)   // resources under the blueprint's prefix and name
   * ```
   */
  constructor(target?: Phial | CoreBlueprint | null, options: ApiOptions = {}) {
    this.options = options
    this.prefix = (options.prefix ?? '').replace(/\/+$/, '')
    this.defaultMediatype = options.defaultMediatype === undefined ? 'application/json' : options.defaultMediatype
    this.decorators = options.decorators ?? []
    this.catchAll404s = options.catchAll404s === true
    this.#blueprint = null
    this.#errors = options.errors ?? null
    if (target) this.initApp(target)
  }

  /** The blueprint this Api registers on, or null for an app. */
  get blueprint(): CoreBlueprint | null {
    return this.#blueprint
  }

  /** The Api's name: endpoints of its document and docs page, `phial openapi --api`. */
  get name(): string {
    return this.options.name ?? this.#blueprint?.name ?? 'api'
  }

  /**
   * Sets up an app (Flask's `init_app`): the config defaults, its resources'
   * rules, the JSON error handling, the document and docs routes and the
   * `phial openapi` command. Resources added later are registered too.
   * Given a blueprint instead, the Api puts its resources on it (before the
   * blueprint is registered), as `new Api(blueprint)` does.
   *
   * @example
   * ```ts
   * export const api = new Api()
   * export function createApp() { const app = new Phial(import.meta.url); api.initApp(app); return app }
   * ```
   */
  initApp(app: Phial | CoreBlueprint): void {
    if (app instanceof CoreBlueprint) {
      if (this.#blueprint || this.#apps.length > 0) throw new Error('This Api is already set up: one Api serves one blueprint, or apps.')
      if (this.#blueprints.length > 0) throw new Error('This Api has blueprints registered into it: set it up on an app.')
      this.#blueprint = app
      installOnBlueprint(this, app)
      for (const reg of this.#registrations) this.#addRulesWith((rule, ep, v, o) => app.addUrlRule(rule, ep, v, o), reg)
      return
    }
    if (this.#blueprint) throw new Error(`This Api belongs to the blueprint '${this.#blueprint.name}': register the blueprint on the app instead.`)
    if (this.#apps.includes(app)) return
    this.#apps.push(app)
    if (this.prefix) this.prefixes.add(this.prefix)
    installOnApp(this, app)
    for (const reg of this.#registrations) if (reg.blueprint === null) this.#addRules(app, reg)
    for (const bp of this.#blueprints) this.#registerOn(app, bp)
  }

  /**
   * Registers a rest {@link Blueprint} into this Api (Flask-Smorest's
   * `api.register_blueprint`): its resources become views of the Api (its
   * error format, decorators and representations), its rules go under the
   * Api's prefix and then the blueprint's (or `options.urlPrefix`), and its
   * operations join the Api's one OpenAPI document, tagged with the
   * blueprint's tags. The blueprint is registered on the Api's apps, now and
   * as they come (`initApp`): do not also `app.register` it.
   *
   * @example
   * ```ts
   * const api = new Api(null, { prefix: '/api', title: 'Conduit', version: '1' })
   * api.registerBlueprint(users)      // /api/users, /api/user
   * api.registerBlueprint(articles)   // /api/articles…
   * api.initApp(app)                  // one document at /api/openapi.json
   * ```
   */
  registerBlueprint(blueprint: Blueprint, options: RegisterOptions = {}): void {
    if (!(blueprint instanceof Blueprint)) throw new TypeError("registerBlueprint() takes a Blueprint from 'phial/rest'; register a core blueprint with app.register().")
    if (this.#blueprint) throw new Error(`This Api belongs to the blueprint '${this.#blueprint.name}': register blueprints into an Api set up on an app.`)
    const registration: BlueprintRegistration = { blueprint, options }
    blueprint.attach((pending) => {
      const reg = this.#register(pending, blueprint)
      // the blueprint's own rules: registered with it on every app
      this.#addRulesWith((rule, ep, v, o) => blueprint.addUrlRule(rule, ep, v, o), reg)
    })
    this.#blueprints.push(registration)
    for (const app of this.#apps) this.#registerOn(app, registration)
  }

  /** The rest blueprints registered into this Api, in order (`registerBlueprint`). */
  get blueprints(): readonly Blueprint[] {
    return this.#blueprints.map((b) => b.blueprint)
  }

  #registerOn(app: Phial, { blueprint, options }: BlueprintRegistration): void {
    const own = options.urlPrefix !== undefined ? options.urlPrefix : blueprint.urlPrefix
    const urlPrefix = joinPrefix(this.prefix, own ?? '')
    if (urlPrefix) this.prefixes.add(urlPrefix)
    app.register(blueprint, { ...options, urlPrefix: urlPrefix || null })
  }


  /**
   * Adds a resource at one or more URLs (Flask-RESTful's `add_resource`),
   * the last argument optionally the options.
   *
   * @example
   * ```ts
   * api.addResource(TodoList, '/todos', '/tasks', { endpoint: 'todos' })
   * ```
   */
  addResource(resource: ResourceClass, ...urlsAndOptions: Array<string | AddResourceOptions>): void {
    const reg = this.#register(resourceArguments(resource, urlsAndOptions), null)
    if (this.blueprint) this.#addRulesWith((rule, ep, v, o) => this.blueprint!.addUrlRule(rule, ep, v, o), reg)
    for (const app of this.#apps) this.#addRules(app, reg)
  }

  /** Makes the view and the document's record of a resource (of the Api, or of a rest blueprint). */
  #register({ resource, urls, options }: PendingResource, blueprint: Blueprint | null): Registration {
    const endpoint = options.endpoint ?? resource.name.toLowerCase()
    const taken = this.#registrations.find((r) => r.record.endpoint === endpoint && r.blueprint === blueprint)
    if (taken) throw new Error(`This endpoint (${endpoint}) is already set to the class ${taken.record.resourceClass.name}.`)
    const classArgs = [...(options.resourceClassArgs ?? [])]
    const classView = (resource.asView as (name: string, ...args: unknown[]) => ClassView<never>).call(resource, endpoint, ...classArgs)
    let view: ViewFunction<never> = this.output(classView, resource)
    for (const decorator of this.decorators) view = decorator(view)
    Object.defineProperty(view, 'name', { value: endpoint, configurable: true })
    const handlers = new Map<string, Function>()
    const proto = resource.prototype as unknown as Record<string, unknown>
    for (const m of classView.methods ?? []) if (typeof proto[m.toLowerCase()] === 'function') handlers.set(m.toLowerCase(), proto[m.toLowerCase()] as Function)
    for (const [m, fn] of fieldHandlers(resource, classArgs)) handlers.set(m, fn)
    const tags = options.tags ?? blueprint?.tags ?? [this.blueprint?.name ?? resource.name]
    const security = options.security ?? blueprint?.security
    const record: ResourceRecord & { methods: readonly string[] | undefined } = {
      resourceClass: resource,
      endpoint,
      view,
      handlers,
      tags,
      methods: classView.methods,
      ...(security !== undefined ? { security } : {}),
    }
    this.views.add(view)
    // a blueprint's URLs take the Api's prefix through the blueprint's registration
    const reg: Registration = { record, urls: blueprint ? urls : urls.map((u) => this.prefix + u), options, blueprint }
    this.#registrations.push(reg)
    return reg
  }

  /**
   * The decorator form of {@link addResource} (Flask-RESTful's
   * `@api.resource('/todos')`): a function of the class that returns it.
   * Its signature is also a TC39 class decorator's, for builds that
   * compile `@decorator` syntax (tsx and vitest here do not lower it).
   *
   * @example
   * ```ts
   * api.resource('/hello')(class Hello extends Resource { get() { return { hello: 'world' } } })
   * ```
   */
  resource(...urlsAndOptions: Array<string | AddResourceOptions>): <C extends ResourceClass>(resource: C, context?: unknown) => C {
    return (resource) => {
      this.addResource(resource, ...urlsAndOptions)
      return resource
    }
  }

  /**
   * Flask-Smorest's spelling of {@link resource} (`@blp.route('/pets')` on a
   * view class).
   *
   * @example
   * ```ts
   * api.route('/pets')(class Pets extends Resource { get() { return [] } })
   * ```
   */
  route(...urlsAndOptions: Array<string | AddResourceOptions>): <C extends ResourceClass>(resource: C, context?: unknown) => C {
    return this.resource(...urlsAndOptions)
  }

  #addRules(app: Phial, reg: Registration): void {
    this.#addRulesWith((rule, ep, v, o) => app.addUrlRule(rule, ep, v, o), reg)
  }

  #addRulesWith(addUrlRule: (rule: string, endpoint: string, view: ViewFunction<never>, options: object) => void, reg: Registration): void {
    const methods = (reg.record as { methods?: readonly string[] }).methods
    for (const url of reg.urls) {
      addUrlRule(url, reg.record.endpoint, reg.record.view as ViewFunction<never>, {
        ...(methods ? { methods } : {}),
        ...(reg.options.strictSlashes !== undefined ? { strictSlashes: reg.options.strictSlashes } : {}),
        ...(reg.options.defaults ? { defaults: reg.options.defaults } : {}),
      })
    }
  }

  /**
   * Adds a representation (Flask-RESTful's `@api.representation`): how data
   * becomes a response for a media type the client may ask for.
   *
   * @example
   * ```ts
   * api.representation('text/csv', (data, status, headers) =>
   *   new Response(toCsv(data), { status, headers, mimetype: 'text/csv' }))
   * ```
   */
  representation(mediatype: string, fn: Representation): Representation {
    this.representations[mediatype] = fn
    return fn
  }

  /**
   * Wraps a resource view (Flask-RESTful's `Api.output`): HTTP errors it
   * raises become problem details, and its data a response.
   */
  output(view: ViewFunction<never>, resource?: ResourceClass): ViewFunction<never> {
    const fail = (err: unknown): Response => {
      if (err instanceof HTTPException && !(err instanceof RequestRedirect)) return this.errorResponse(err)
      throw err
    }
    return (args, ctx) => {
      let rv: unknown
      try {
        rv = view(args, ctx)
      } catch (err) {
        return fail(err)
      }
      if (rv instanceof Promise) return rv.then((v: unknown) => this.makeResponse(v, ctx, resource)).catch(fail)
      try {
        return this.makeResponse(rv, ctx, resource)
      } catch (err) {
        return fail(err)
      }
    }
  }

  /**
   * The response for what a handler returned (Flask-RESTful's
   * `make_response`): a `Response` as is; data (or `[data, status,
   * headers]`) through the representation the client accepts best.
   *
   * @example
   * ```ts
   * api.makeResponse([{ id: 1 }, 201], ctx).status // 201
   * ```
   */
  makeResponse(rv: unknown, ctx: Context, resource?: ResourceClass): Response {
    if (rv instanceof Response) return rv
    if (isWebResponse(rv)) return rv as unknown as Response
    const [data, status, headers] = unpackReturn(rv)
    const own = resource?.representations
    const table = own ? { ...this.representations, ...own } : this.representations
    // JSON only (the usual table): no Accept header to read, as negotiate() answers for one representation that is the default
    const mediatype = own == null && this.defaultMediatype === JSON_TYPE && onlyJson(table) ? JSON_TYPE : negotiate(ctx.request, Object.keys(table), this.defaultMediatype)
    const represent = table[mediatype] ?? outputJson
    const response =
      represent === outputJson
        ? jsonResponse(data, status ?? 200, headersRecord(headers), ctx.app as Phial)
        : represent(data, status ?? 200, headersRecord(headers))
    // a response without a body (a 204, a 304) has no content type
    if (!response.headers.has('content-type') && response.body !== '' && response.body !== null) response.headers.set('content-type', mediatype)
    return response
  }

  /**
   * The problem-details response of an HTTP error (a response given to
   * `abort(response)` is sent as is).
   *
   * @example
   * ```ts
   * api.errorResponse(new NotFound('No todo 7.')).status // 404
   * ```
   */
  errorResponse(err: HTTPException): Response {
    if (err.response && !('problem' in err)) return err.response
    return errorResponseOf(err, this.#errors)
  }

  /** The Api's error format (its `errors` option), or null for problem details. */
  get errorFormat(): ErrorFormat | null {
    return this.#errors
  }

  /**
   * True when the request is this Api's: its endpoint is one of the Api's
   * views, a 405 on one of its URLs, or a 404 under its prefix (every 404
   * with `catchAll404s`).
   *
   * @example
   * ```ts
   * app.errorHandler(418, (e, ctx) => (api.owns(ctx) ? api.errorResponse(e) : '<h1>teapot</h1>'))
   * ```
   */
  owns(ctx: Context): boolean {
    const request = ctx.request
    if (request.endpoint !== null) return this.views.has(ctx.app.viewFunctions[request.endpoint] as Function)
    const err = request.routingException as { validMethods?: string[]; code?: number } | null
    if (err?.validMethods && err.validMethods.length > 0) {
      const match = ctx.app.urlMap.match(request.path, err.validMethods[0]!)
      return match.kind === 'match' && this.views.has(ctx.app.viewFunctions[match.rule.endpoint] as Function)
    }
    if (err?.code === 404) {
      if (this.catchAll404s) return true
      for (const p of this.prefixes) if (request.path === p || request.path.startsWith(p + '/')) return true
    }
    return false
  }

  /**
   * The URL of a resource (Flask-RESTful's `api.url_for`).
   *
   * @example
   * ```ts
   * api.urlFor(TodoItem, { todoId: 3 })   // '/todos/3'
   * ```
   */
  urlFor(resource: ResourceClass, values: Record<string, unknown> = {}, options: UrlForOptions = {}): string {
    const reg = this.#registrations.find((r) => r.record.resourceClass === resource)
    if (!reg) throw new Error(`${resource.name} is not a resource of this Api: addResource() it first.`)
    const bp = reg.blueprint ? (this.#blueprints.find((b) => b.blueprint === reg.blueprint)?.options.name ?? reg.blueprint.name) : this.blueprint?.name
    return urlFor(bp ? `${bp}.${reg.record.endpoint}` : reg.record.endpoint, values, options)
  }

  /**
   * The OpenAPI 3.1 document of this Api on `app`.
   *
   * @example
   * ```ts
   * const doc = api.openapi(app)
   * writeFileSync('openapi.json', JSON.stringify(doc, null, 2))
   * ```
   */
  openapi(app: Phial): Record<string, unknown> {
    const config = app.config
    const info: OpenApiInfo = {
      title: this.options.title ?? config.API_TITLE ?? app.name,
      version: this.options.version ?? config.API_VERSION ?? '1.0.0',
    }
    if (this.options.description) info.description = this.options.description
    if (this.options.servers) info.servers = this.options.servers
    if (this.options.openapi) info.extra = this.options.openapi
    if (this.options.security) info.security = this.options.security
    const schemes = { ...(this.options.jwtScheme === false ? {} : jwtSecuritySchemes(app, this.options.jwtScheme ?? 'jwt')), ...this.options.securitySchemes }
    if (Object.keys(schemes).length > 0) info.securitySchemes = schemes
    const described = this.#blueprints.filter((b) => b.blueprint.description !== undefined)
    if (described.length > 0) info.tagDescriptions = Object.fromEntries(described.flatMap((b) => b.blueprint.tags.map((t) => [t, b.blueprint.description!])))
    if (this.#errors) info.errors = this.#errors
    const status = typeof config.REST_VALIDATION_STATUS === 'number' ? config.REST_VALIDATION_STATUS : 422
    return buildOpenApi(app, this.#registrations.map((r) => r.record), info, status)
  }
}

const JSON_TYPE = 'application/json'

/** True when a representation table has JSON and nothing else. */
function onlyJson(table: Record<string, Representation>): boolean {
  for (const key in table) if (key !== JSON_TYPE) return false
  return JSON_TYPE in table
}

/** `/api` + `/users` → `/api/users` (either may be empty). */
function joinPrefix(outer: string, inner: string): string {
  if (!inner) return outer
  return `${outer.replace(/\/+$/, '')}/${inner.replace(/^\/+/, '')}`.replace(/\/+$/, '')
}
