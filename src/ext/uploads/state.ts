/**
 * Per-app state of upload sets: `app.extensions.uploads`.
 */
import type { UploadConfiguration } from './config.ts'

/**
 * What `configureUploads` keeps on an app.
 *
 * @example
 * ```ts
 * uploadsState(app)?.configs.get('photos')?.destination
 * ```
 */
export interface UploadsState {
  /** Each configured set's settings, by set name. */
  readonly configs: Map<string, UploadConfiguration>
  /** Whether the serving route is registered. */
  served: boolean
}

/** The state on an app, or undefined before `configureUploads`. */
export function uploadsState(app: unknown): UploadsState | undefined {
  const extensions = (app as { extensions?: Record<string, unknown> }).extensions
  return extensions?.uploads as UploadsState | undefined
}
