/**
 * `phial/uploads`: upload sets (Flask-Uploads / Flask-Reuploaded): named
 * sets of files with allowed extensions and content types, size limits, a
 * storage folder (under the instance folder by default), secure and
 * de-duplicated names, a 400/413 that says why a file was refused (and
 * nothing written), and URLs to the stored files, served by a route the
 * sets register.
 *
 * @example
 * ```ts
 * import { UploadSet, IMAGES, configureUploads } from 'phial/uploads'
 *
 * const photos = new UploadSet('photos', { extensions: IMAGES, maxSize: 5 * 1024 * 1024 })
 * configureUploads(app, photos)
 * app.post('/upload', async function upload() {
 *   const name = await photos.save(request.files.get('photo'))
 *   return { url: photos.url(name) }
 * })
 * ```
 *
 * @module
 */
export { UploadSet, type UploadSetOptions, type SaveOptions } from './upload-set.ts'
export { Uploads, configureUploads } from './extension.ts'
export { UploadNotAllowed, UploadTooLarge } from './errors.ts'
export { UPLOADS_DEFAULTS, applyUploadsDefaults, configForSet, type UploadConfiguration } from './config.ts'
export { ALL, ARCHIVES, AUDIO, DATA, DEFAULTS, DOCUMENTS, EXECUTABLES, IMAGES, SCRIPTS, TEXT, allExcept, type ExtensionSet } from './presets.ts'
export { extension, lowercaseExt, storedName } from './names.ts'
