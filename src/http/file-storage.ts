/**
 * Werkzeug's FileStorage: one uploaded file of a multipart body, held in
 * memory when small or in a temporary file when large.
 */
import { createReadStream } from 'node:fs'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { Readable, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parseContentType } from './body.ts'

/**
 * What a {@link FileStorage} is made of. Give `data` (in memory) or `path`
 * (on disk).
 *
 * @example
 * ```ts
 * new FileStorage({ name: 'doc', filename: 'a.txt', contentType: 'text/plain', data: 'hello' })
 * ```
 */
export interface FileStorageInit {
  /** The form field name. */
  name?: string
  /** The file name the client sent (may be `''` for an empty file input, or null). */
  filename?: string | null
  /** The part's `Content-Type`; defaults to `application/octet-stream`. */
  contentType?: string | null
  /** Other part headers, lower-case names. */
  headers?: Record<string, string>
  /** The content, when in memory. */
  data?: Uint8Array | string
  /** The file holding the content, when spooled to disk. */
  path?: string
  /** The size in bytes (required with `path`). */
  size?: number
}

const EMPTY = Buffer.alloc(0)

/**
 * An uploaded file (`request.files.get('photo')`).
 *
 * The `filename` is what the client sent: pass it through `secureFilename`
 * before using it in a path. A spooled file lives until the request ends;
 * call {@link save} (or read it) inside the request.
 *
 * @example
 * ```ts
 * const photo = request.files.get('photo')
 * if (!photo || photo.filename === '') abort(400, 'No file selected.')
 * if (photo.mimetype !== 'image/png') abort(415)
 * await photo.save(path.join(UPLOADS, secureFilename(photo.filename!)))
 * ```
 */
export class FileStorage {
  /** The form field name. */
  readonly name: string
  /** The file name as sent; `''` for an empty file input; null when there was none. */
  readonly filename: string | null
  /** The full `Content-Type` of the part. */
  readonly contentType: string
  /** The part headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>
  /** The size of the content in bytes. */
  readonly size: number
  /** The temporary file holding the content, or null when it is in memory. */
  readonly path: string | null
  readonly #data: Buffer | null
  #parsedType: { mimetype: string; params: Record<string, string> } | null = null

  constructor(init: FileStorageInit = {}) {
    this.name = init.name ?? ''
    this.filename = init.filename ?? null
    this.contentType = init.contentType || 'application/octet-stream'
    const headers = Object.create(null) as Record<string, string>
    if (init.headers) for (const key of Object.keys(init.headers)) headers[key.toLowerCase()] = init.headers[key]
    headers['content-type'] ??= this.contentType
    this.headers = headers
    if (init.path !== undefined) {
      this.path = init.path
      this.#data = null
      this.size = init.size ?? 0
    } else {
      const data = init.data
      this.#data =
        data === undefined ? EMPTY : typeof data === 'string' ? Buffer.from(data) : Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      this.path = null
      this.size = this.#data.length
    }
  }

  /** The mimetype without parameters, lower-case (`image/png`). */
  get mimetype(): string {
    return (this.#parsedType ??= parseContentType(this.contentType)).mimetype
  }

  /** The parameters of the content type (`{ charset: 'utf-8' }`). */
  get mimetypeParams(): Record<string, string> {
    return (this.#parsedType ??= parseContentType(this.contentType)).params
  }

  /** Werkzeug's `content_length`: same as {@link size}. */
  get contentLength(): number {
    return this.size
  }

  /** True when the content is in a temporary file rather than in memory. */
  get spooled(): boolean {
    return this.path !== null
  }

  /**
   * Writes the content to a file path (copied from the temp file, or written
   * from memory), or pipes it into a writable stream.
   *
   * @example
   * ```ts
   * await file.save('/srv/uploads/avatar-42.png')
   * ```
   */
  async save(dest: string | Writable): Promise<void> {
    if (typeof dest === 'string') {
      if (this.path !== null) await copyFile(this.path, dest)
      else await writeFile(dest, this.#data as Buffer)
      return
    }
    await pipeline(this.stream(), dest)
  }

  /**
   * A readable stream of the content.
   *
   * @example
   * ```ts
   * await pipeline(file.stream(), createGzip(), createWriteStream('out.gz'))
   * ```
   */
  stream(): Readable {
    if (this.path !== null) return createReadStream(this.path)
    return Readable.from([this.#data as Buffer])
  }

  /**
   * The whole content as a Buffer.
   *
   * @example
   * ```ts
   * const bytes = await file.read()
   * ```
   */
  async read(): Promise<Buffer> {
    if (this.path !== null) return readFile(this.path)
    return this.#data as Buffer
  }

  /**
   * Same as {@link read} (the WHATWG name).
   *
   * @example
   * ```ts
   * const bytes = await file.bytes()
   * ```
   */
  bytes(): Promise<Buffer> {
    return this.read()
  }

  /**
   * The content decoded as text (UTF-8 by default).
   *
   * @example
   * ```ts
   * const csv = await file.text()
   * ```
   */
  async text(encoding: BufferEncoding = 'utf8'): Promise<string> {
    return (await this.read()).toString(encoding)
  }

  /** A short description for logs: `FileStorage('a.png', 'image/png', 1234 bytes)`. */
  toString(): string {
    return `FileStorage(${JSON.stringify(this.filename)}, ${JSON.stringify(this.contentType)}, ${this.size} bytes)`
  }

  /** The JSON form: name, filename, content type and size (never the content). */
  toJSON(): { name: string; filename: string | null; contentType: string; size: number } {
    return { name: this.name, filename: this.filename, contentType: this.contentType, size: this.size }
  }
}
