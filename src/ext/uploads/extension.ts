/**
 * `Uploads` / `configureUploads(app, sets)`: stores each set's settings on
 * the app and registers the route that serves stored files.
 */
import { Blueprint, NotFound, sendFromDirectory, type Context, type Phial } from 'phial'
import { applyUploadsDefaults, configForSet } from './config.ts'
import { uploadsState, type UploadsState } from './state.ts'
import type { UploadSet } from './upload-set.ts'

/**
 * Headers on every served upload: the browser must not guess a type
 * (`nosniff`), and an uploaded HTML or SVG file runs no script and reaches
 * nothing of the site (a sandboxed, resource-less document).
 */
const SERVED_FILE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
} as const

function servingBlueprint(prefix: string): Blueprint {
  const bp = new Blueprint('_uploads', { urlPrefix: prefix })
  bp.get('/<setname>/<path:filename>', async function uploadedFile({ setname, filename }, ctx: Context) {
    const config = uploadsState(ctx.app)?.configs.get(setname)
    if (config === undefined || config.baseUrl !== null) throw new NotFound()
    const response = await sendFromDirectory(config.destination, filename)
    for (const [name, value] of Object.entries(SERVED_FILE_HEADERS)) response.headers.set(name, value)
    return response
  })
  return bp
}

/**
 * Upload sets for an app (Flask-Reuploaded's `configure_uploads` as an
 * extension): for each set, its folder, URL, allow/deny lists and size limit
 * from the config; and, unless `UPLOADS_AUTOSERVE` is false, the route
 * `/_uploads/<set>/<path:filename>` (endpoint `_uploads.uploadedFile`) that
 * serves stored files with `sendFromDirectory`. State: `app.extensions.uploads`.
 *
 * @example
 * ```ts
 * import { Uploads, UploadSet, IMAGES } from 'phial/uploads'
 *
 * export const photos = new UploadSet('photos', { extensions: IMAGES })
 * export const uploads = new Uploads([photos])
 * uploads.initApp(app)               // or: configureUploads(app, photos)
 * ```
 */
export class Uploads {
  readonly sets: readonly UploadSet[]

  /**
   * @example
   * ```ts
   * new Uploads([photos, documents], app)
   * ```
   */
  constructor(sets: UploadSet | readonly UploadSet[], app?: Phial) {
    this.sets = Array.isArray(sets) ? [...sets] : [sets as UploadSet]
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Configures the sets for `app` (call it after the app's config is loaded).
   *
   * @example
   * ```ts
   * uploads.initApp(app)
   * ```
   */
  initApp(app: Phial): void {
    configureUploads(app, this.sets)
  }
}

/**
 * Configures upload sets for an app (Flask-Reuploaded's `configure_uploads`);
 * may be called again with more sets.
 *
 * @example
 * ```ts
 * app.config.UPLOADED_PHOTOS_DEST = '/srv/photos'
 * configureUploads(app, [photos, documents])
 * ```
 */
export function configureUploads(app: Phial, sets: UploadSet | readonly UploadSet[]): void {
  applyUploadsDefaults(app.config)
  let state = uploadsState(app)
  if (state === undefined) {
    state = { configs: new Map(), served: false } satisfies UploadsState
    app.extensions.uploads = state
  }
  for (const set of Array.isArray(sets) ? sets : [sets as UploadSet]) {
    state.configs.set(set.name, configForSet(set.name, app, { defaultDest: set.options.defaultDest, maxSize: set.options.maxSize }))
  }
  const needsRoute = [...state.configs.values()].some((c) => c.baseUrl === null)
  if (app.config.UPLOADS_AUTOSERVE !== false && needsRoute && !state.served) {
    app.register(servingBlueprint(app.config.UPLOADS_URL_PREFIX || '/_uploads'))
    state.served = true
  }
}
