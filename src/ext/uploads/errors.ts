/**
 * The errors of a refused upload: a 400 for a file the set does not take,
 * a 413 for one that is too large.
 */
import { BadRequest, RequestEntityTooLarge } from 'phial'

/**
 * A file the upload set refuses (no file, an unusable name, an extension or
 * content type it does not allow): a 400 whose description says which and
 * what is allowed (Flask-Reuploaded's `UploadNotAllowed`).
 *
 * @example
 * ```ts
 * try { await photos.save(file) } catch (e) { if (e instanceof UploadNotAllowed) flash(e.description); else throw e }
 * ```
 */
export class UploadNotAllowed extends BadRequest {
  static override description = 'This file cannot be uploaded here.'
}

/**
 * A file larger than the upload set's limit: a 413 that gives the size and the limit.
 *
 * @example
 * ```ts
 * app.errorHandler(UploadTooLarge, (e) => [renderTemplate('too_big.html', { reason: e.description }), 413])
 * ```
 */
export class UploadTooLarge extends RequestEntityTooLarge {
  static override description = 'The file is too large.'
}
