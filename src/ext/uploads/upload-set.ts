/**
 * `UploadSet` (Flask-Reuploaded's): a named kind of upload with its allowed
 * extensions and content types, a size limit and a storage folder; `save()`
 * checks a file and stores it under a secure, unused name.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, open, rm } from 'node:fs/promises'
import { dirname, join, sep } from 'node:path'
import { FileStorage, currentContext, safeJoin, secureFilename, urlFor } from 'phial'
import type { UploadConfiguration } from './config.ts'
import { UploadNotAllowed, UploadTooLarge } from './errors.ts'
import { extension, storedName } from './names.ts'
import { DEFAULTS, extensionSetHas, listed, type ExtensionSet } from './presets.ts'
import { uploadsState } from './state.ts'

/**
 * Options of an {@link UploadSet}.
 *
 * @example
 * ```ts
 * const options: UploadSetOptions = { extensions: IMAGES, mimetypes: ['image/*'], maxSize: 2 * 1024 * 1024 }
 * ```
 */
export interface UploadSetOptions {
  /** Extensions allowed (default {@link DEFAULTS}: text, documents, images, data). */
  extensions?: ExtensionSet
  /** Content types allowed (`'image/png'`, `'image/*'`); default: any. Checked against the type the client sent. */
  mimetypes?: readonly string[]
  /** Largest file in bytes (`UPLOADED_<NAME>_MAX_SIZE` overrides it); default `UPLOADS_MAX_SIZE`. */
  maxSize?: number | null
  /** The folder for an app when `UPLOADED_<NAME>_DEST` is not set. */
  defaultDest?: (app: { config: unknown; instancePath: string; rootPath: string }) => string
}

/**
 * Options of {@link UploadSet.save}.
 *
 * @example
 * ```ts
 * await avatars.save(file, { folder: `user-${id}`, name: 'avatar.' })   // 'user-7/avatar.png'
 * ```
 */
export interface SaveOptions {
  /** A subfolder of the set's folder (each part made secure). */
  folder?: string
  /** The name to store under; ending with `.` appends the file's extension; may include a folder. */
  name?: string
}

/** Most `name_N` names tried before giving up on a free one. */
const MAX_CONFLICTS = 1000

/**
 * A set of uploads stored together (Flask-Reuploaded's `UploadSet`). One set
 * serves many apps: its folder and URL are per app (`configureUploads`).
 *
 * @example
 * ```ts
 * import { UploadSet, IMAGES, configureUploads } from 'phial/uploads'
 *
 * export const photos = new UploadSet('photos', { extensions: IMAGES, maxSize: 5 * 1024 * 1024 })
 * configureUploads(app, photos)
 * app.post('/photos', async function upload() {
 *   const name = await photos.save(request.files.get('photo'))   // 400/413 when refused
 *   return redirect(photos.url(name))
 * })
 * ```
 */
export class UploadSet {
  readonly name: string
  readonly extensions: ExtensionSet
  readonly mimetypes: readonly string[] | null
  readonly options: UploadSetOptions

  constructor(name = 'files', options: UploadSetOptions = {}) {
    if (!/^[A-Za-z0-9]+$/.test(name)) throw new TypeError(`UploadSet name must be alphanumeric (no underscores or dashes), got ${JSON.stringify(name)}.`)
    this.name = name
    this.extensions = options.extensions ?? DEFAULTS
    this.mimetypes = options.mimetypes ? options.mimetypes.map((m) => m.toLowerCase()) : null
    this.options = options
  }

  /**
   * This set's settings in `app` (default: the current app).
   *
   * @throws `Error` when the app has not been set up with `configureUploads(app, set)`.
   * @example
   * ```ts
   * photos.configFor(app).destination
   * ```
   */
  configFor(app: unknown = currentContext().app): UploadConfiguration {
    const config = uploadsState(app)?.configs.get(this.name)
    if (config === undefined) {
      throw new Error(`The upload set '${this.name}' is not configured for this app: call configureUploads(app, ${this.name}) (or new Uploads(app, [${this.name}])).`)
    }
    return config
  }

  /**
   * Whether an extension (lower case, no dot) is allowed: in the config's
   * `ALLOW`, or in the set's extensions and not in `DENY`.
   *
   * @example
   * ```ts
   * photos.extensionAllowed('png') // true
   * ```
   */
  extensionAllowed(ext: string, config: UploadConfiguration = this.configFor()): boolean {
    return config.allow.includes(ext) || (extensionSetHas(this.extensions, ext) && !config.deny.includes(ext))
  }

  /** Whether the client's content type is allowed. */
  mimetypeAllowed(mimetype: string): boolean {
    if (this.mimetypes === null) return true
    const type = mimetype.toLowerCase()
    return this.mimetypes.some((m) => m === type || (m.endsWith('/*') && type.startsWith(m.slice(0, -1))))
  }

