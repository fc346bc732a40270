/**
 * `CORS` (Flask-CORS's extension): CORS headers for an app or a blueprint,
 * per resource, on every response including errors.
 */
import { Blueprint, type AppCore, type Context, type Response } from 'phial'
import { corsOptionsFromConfig } from './config.ts'
import { crossOriginPolicyFor } from './cross-origin.ts'
import { applyCorsHeaders, compilePolicy, isPreflight, mergeCorsOptions, preflightResponse, type CorsPolicy } from './policy.ts'
import { parseResources } from './resources.ts'
import type { CorsExtensionOptions, ResourcesOption } from './types.ts'

/** The compiled resources of one app. */
interface Compiled {
  /** Set when one resource covers every path: no matching at all. */
  readonly everywhere: CorsPolicy | null
  readonly resources: ReadonlyArray<{ readonly test: (path: string) => boolean; readonly policy: CorsPolicy }>
  /** Path → policy (or null: not covered), bounded. */
  readonly byPath: Map<string, CorsPolicy | null>
}

/** Paths remembered per app; the cache is cleared when full (ids in paths would otherwise grow it). */
const PATH_CACHE_SIZE = 2048
/** Longer paths are matched every time, so the cache holds at most ~0.5 MiB of keys whatever clients send. */
const CACHED_PATH_LENGTH = 256

function compile(app: AppCore, options: CorsExtensionOptions): Compiled {
  const fromConfig = corsOptionsFromConfig(app.config)
  const base = mergeCorsOptions(fromConfig, options)
  const resourcesOption = options.resources ?? (app.config.get('CORS_RESOURCES') as ResourcesOption | null | undefined) ?? '/*'
  const resources = parseResources(resourcesOption).map((r) => {
    const resolved = mergeCorsOptions(base, r.options)
    const policy = compilePolicy(resolved)
    if (policy.credentials && policy.origins.wildcard) {
      app.logger.warn(
        `CORS resource ${r.source}: supportsCredentials with origins '*' lets every site read these responses ` +
          "with your users' cookies (the origin is reflected). List the allowed origins instead.",
      )
    }
    return { source: r.source, test: r.test, policy }
  })
  const only = resources.length === 1 ? resources[0]! : null
  const everywhere = only !== null && (only.source === '/*' || only.source === '*') ? only.policy : null
  return { everywhere, resources, byPath: new Map() }
}

function policyForPath(compiled: Compiled, path: string): CorsPolicy | null {
  if (compiled.everywhere !== null) return compiled.everywhere
  const cached = compiled.byPath.get(path)
  if (cached !== undefined) return cached
  let found: CorsPolicy | null = null
  for (const r of compiled.resources) {
    if (r.test(path)) {
      found = r.policy
      break
    }
  }
  if (path.length <= CACHED_PATH_LENGTH) {
    if (compiled.byPath.size >= PATH_CACHE_SIZE) compiled.byPath.clear()
    compiled.byPath.set(path, found)
  }
  return found
}

/**
 * Cross-Origin Resource Sharing for an app or a blueprint (Flask-CORS's
 * `CORS`). Every response of a covered path gets the CORS headers the
 * options allow — error pages too (404, 405, 500) — and preflights are
 * answered before the view runs. Options come from, in order of precedence:
 * a resource's own options, the options given here, the `CORS_*` config
 * keys, and the defaults (any origin, no credentials).
 *
 * @example
 * ```ts
 * import { CORS } from 'phial/cors'
 *
 * new CORS(app, { resources: { '/api/*': { origins: ['https://app.example.com'] } }, supportsCredentials: true })
 * ```
 */
export class CORS {
  readonly #options: CorsExtensionOptions

  /**
   * @example
   * ```ts
   * const cors = new CORS(app)              // every path, any origin
   * const apiCors = new CORS(apiBlueprint)  // only the blueprint's routes
   * ```
   */
  constructor(target?: AppCore | Blueprint, options: CorsExtensionOptions = {}) {
    this.#options = options
    if (target !== undefined) this.initApp(target)
  }

  /**
   * Sets CORS up on an app (every path its `resources` cover, and the
   * 404/405 answers for them) or on a blueprint (its routes only). The
   * options given here are merged over the constructor's. For an app, the
   * options are compiled now, so a bad option throws here; for a blueprint,
   * on the first request of each app it is registered on.
   *
   * @example
   * ```ts
   * export const cors = new CORS()
   * export function createApp() {
   *   const app = new Phial(import.meta.url)
   *   cors.initApp(app, { origins: process.env.CORS_ORIGINS?.split(',') })
   *   return app
   * }
   * ```
   */
  initApp(target: AppCore | Blueprint, options: CorsExtensionOptions = {}): void {
    const merged: CorsExtensionOptions = { ...this.#options, ...options }
    const compiledByApp = new WeakMap<AppCore, Compiled>()
    const compiledFor = (app: AppCore): Compiled => {
      let compiled = compiledByApp.get(app)
      if (compiled === undefined) {
        compiled = compile(app, merged)
        compiledByApp.set(app, compiled)
      }
      return compiled
    }
    if (!(target instanceof Blueprint)) {
      if (target === null || typeof target !== 'object' || !('extensions' in target)) {
        throw new TypeError('CORS takes a Phial app or a Blueprint.')
      }
      target.extensions.cors = this
      compiledFor(target)
    }

    // the preflight answer: only OPTIONS requests do any work here
    const corsPreflight = (ctx: Context): Response | undefined => {
      const request = ctx.request
      if (request.method !== 'OPTIONS' || !isPreflight(request)) return undefined
      const viewPolicy = request.endpoint === null ? null : crossOriginPolicyFor(ctx.app, ctx.app.viewFunctions[request.endpoint])
      const policy = viewPolicy ?? policyForPath(compiledFor(ctx.app), request.path)
      if (policy === null || !policy.automaticOptions) return undefined
      return preflightResponse(policy, request)
    }
    const corsHeaders = (response: Response, ctx: Context): void => {
      const policy = policyForPath(compiledFor(ctx.app), ctx.request.path)
      if (policy !== null) applyCorsHeaders(policy, ctx.request, response)
    }
    target.beforeRequest(corsPreflight)
    target.afterRequest(corsHeaders)
  }
}
