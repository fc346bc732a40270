/**
 * The `UPLOADS_*` settings (and the per-set `UPLOADED_<NAME>_*` ones): their
 * types on `app.config`, their defaults, and one set's resolved settings.
 */
import { join, resolve } from 'node:path'
import type { Config } from 'phial'

declare module 'phial' {
  interface ConfigValues {
    /** Folder holding each set's folder (`<dest>/<set name>`); `null`: `<instance folder>/uploads`. Default `null`. */
    UPLOADS_DEFAULT_DEST: string | null
    /** Base URL of the sets' files when another server serves them (`<url>/<set name>/`); `null`: the app serves them. Default `null`. */
    UPLOADS_DEFAULT_URL: string | null
    /** Register the route that serves stored files for sets without a URL. Default `true`. */
    UPLOADS_AUTOSERVE: boolean
    /** URL prefix of that route. Default `'/_uploads'`. */
    UPLOADS_URL_PREFIX: string
    /** Largest file a set accepts, in bytes, unless the set says otherwise; `null` for none (`MAX_CONTENT_LENGTH` still bounds the request). Default `null`. */
    UPLOADS_MAX_SIZE: number | null
  }
}

/**
 * The defaults `Uploads.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * UPLOADS_DEFAULTS.UPLOADS_URL_PREFIX // '/_uploads'
 * ```
 */
export const UPLOADS_DEFAULTS = Object.freeze({
  UPLOADS_DEFAULT_DEST: null,
  UPLOADS_DEFAULT_URL: null,
  UPLOADS_AUTOSERVE: true,
  UPLOADS_URL_PREFIX: '/_uploads',
  UPLOADS_MAX_SIZE: null,
} as const)

/**
 * Sets each `UPLOADS_*` key that is not set yet to its default.
 *
 * @example
 * ```ts
 * applyUploadsDefaults(app.config)
 * ```
 */
export function applyUploadsDefaults(config: Config): void {
  for (const [key, value] of Object.entries(UPLOADS_DEFAULTS)) config.setDefault(key, value)
}

/**
 * One set's settings in one app (Flask-Reuploaded's `UploadConfiguration`).
 *
 * @example
 * ```ts
 * photos.configFor(app).destination // '/srv/app/instance/uploads/photos'
 * ```
 */
export interface UploadConfiguration {
  /** The folder files are stored in (absolute). */
  readonly destination: string
  /** The URL files are served at (ending with `/`), or null when the app serves them. */
  readonly baseUrl: string | null
  /** Extensions allowed even if the set does not list them (`UPLOADED_<NAME>_ALLOW`). */
  readonly allow: readonly string[]
  /** Extensions refused even if the set lists them (`UPLOADED_<NAME>_DENY`). */
  readonly deny: readonly string[]
  /** The size limit in bytes, or null. */
  readonly maxSize: number | null
}

function addSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => String(v).toLowerCase()) : []
}

/**
 * Resolves a set's settings from the app config: `UPLOADED_<NAME>_DEST`,
 * else the set's `defaultDest(app)`, else `UPLOADS_DEFAULT_DEST/<name>`,
 * else `<instance folder>/uploads/<name>`; the URL likewise.
 */
export function configForSet(
  name: string,
  app: { config: Config; rootPath: string; instancePath: string },
  defaults: { defaultDest?: (app: never) => string; maxSize?: number | null },
): UploadConfiguration {
  const config = app.config
  const prefix = `UPLOADED_${name.toUpperCase()}_`
  let destination = config.get(`${prefix}DEST`) as string | undefined
  let usingDefault = false
  if (destination == null && defaults.defaultDest) destination = (defaults.defaultDest as (a: unknown) => string)(app)
  if (destination == null) {
    usingDefault = true
    const root = (config.get('UPLOADS_DEFAULT_DEST') as string | null | undefined) ?? join(app.instancePath, 'uploads')
    destination = join(root, name)
  }
  let baseUrl = (config.get(`${prefix}URL`) as string | null | undefined) ?? null
  const defaultUrl = config.get('UPLOADS_DEFAULT_URL') as string | null | undefined
  if (baseUrl === null && usingDefault && defaultUrl) baseUrl = `${addSlash(defaultUrl)}${name}/`
  const setMax = config.get(`${prefix}MAX_SIZE`) as number | null | undefined
  const globalMax = config.get('UPLOADS_MAX_SIZE') as number | null | undefined
  return Object.freeze({
    destination: resolve(app.rootPath, destination),
    baseUrl: baseUrl === null ? null : addSlash(baseUrl),
    allow: stringList(config.get(`${prefix}ALLOW`)),
    deny: stringList(config.get(`${prefix}DENY`)),
    maxSize: setMax ?? defaults.maxSize ?? globalMax ?? null,
  })
}
