/**
 * `phial/cors`: Cross-Origin Resource Sharing (Flask-CORS's `CORS` and
 * `cross_origin`).
 *
 * @module
 * @example
 * ```ts
 * import { CORS, crossOrigin } from 'phial/cors'
 *
 * new CORS(app, { resources: { '/api/*': { origins: ['https://app.example.com'] } } })
 * app.get('/widget', crossOrigin()(function widget() { return { ok: true } }))
 * ```
 */
export { CORS } from './extension.ts'
export { crossOrigin, crossOriginPolicyFor } from './cross-origin.ts'
export { ALL_METHODS, CORS_DEFAULTS, corsOptionsFromConfig } from './config.ts'
export {
  applyCorsHeaders,
  compilePolicy,
  corsEvaluated,
  isPreflight,
  mergeCorsOptions,
  preflightResponse,
  addVary,
  type CorsPolicy,
  type ResolvedCorsOptions,
} from './policy.ts'
export { compileOrigins, isValidOrigin, originAllowed, MAX_ORIGIN_LENGTH, type OriginRule } from './origins.ts'
export { compilePattern, parseResources, type ParsedResource } from './resources.ts'
export type { CorsOptions, CorsExtensionOptions, OriginFunction, OriginMatcher, ResourcePattern, ResourcesOption } from './types.ts'