  /**
   * Whether a file may be stored under `basename` (its extension and content
   * type). `phial/forms`' `fileAllowed(set)` asks this.
   *
   * @example
   * ```ts
   * new FileField('Photo', { validators: [fileAllowed(photos)] })
   * ```
   */
  fileAllowed(file: FileStorage, basename: string): boolean {
    const config = this.configFor()
    return this.extensionAllowed(extension(storedName(basename)), config) && this.mimetypeAllowed(file.mimetype)
  }

  /**
   * Checks a file without storing it and returns the secure name it would
   * get; throws {@link UploadNotAllowed} (400) or {@link UploadTooLarge} (413)
   * saying why.
   *
   * @example
   * ```ts
   * const basename = photos.check(request.files.get('photo'))
   * ```
   */
  check(file: unknown, config: UploadConfiguration = this.configFor()): string {
    if (!(file instanceof FileStorage) || !file.filename) throw new UploadNotAllowed('No file was uploaded (choose a file first).')
    const basename = storedName(file.filename)
    if (basename === '') throw new UploadNotAllowed(`The file name ${JSON.stringify(file.filename)} cannot be used; rename the file.`)
    const ext = extension(basename)
    if (!this.extensionAllowed(ext, config)) {
      const allowed = listed(this.extensions)
      const what = ext === '' ? 'Files without an extension are' : `Files of type .${ext} are`
      throw new UploadNotAllowed(`${what} not allowed here${allowed ? ` (allowed: ${[...allowed, ...config.allow].join(', ')})` : ''}.`)
    }
    if (!this.mimetypeAllowed(file.mimetype)) {
      throw new UploadNotAllowed(`Content type ${file.mimetype} is not allowed here (allowed: ${this.mimetypes!.join(', ')}).`)
    }
    if (config.maxSize !== null && file.size > config.maxSize) {
      throw new UploadTooLarge(`The file is ${file.size} bytes; the limit is ${config.maxSize} bytes.`)
    }
    return basename
  }

  /**
   * Checks a file ({@link check}) and stores it in the set's folder under its
   * secure name, or `name_1`, `name_2`… when that is taken (never
   * overwriting: the name is reserved with an exclusive create). Returns the
   * stored name relative to the folder (with `/`), for {@link url} and
   * {@link path}. Nothing is written for a refused file.
   *
   * @example
   * ```ts
   * const name = await photos.save(request.files.get('photo'), { folder: 'user-7' })   // 'user-7/beach.jpg'
   * ```
   */
  async save(file: unknown, options: SaveOptions = {}): Promise<string> {
    const config = this.configFor()
    const basename = this.check(file, config)
    let relative = options.name === undefined ? basename : options.name.endsWith('.') ? `${options.name}${extension(basename)}` : options.name
    if (options.folder !== undefined) relative = `${options.folder}/${relative}`
    const parts = relative.split(/[/\\]+/).map((p) => secureFilename(p)).filter((p) => p !== '')
    if (parts.length === 0) parts.push(`${randomUUID()}.${extension(basename) || 'bin'}`)
    const target = safeJoin(config.destination, parts.join('/'))
    if (target === null) throw new UploadNotAllowed('The file name cannot be used.')
    await mkdir(dirname(target), { recursive: true })
    const stored = await reserve(target)
    try {
      await (file as FileStorage).save(stored)
    } catch (err) {
      await rm(stored, { force: true })
      throw err
    }
    return stored.slice(config.destination.length + 1).split(sep).join('/')
  }

  /**
   * The absolute path of a stored file (it may not exist).
   *
   * @example
   * ```ts
   * photos.path('beach.jpg')   // '/srv/app/instance/uploads/photos/beach.jpg'
   * ```
   */
  path(filename: string, folder?: string): string {
    return join(this.configFor().destination, ...(folder === undefined ? [] : [folder]), filename)
  }

  /**
   * The URL of a stored file: the configured base URL + name, or the route
   * `configureUploads` registers (`/_uploads/<set>/<name>`).
   *
   * @example
   * ```ts
   * photos.url('beach.jpg')                       // '/_uploads/photos/beach.jpg'
   * photos.url('beach.jpg', { external: true })   // 'http://localhost/_uploads/photos/beach.jpg'
   * ```
   */
  url(filename: string, options: { external?: boolean } = {}): string {
    const base = this.configFor().baseUrl
    if (base !== null) return base + filename.split('/').map(encodeURIComponent).join('/')
    return urlFor('_uploads.uploadedFile', { setname: this.name, filename, _external: options.external === true })
  }
}

/** Creates `target` exclusively, or the first free `stem_N.ext` next to it; returns the path taken. */
async function reserve(target: string): Promise<string> {
  const dot = target.lastIndexOf('.')
  const hasExt = dot > target.lastIndexOf(sep) + 1
  const stem = hasExt ? target.slice(0, dot) : target
  const ext = hasExt ? target.slice(dot) : ''
  for (let n = 0; n <= MAX_CONFLICTS; n++) {
    const candidate = n === 0 ? target : `${stem}_${n}${ext}`
    try {
      await (await open(candidate, 'wx')).close()
      return candidate
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
  throw new UploadNotAllowed(`Too many files named like ${JSON.stringify(target.slice(target.lastIndexOf(sep) + 1))}; rename the file.`)
}
