/**
 * `sendFile`: a file, bytes or a stream as a response, with Flask's options,
 * validators, caching headers, conditional (304) and range (206) answers.
 */
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { Readable } from 'node:stream'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { contextStorage, type Context } from '../core/context.ts'
import { PreconditionFailed, RequestedRangeNotSatisfiable } from '../http/exceptions.ts'
import { FileBody, Response, contentTypeFor } from '../http/response.ts'
import { discardBody } from '../http/response-body.ts'
import { evaluateConditional } from './conditional.ts'
import { contentDisposition } from './content-disposition.ts'
import { bytesEtag, fileEtag, quoteEtag } from './etag.ts'
import { httpDate, parseHttpDate } from './http-date.ts'

const require = createRequire(import.meta.url)
let mimeLookup: ((name: string) => string | false) | null = null

/** mime-types' `lookup`, loaded on the first file sent (its database is ~20 ms of startup). */
function lookup(name: string): string | false {
  mimeLookup ??= (require('mime-types') as typeof import('mime-types')).lookup
  return mimeLookup(name)
}

/**
 * What `sendFile` sends: a path (relative to the app's root folder) or
 * `file:` URL, bytes already in memory, or a stream (size unknown, so no
 * ranges and no automatic validators).
 *
 * @example
 * ```ts
 * const sources: SendFileSource[] = ['static/logo.png', new URL('./a.txt', import.meta.url), Buffer.from('hi'), createReadStream('x.log')]
 * ```
 */
export type SendFileSource = string | URL | Uint8Array | Readable | ReadableStream<Uint8Array>

/**
 * `Cache-Control` max-age in seconds; `null` sends `no-cache`. A function
 * gets the file path (null for bytes or streams).
 *
 * @example
 * ```ts
 * const maxAge: MaxAge = (path) => (path?.includes('/immutable/') ? 31536000 : null)
 * ```
 */
export type MaxAge = number | null | ((path: string | null) => number | null)

/**
 * Options of {@link sendFile} (Flask's `send_file` keyword arguments).
 *
 * @example
 * ```ts
 * const options: SendFileOptions = { asAttachment: true, downloadName: 'Rapport été.pdf', maxAge: 0, etag: 'v3' }
 * ```
 */
export interface SendFileOptions {
  /** The mimetype; guessed from `downloadName` or the file name when omitted. */
  mimetype?: string
  /** `Content-Disposition: attachment` (a download) instead of `inline`. Needs a name. */
  asAttachment?: boolean
  /** The file name the browser sees (default: the path's base name). */
  downloadName?: string
  /** Answer conditional and range requests (304, 206, 412, 416). Default true. */
  conditional?: boolean
  /** `true` computes one (files: mtime-size-path hash; bytes: content hash), a string is used as is, `false` sends none. Default true. */
  etag?: boolean | string
  /** Overrides the `Last-Modified` time (a `Date`, milliseconds since the epoch, or an HTTP date); files default to their mtime. */
  lastModified?: Date | number | string | null
  /** Seconds browsers may cache; default `config.SEND_FILE_MAX_AGE_DEFAULT`. */
  maxAge?: MaxAge
}

function resolveSource(source: string | URL, ctx: Context | undefined): string {
  if (source instanceof URL) return fileURLToPath(source)
  if (source.startsWith('file:')) return fileURLToPath(source)
  return resolve(ctx?.app.rootPath ?? process.cwd(), source)
}

function toMillis(value: Date | number | string): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string') return parseHttpDate(value) ?? (Number.isNaN(Date.parse(value)) ? null : Date.parse(value))
  const ms = value.getTime()
  return Number.isNaN(ms) ? null : ms
}

function cacheControl(response: Response, maxAge: number | null): void {
  if (maxAge === null) {
    response.headers.set('cache-control', 'no-cache')
    return
  }
  const seconds = Math.max(0, Math.floor(maxAge))
  response.headers.set('cache-control', seconds > 0 ? `public, max-age=${seconds}` : 'no-cache, max-age=0')
  response.headers.set('expires', httpDate(Date.now() + seconds * 1000))
}

function notModified(response: Response): Response {
  response.status = 304
  response.body = null
  for (const name of ['content-type', 'content-length', 'content-disposition', 'accept-ranges']) response.headers.delete(name)
  return response
}

/**
 * Sends a file (Flask's `send_file`). A path is resolved against the app's
 * root folder (`currentApp.rootPath`; the working directory outside any
 * context). Files are streamed from disk by the server adapter, never read
 * into memory.
 *
 * Headers: `Content-Type` (guessed from the name unless `mimetype`),
 * `Content-Length` (when the size is known), `Content-Disposition` (`inline`
 * or `attachment`, with `filename*=UTF-8''…` for non-ASCII names),
 * `Last-Modified`, `ETag`, `Cache-Control` (`no-cache`, or `public,
 * max-age=N` plus `Expires`), and `Accept-Ranges: bytes` when ranges are
 * answered.
 *
 * Inside a GET or HEAD request and with `conditional` (the default):
 * `If-None-Match` / `If-Modified-Since` give 304 without a body,
 * `If-Match` / `If-Unmodified-Since` failing give 412, a single
 * `Range: bytes=…` gives 206 with `Content-Range` (several ranges give the
 * whole file with 200), an unsatisfiable range raises 416 with
 * `Content-Range: bytes *\/<size>`, and `If-Range` is honoured.
 *
 * A missing path rejects with the file system error (a 500, as in Flask):
 * use {@link sendFromDirectory} for user-supplied names.
 *
 * @example
 * ```ts
 * app.get('/report', () => sendFile('reports/latest.pdf', { asAttachment: true, downloadName: 'Bericht März.pdf' }))
 * app.get('/avatar.png', () => sendFile(pngBytes, { mimetype: 'image/png', maxAge: 3600 }))
 * app.get('/export.csv', () => sendFile(Readable.from(rows()), { downloadName: 'export.csv', asAttachment: true }))
 * ```
 */
