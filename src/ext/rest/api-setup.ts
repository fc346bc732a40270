/**
 * What an `Api` installs on an app: config defaults, the JSON error
 * handling for its requests, the document and docs routes, and the
 * `phial openapi` command.
 */
import { writeFileSync } from 'node:fs'
import { HTTPException, Response, CliError, urlFor, type Blueprint, type Context, type ErrorHandler, type Phial, type View as ViewFunction } from 'phial'
import type { Api } from './api.ts'
import { applyRestDefaults } from './config.ts'
import { DOCS_ASSET_NAMES, docsAsset, docsHtml, docsInitializer } from './docs-page.ts'

type AddRule = (rule: string, endpoint: string, view: ViewFunction<never>) => void

/** The Apis of an app, by name (`app.extensions.rest`). */
function apisOf(app: Phial): Map<string, Api> {
  let apis = app.extensions.rest as Map<string, Api> | undefined
  if (!(apis instanceof Map)) app.extensions.rest = apis = new Map()
  return apis
}

function registerApi(app: Phial, api: Api): void {
  const apis = apisOf(app)
  if ([...apis.values()].includes(api)) return
  const existing = apis.get(api.name)
  if (existing === undefined) {
    apis.set(api.name, api)
    return
  }
  // two Apis at the app's level would share their document's endpoint: a clear error; a blueprint's has its own
  if (!existing.blueprint && !api.blueprint) throw new Error(`The app already has an Api named '${api.name}': give the new one another { name }.`)
  let n = 2
  while (apis.has(`${api.name}-${n}`)) n++
  apis.set(`${api.name}-${n}`, api)
}

const fallbackInstalled = new WeakMap<Phial, Set<Api>>()

/**
 * An app-wide handler for HTTP errors that answers the Api's requests with
 * problem details (errors raised before its views run: a 405 on its URLs,
 * a 404 under its prefix, a 413 or 400 while reading the body, a 500) and
 * leaves every other request to the handler registered before it, or to
 * the core's own page.
 */
function installErrorFallback(app: Phial, api: Api): void {
  let done = fallbackInstalled.get(app)
  if (!done) fallbackInstalled.set(app, (done = new Set()))
  if (done.has(api)) return
  done.add(api)
  const previous = app.errorHandlerSpec.get(null)?.get(null)?.get(HTTPException as never) as ErrorHandler<HTTPException> | undefined
  const handler: ErrorHandler<HTTPException> = (err, ctx) => {
    if (api.owns(ctx)) return api.errorResponse(err)
    // an HTTPException returned from a handler renders as the core's own page (HTML, or JSON for JSON clients)
    return previous ? previous(err, ctx) : (err as unknown as ReturnType<ErrorHandler<HTTPException>>)
  }
  app.errorHandler(HTTPException, handler)
}

const documents = new WeakMap<Api, WeakMap<Phial, string>>()

/** The document as JSON text, made once per app (an app's routes are fixed once it serves). */
function documentText(api: Api, app: Phial): string {
  let perApp = documents.get(api)
  if (!perApp) documents.set(api, (perApp = new WeakMap()))
  let text = perApp.get(app)
  if (text === undefined) {
    text = JSON.stringify(api.openapi(app))
    if (app.gotFirstRequest) perApp.set(app, text)
  }
  return text
}

/** Adds `/openapi.json` and `/docs` (and its assets) under `prefix`; `relative` for a blueprint's endpoints. */
function addDocsRoutes(add: AddRule, api: Api, app: Phial, prefix: string, relative: boolean): void {
  const config = app.config
  const openapiUrl = config.REST_OPENAPI_URL
  const docsUrl = config.REST_DOCS_URL
  const name = api.name
  const ref = (endpoint: string): string => (relative ? `.${endpoint}` : endpoint)
  if (openapiUrl) {
    const openapi = (_args: unknown, ctx: Context): Response =>
      new Response(documentText(api, ctx.app), { mimetype: 'application/json' })
    api.views.add(openapi)
    add(prefix + openapiUrl, `${name}_openapi`, openapi)
  }
  if (docsUrl && openapiUrl) {
    const base = prefix + docsUrl.replace(/\/+$/, '')
    const docs = (): Response => {
      const title = api.options.title ?? config.API_TITLE ?? app.name
      const asset = urlFor(ref(`${name}_docs_asset`), { filename: 'swagger-ui.css' }).replace(/swagger-ui\.css$/, '')
      return new Response(docsHtml(title, asset, urlFor(ref(`${name}_docs_initializer`))), { mimetype: 'text/html' })
    }
    const initializer = (): Response => docsInitializer(urlFor(ref(`${name}_openapi`)))
    const asset = ({ filename }: { filename: string }): Response => docsAsset(filename)
    add(base, `${name}_docs`, docs)
    add(`${base}/swagger-initializer.js`, `${name}_docs_initializer`, initializer)
    add(`${base}/swagger-ui/<any(${DOCS_ASSET_NAMES.join(', ')}):filename>`, `${name}_docs_asset`, asset as ViewFunction<never>)
  }
}

/** `phial openapi [output] [--api name]`: writes (or prints) the document. */
function registerCli(app: Phial): void {
  if (app.cli.commands.has('openapi')) return
  app.cli.command(
    'openapi',
    {
      description: "Write the app's OpenAPI document to a file (or print it)",
      arguments: [{ name: 'output', required: false, description: 'the file to write (default: standard output)' }],
      options: [{ flags: '--api <name>', description: 'which Api, when the app has several' }],
    },
    ({ output }, { api: wanted }) => {
      const apis = apisOf(app)
      const api = wanted ? apis.get(wanted) : apis.size === 1 ? [...apis.values()][0] : undefined
      if (!api) {
        const names = [...apis.keys()].join(', ') || 'none'
        throw new CliError(wanted ? `No Api named '${wanted}' (the app has: ${names}).` : `The app has several Apis (${names}): choose one with --api.`, 2)
      }
      const text = JSON.stringify(api.openapi(app), null, 2) + '\n'
      if (output) {
        writeFileSync(output, text)
        console.log(`Wrote the OpenAPI document of '${api.name}' to ${output}`)
      } else process.stdout.write(text)
    },
  )
}

/**
 * Sets up an app for an Api bound to it.
 *
 * @example
 * ```ts
 * installOnApp(api, app)   // what api.initApp(app) does
 * ```
 */
export function installOnApp(api: Api, app: Phial): void {
  applyRestDefaults(app.config)
  registerApi(app, api)
  installErrorFallback(app, api)
  addDocsRoutes((rule, endpoint, view) => app.addUrlRule(rule, endpoint, view), api, app, api.prefix, false)
  registerCli(app)
}

/**
 * Sets up, for each app the blueprint is registered on, what
 * {@link installOnApp} does for an app, under the blueprint's prefix.
 *
 * @example
 * ```ts
 * installOnBlueprint(api, bp)   // what new Api(bp) does
 * ```
 */
export function installOnBlueprint(api: Api, bp: Blueprint): void {
  bp.record((state) => {
    // the app itself (typed as the smaller core type while the core is being split into layers)
    const app = state.app as unknown as Phial
    applyRestDefaults(app.config)
    registerApi(app, api)
    const full = (state.urlPrefix ?? '').replace(/\/+$/, '') + api.prefix
    if (full) api.prefixes.add(full)
    installErrorFallback(app, api)
    addDocsRoutes((rule, endpoint, view) => state.addUrlRule(rule, endpoint, view), api, app, api.prefix, true)
    registerCli(app)
  })
}
