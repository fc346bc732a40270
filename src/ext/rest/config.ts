/**
 * The config keys of `phial/rest`, with their defaults.
 */
import type { Config } from 'phial'

declare module 'phial' {
  interface ConfigValues {
    /** Status of a request that fails validation: 422 (RFC 9110 "Unprocessable Content") or 400. Default `422`. */
    REST_VALIDATION_STATUS: number
    /** Also validate what handlers return against their response schemas (an invalid body is a 500). Default `false`. */
    REST_VALIDATE_RESPONSES: boolean
    /** URL of the OpenAPI document, under the Api's prefix; `null` for none. Default `'/openapi.json'`. */
    REST_OPENAPI_URL: string | null
    /** URL of the Swagger UI page, under the Api's prefix; `null` for none. Default `'/docs'`. */
    REST_DOCS_URL: string | null
    /** The document's `info.title` when the Api gives none (Flask-Smorest's `API_TITLE`). Default: the app's name. */
    API_TITLE: string | null
    /** The document's `info.version` when the Api gives none (Flask-Smorest's `API_VERSION`). Default `'1.0.0'`. */
    API_VERSION: string
    /** How resources' JSON is written (Flask-RESTful's `RESTFUL_JSON`): `{ indent, sortKeys }`; debug mode indents by 4. Default `null`. */
    RESTFUL_JSON: { indent?: number; sortKeys?: boolean } | null
  }
}

/**
 * The defaults `Api.initApp` sets (values already in the config are kept).
 *
 * @example
 * ```ts
 * REST_DEFAULTS.REST_VALIDATION_STATUS // 422
 * ```
 */
export const REST_DEFAULTS = Object.freeze({
  REST_VALIDATION_STATUS: 422,
  REST_VALIDATE_RESPONSES: false,
  REST_OPENAPI_URL: '/openapi.json',
  REST_DOCS_URL: '/docs',
  API_TITLE: null,
  API_VERSION: '1.0.0',
  RESTFUL_JSON: null,
} as const)

/**
 * Sets the `phial/rest` defaults on a config.
 *
 * @example
 * ```ts
 * applyRestDefaults(app.config)
 * ```
 */
export function applyRestDefaults(config: Config): void {
  for (const [key, value] of Object.entries(REST_DEFAULTS)) config.setDefault(key, value)
}