export async function sendFile(source: SendFileSource, options: SendFileOptions = {}): Promise<Response> {
  const ctx = contextStorage.getStore()
  if (typeof source === 'string' || source instanceof URL) {
    const path = resolveSource(source, ctx)
    const info = await stat(path)
    if (!info.isFile()) throw new Error(`sendFile: '${path}' is not a file.`)
    return fileResponse(ctx, path, info.size, info.mtimeMs, null, null, options)
  }
  if (source instanceof Uint8Array) return fileResponse(ctx, null, source.byteLength, null, source, null, options)
  return fileResponse(ctx, null, null, null, null, source, options)
}

/**
 * {@link sendFile} for an absolute path already known to be a file, with
 * its size and mtime (sendFromDirectory's `stat`): the same response without
 * a second `stat` of the file.
 */
export function sendStatedFile(path: string, info: { size: number; mtimeMs: number }, options: SendFileOptions = {}): Response {
  return fileResponse(contextStorage.getStore(), path, info.size, info.mtimeMs, null, null, options)
}

function fileResponse(
  ctx: Context | undefined,
  path: string | null,
  size: number | null,
  mtimeMs: number | null,
  bytes: Uint8Array | null,
  stream: Readable | ReadableStream<Uint8Array> | null,
  options: SendFileOptions,
): Response {
  const name = options.downloadName ?? (path !== null ? basename(path) : null)
  let mimetype = options.mimetype
  if (!mimetype) {
    if (name === null) {
      throw new TypeError(
        'sendFile: unable to detect the MIME type because no file name is available. ' +
          "Set 'downloadName', pass a path instead of bytes or a stream, or set 'mimetype'.",
      )
    }
    mimetype = lookup(name) || 'application/octet-stream'
  }
  const response = new Response(null, { contentType: contentTypeFor(mimetype) })
  if (name !== null) response.headers.set('content-disposition', contentDisposition(name, options.asAttachment === true))
  else if (options.asAttachment) throw new TypeError("sendFile: no name for the attachment: set 'downloadName'.")

  const modifiedMs = options.lastModified != null ? toMillis(options.lastModified) : options.lastModified === null ? null : mtimeMs
  const lastModified = modifiedMs === null ? null : Math.floor(modifiedMs / 1000)
  if (lastModified !== null) response.headers.set('last-modified', httpDate(lastModified * 1000))

  const etagOption = options.etag ?? true
  let etag: string | null = null
  if (typeof etagOption === 'string') etag = quoteEtag(etagOption)
  else if (etagOption && path !== null) etag = fileEtag(path, mtimeMs!, size!)
  else if (etagOption && bytes !== null) etag = bytesEtag(bytes)
  if (etag !== null) response.headers.set('etag', etag)

  let maxAge = options.maxAge === undefined ? defaultMaxAge(ctx) : options.maxAge
  if (typeof maxAge === 'function') maxAge = maxAge(path)
  cacheControl(response, maxAge ?? null)

  const conditional = options.conditional ?? true
  let start = 0
  let end = size === null ? -1 : size - 1
  if (conditional && size !== null) response.headers.set('accept-ranges', 'bytes')
  if (conditional && ctx?.hasRequest) {
    const outcome = evaluateConditional(ctx.request, { etag, lastModified, size })
    switch (outcome.kind) {
      case 'not-modified':
        if (stream !== null) discardBody(stream)
        return notModified(response)
      case 'precondition-failed':
        if (stream !== null) discardBody(stream)
        throw new PreconditionFailed()
      case 'unsatisfiable':
        throw new RequestedRangeNotSatisfiable(undefined, { length: size })
      case 'partial':
        start = outcome.range.start
        end = outcome.range.end
        response.status = 206
        response.headers.set('content-range', `bytes ${start}-${end}/${size}`)
        break
      case 'full':
        break
    }
  }

  if (size !== null) response.headers.set('content-length', end - start + 1)
  if (path !== null) response.body = size === 0 ? Buffer.alloc(0) : new FileBody(path, start, end)
  else if (bytes !== null) response.body = start === 0 && end === size! - 1 ? bytes : bytes.subarray(start, end + 1)
  else response.body = stream
  return response
}

function defaultMaxAge(ctx: Context | undefined): number | null {
  const value = ctx?.app.config.SEND_FILE_MAX_AGE_DEFAULT
  return typeof value === 'number' ? value : null
}

