/**
 * The `CORS_*` settings (Flask-CORS's): their types on `app.config`, the
 * option names they stand for, and the defaults.
 */
import type { Config } from 'phial'
import type { CorsOptions, ResourcesOption } from './types.ts'

declare module 'phial' {
  interface ConfigValues {
    /** Allowed origins (strings, RegExps, functions, or `'*'`). Default `'*'`. */
    CORS_ORIGINS?: CorsOptions['origins']
    /** Methods a preflight allows. Default every method. */
    CORS_METHODS?: CorsOptions['methods']
    /** Request headers a preflight allows (`'*'` reflects the requested ones). Default `'*'`. */
    CORS_ALLOW_HEADERS?: CorsOptions['allowHeaders']
    /** Response headers scripts may read. Default none. */
    CORS_EXPOSE_HEADERS?: CorsOptions['exposeHeaders']
    /** Send `Access-Control-Allow-Credentials: true`. Default `false`. */
    CORS_SUPPORTS_CREDENTIALS?: boolean
    /** `Access-Control-Max-Age` of preflights, in seconds. Default none. */
    CORS_MAX_AGE?: number | null
    /** Answer an allowed `'*'` with a literal `*` instead of the request's origin. Default `false`. */
    CORS_SEND_WILDCARD?: boolean
    /** Answer preflights before the view runs. Default `true`. */
    CORS_AUTOMATIC_OPTIONS?: boolean
    /** Add `Vary: Origin` when the answer depends on the origin. Default `true`. */
    CORS_VARY_HEADER?: boolean
    /** Answer `Access-Control-Request-Private-Network` preflights. Default `false`. */
    CORS_ALLOW_PRIVATE_NETWORK?: boolean
    /** Path patterns CORS covers (see `CORS({ resources })`). Default `'/*'`. */
    CORS_RESOURCES?: ResourcesOption
  }
}

/**
 * Every method, the default of `methods` (Flask-CORS's `ALL_METHODS`).
 *
 * @example
 * ```ts
 * new CORS(app, { methods: ALL_METHODS.filter((m) => m !== 'DELETE') })
 * ```
 */
export const ALL_METHODS: readonly string[] = Object.freeze(['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'])

/**
 * The defaults of every option (Flask-CORS's `DEFAULT_OPTIONS`, in camelCase).
 *
 * @example
 * ```ts
 * CORS_DEFAULTS.origins // '*'
 * ```
 */
export const CORS_DEFAULTS = Object.freeze({
  origins: '*',
  methods: ALL_METHODS,
  allowHeaders: '*',
  exposeHeaders: null,
  supportsCredentials: false,
  maxAge: null,
  sendWildcard: false,
  automaticOptions: true,
  vary: true,
  allowPrivateNetwork: false,
} satisfies Required<CorsOptions>)

/** Config key → option name. */
const CONFIG_KEYS = {
  CORS_ORIGINS: 'origins',
  CORS_METHODS: 'methods',
  CORS_ALLOW_HEADERS: 'allowHeaders',
  CORS_EXPOSE_HEADERS: 'exposeHeaders',
  CORS_SUPPORTS_CREDENTIALS: 'supportsCredentials',
  CORS_MAX_AGE: 'maxAge',
  CORS_SEND_WILDCARD: 'sendWildcard',
  CORS_AUTOMATIC_OPTIONS: 'automaticOptions',
  CORS_VARY_HEADER: 'vary',
  CORS_ALLOW_PRIVATE_NETWORK: 'allowPrivateNetwork',
} as const satisfies Record<string, keyof CorsOptions>

/**
 * The options set in `app.config` (`CORS_*` keys that are set and not null).
 *
 * @example
 * ```ts
 * app.config.CORS_ORIGINS = ['https://example.com']
 * corsOptionsFromConfig(app.config) // { origins: ['https://example.com'] }
 * ```
 */
export function corsOptionsFromConfig(config: Config): CorsOptions {
  const out: Record<string, unknown> = {}
  for (const [key, option] of Object.entries(CONFIG_KEYS)) {
    const value = config.get(key)
    if (value !== undefined && value !== null) out[option] = value
  }
  return out as CorsOptions
}
