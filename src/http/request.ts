/**
 * Phial's Request (Werkzeug's `wrappers.Request`): the sans-IO request
 * (sansio-request.ts) plus the body, read and parsed within the app's limits
 * before `beforeRequest` runs, so that `form`, `files` and `json` are
 * synchronous.
 *
 * @module
 */
import { Readable } from 'node:stream'
import { RequestEntityTooLarge, UnsupportedMediaType } from './exceptions.ts'
import { ImmutableMultiDict, MultiDict } from './multidict.ts'
import { DEFAULT_MAX_JSON_DEPTH, DEFAULT_MAX_JSON_ITEMS, DEFAULT_MAX_JSON_SIZE, limitStream, parseJson, parseUrlencoded, readBody } from './body.ts'
import { parseMultipart } from './multipart.ts'
import type { FileStorage } from './file-storage.ts'
import { SansioRequest } from './sansio-request.ts'

export type { RequestConfig, RequestInit } from './sansio-request.ts'

const EMPTY_ARGS = new ImmutableMultiDict<string>()
const EMPTY_FILES = new ImmutableMultiDict<FileStorage>()
const EMPTY_BUFFER = Buffer.alloc(0)

/**
 * The incoming request. Reach it as the `request` global or as `ctx.request`.
 *
 * @example
 * ```ts
 * app.post('/upload', async () => {
 *   const file = request.files.get('photo')
 *   if (!file?.filename) abort(400, 'No file sent.')
 *   await file.save(`uploads/${secureFilename(file.filename)}`)
 *   return { name: request.form.get('title'), page: request.args.get('page', { type: Number, default: 1 }) }
 * })
 * ```
 */
export class Request extends SansioRequest {
  #data: Buffer | null = null
  #form: ImmutableMultiDict<string> | null = null
  #files: ImmutableMultiDict<FileStorage> | null = null
  #json: { value: unknown } | null = null
  #bodyLoaded = false

  // ------------------------------------------------------------------- body

  /** True when the client sent (or announced) a body. */
  get hasBody(): boolean {
    const h = this.requestInit.headers
    const length = h['content-length']
    if (length !== undefined) return length !== '0'
    return h['transfer-encoding'] !== undefined || this.requestInit.body instanceof Uint8Array
  }

  /** True once the body was read (it is unless the route streams it). */
  get bodyLoaded(): boolean {
    return this.#bodyLoaded
  }

  /**
   * True once the whole body was read into memory: the adapter may keep the
   * connection open though node:http has not flagged the request complete
   * yet (a body read from the buffer before the parser's end, body.ts).
   * @internal
   */
  get bodyReceived(): boolean {
    return this.#data !== null
  }

  /**
   * Reads and parses the body within the app's limits. The app calls it before
   * the `beforeRequest` hooks; routes with `streamBody: true` skip it.
   */
  async loadBody(): Promise<void> {
    if (this.#bodyLoaded) return
    this.#bodyLoaded = true
    const source = this.requestInit.body ?? null
    if (source === null || !this.hasBody) return
    const config = this.requestConfig
    if (this.mimetype === 'multipart/form-data') {
      const parsed = await parseMultipart(source, this.contentType ?? '', {
        maxFormMemorySize: config.MAX_FORM_MEMORY_SIZE,
        maxFormParts: config.MAX_FORM_PARTS,
        maxContentLength: config.MAX_CONTENT_LENGTH,
        declaredLength: this.contentLength,
      })
      this.#form = parsed.form
      this.#files = parsed.files
      this.#data = EMPTY_BUFFER
      this.onCleanup(parsed.cleanup)
      return
    }
    // A body that is parsed in memory has its own, smaller limit (a 14 MiB
    // JSON array of `{}` costs over a GiB once parsed): the smaller one wins.
    let limit = config.MAX_CONTENT_LENGTH
    let limitName = 'MAX_CONTENT_LENGTH'
    const parsedLimit = this.isJson
      ? (config.MAX_JSON_SIZE === undefined ? DEFAULT_MAX_JSON_SIZE : config.MAX_JSON_SIZE)
      : this.mimetype === 'application/x-www-form-urlencoded'
        ? config.MAX_FORM_MEMORY_SIZE
        : null
    if (parsedLimit != null && (limit === null || parsedLimit < limit)) {
      limit = parsedLimit
      limitName = this.isJson ? 'MAX_JSON_SIZE' : 'MAX_FORM_MEMORY_SIZE'
    }
    this.#data = await readBody(source, { limit, limitName, declaredLength: this.contentLength })
  }

  /**
   * Takes a body that is already in memory (and not multipart) as read,
   * synchronously: `app.testRequestContext` uses it so that `form`, `json`
   * and `data` work without dispatching. A multipart body still needs
   * `await request.loadBody()`.
   * @internal
   */
  preloadBody(): void {
    const body = this.requestInit.body
    if (this.#bodyLoaded || !(body instanceof Uint8Array) || this.mimetype === 'multipart/form-data') return
    this.#bodyLoaded = true
    this.#data = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  }

  #cleanups: Array<() => unknown> | null = null

  /** Registers work to do once the response has been sent (temp files). */
  onCleanup(fn: () => unknown): void {
    ;(this.#cleanups ??= []).push(fn)
  }

  /** Runs the registered cleanups. */
  async cleanup(): Promise<void> {
    const fns = this.#cleanups
    if (!fns) return
    this.#cleanups = null
    await Promise.allSettled(fns.map(async (fn) => fn()))
  }

  /** True when cleanups are registered (temp files to remove once the response is sent). */
  get hasCleanups(): boolean {
    return this.#cleanups !== null
  }

  /** The raw body bytes (empty for multipart, whose parts are in `form` and `files`). */
  get data(): Buffer {
    if (!this.#bodyLoaded && this.hasBody) {
      throw new Error(
        'The request body was not read: this route streams it (streamBody: true). Read request.stream instead.',
      )
    }
    return this.#data ?? EMPTY_BUFFER
  }

  /** The body decoded as text (UTF-8 unless the charset says otherwise). */
  getData(options: { asText: true }): string
  getData(options?: { asText?: false }): Buffer
  getData(options: { asText?: boolean } = {}): Buffer | string {
    const data = this.data
    if (!options.asText) return data
    const charset = this.mimetypeParams.charset?.toLowerCase()
    const encoding = charset === 'latin1' || charset === 'iso-8859-1' ? 'latin1' : 'utf8'
    return data.toString(encoding)
  }

  #maxContentLength: number | null | undefined = undefined

  /**
   * Most bytes `request.stream` passes on in a `streamBody: true` route: past
   * it, reading fails with a 413 (and a larger declared `Content-Length` is a
   * 413 as soon as `stream` is read). Default `MAX_CONTENT_LENGTH`; set it in
   * the view (or a `beforeRequest` hook) before reading, `null` for no limit,
   * as Flask 3.1's `request.max_content_length`.
   */
  get maxContentLength(): number | null {
    return this.#maxContentLength === undefined ? (this.requestConfig.MAX_CONTENT_LENGTH ?? null) : this.#maxContentLength
  }

  set maxContentLength(value: number | null) {
    if (value !== null && !(Number.isSafeInteger(value) && value >= 0)) throw new RangeError(`request.maxContentLength must be a byte count or null, got ${String(value)}`)
    this.#maxContentLength = value
  }

  /**
   * The body as a stream. For a route with `streamBody: true` this is the
   * socket's stream, bounded by {@link maxContentLength}; otherwise it
   * replays the bytes already read.
   */
  get stream(): Readable {
    if (!this.#bodyLoaded) {
      const body = this.requestInit.body
      // bounded by maxContentLength: a declared length above it is a 413 here, a longer body while it is read
      const limits = { limit: this.maxContentLength, declaredLength: this.contentLength }
      if (body instanceof Uint8Array) return limitStream(Readable.from([Buffer.from(body)]), limits)
      if (body) {
        const stream = limitStream(body as Readable, limits)
        this.#bodyLoaded = true
        return stream
      }
      return Readable.from([])
    }
    return Readable.from([this.#data ?? EMPTY_BUFFER])
  }

  /** Form fields of an urlencoded or multipart body. */
  get form(): ImmutableMultiDict<string> {
    if (this.#form === null) {
      const data = this.#data
      if (data !== null && data.length > 0 && this.mimetype === 'application/x-www-form-urlencoded') {
        // Werkzeug bounds an urlencoded body by max_form_memory_size as a whole
        const limit = this.requestConfig.MAX_FORM_MEMORY_SIZE
        if (limit != null && data.length > limit) {
          throw new RequestEntityTooLarge(`The form data is larger than the limit of ${limit} bytes (MAX_FORM_MEMORY_SIZE).`)
        }
        this.#form = parseUrlencoded(data, { maxParts: this.requestConfig.MAX_FORM_PARTS })
      } else this.#form = EMPTY_ARGS
    }
    return this.#form
  }

  /** Files of a multipart body, by field name. */
  get files(): ImmutableMultiDict<FileStorage> {
    return this.#files ?? EMPTY_FILES
  }

  /** Query and form values together (form values after query values). */
  get values(): MultiDict<string> {
    const merged = new MultiDict<string>(this.args)
    for (const [k, v] of this.form) merged.add(k, v)
    return merged
  }

  /**
   * The JSON body. A request that is not JSON is a 415 and malformed JSON is a
   * 400, as in Flask; use {@link getJson} for other behaviour.
   */
  get json(): unknown {
    return this.getJson()
  }

  /**
   * The JSON body. `force` ignores the content type; `silent` returns null
   * instead of raising.
   *
   * @example
   * ```ts
   * const body = request.getJson({ silent: true }) ?? {}
   * ```
   */
  getJson(options: { force?: boolean; silent?: boolean } = {}): unknown {
    if (this.#json !== null) return this.#json.value
    if (!options.force && !this.isJson) {
      if (options.silent) return null
      throw new UnsupportedMediaType(
        "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
      )
    }
    try {
      const config = this.requestConfig
      const data = this.data
      const maxSize = config.MAX_JSON_SIZE === undefined ? DEFAULT_MAX_JSON_SIZE : config.MAX_JSON_SIZE
      if (maxSize !== null && data.length > maxSize) {
        // a body read under MAX_CONTENT_LENGTH (not sent as JSON) parsed with force
        throw new RequestEntityTooLarge(`The JSON body is larger than the limit of ${maxSize} bytes (MAX_JSON_SIZE).`)
      }
      const value = parseJson(data, {
        maxDepth: config.MAX_JSON_DEPTH === undefined ? DEFAULT_MAX_JSON_DEPTH : config.MAX_JSON_DEPTH,
        maxItems: config.MAX_JSON_ITEMS === undefined ? DEFAULT_MAX_JSON_ITEMS : config.MAX_JSON_ITEMS,
      })
      this.#json = { value }
      return value
    } catch (err) {
      if (options.silent) return null
      throw err
    }
  }
}
