/**
 * `multipart/form-data` parsing with busboy, bounded by Werkzeug's limits:
 * fields in memory (each at most `maxFormMemorySize`), small files in memory,
 * large files spooled to temporary files that `cleanup()` removes.
 */
import { createWriteStream, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import type { Readable } from 'node:stream'
import { createRequire } from 'node:module'
import type busboyModule from 'busboy'
import { parseContentType } from './body.ts'
import { BadRequest, ClientDisconnected, HTTPException, RequestEntityTooLarge } from './exceptions.ts'
import { FileStorage } from './file-storage.ts'
import { ImmutableMultiDict } from './multidict.ts'
import { removeSpooled, spoolPath } from './spool.ts'

const require = createRequire(import.meta.url)
let busboyFactory: typeof busboyModule | null = null

/** busboy, loaded on the first multipart body (not at import: startup). */
function loadBusboy(): typeof busboyModule {
  return (busboyFactory ??= require('busboy') as typeof busboyModule)
}

/**
 * Limits of {@link parseMultipart} (the app passes its config).
 *
 * @example
 * ```ts
 * const options: MultipartOptions = { maxFormMemorySize: 500_000, maxFormParts: 1000, maxContentLength: 16 << 20 }
 * ```
 */
export interface MultipartOptions {
  /** Most bytes of one non-file field (`MAX_FORM_MEMORY_SIZE`, default 500 000); more is a 413. Null: no limit. */
  maxFormMemorySize?: number | null
  /** Most parts, fields and files together (`MAX_FORM_PARTS`, default 1000); more is a 413. Null: no limit. */
  maxFormParts?: number | null
  /** Most bytes of the whole body (`MAX_CONTENT_LENGTH`); more is a 413. Null: no limit. */
  maxContentLength?: number | null
  /** The `Content-Length` the client announced: above `maxContentLength` it is a 413 at once, before reading. */
  declaredLength?: number | null
  /** Files larger than this many bytes go to a temporary file (default 512 KiB). */
  spoolThreshold?: number
  /** Where temporary files go (default `os.tmpdir()`). */
  tmpDir?: string
}

/**
 * What {@link parseMultipart} gives.
 *
 * @example
 * ```ts
 * const result: MultipartResult = await parseMultipart(req, contentType)
 * request.onCleanup(result.cleanup)
 * ```
 */
export interface MultipartResult {
  form: ImmutableMultiDict<string>
  files: ImmutableMultiDict<FileStorage>
  /** Removes the temporary files; call it once the request is over. Safe to call twice. */
  cleanup(): Promise<void>
}

/**
 * Werkzeug's `MAX_FORM_MEMORY_SIZE` default, used when the option is left out.
 *
 * @example
 * ```ts
 * app.config.setDefault('MAX_FORM_MEMORY_SIZE', DEFAULT_MAX_FORM_MEMORY_SIZE)
 * ```
 */
export const DEFAULT_MAX_FORM_MEMORY_SIZE = 500_000
/**
 * Werkzeug's `MAX_FORM_PARTS` default, used when the option is left out.
 *
 * @example
 * ```ts
 * app.config.setDefault('MAX_FORM_PARTS', DEFAULT_MAX_FORM_PARTS)
 * ```
 */
export const DEFAULT_MAX_FORM_PARTS = 1000
/**
 * Uploaded files larger than this (512 KiB) are spooled to a temporary file.
 *
 * @example
 * ```ts
 * parseMultipart(req, ct, { spoolThreshold: DEFAULT_SPOOL_THRESHOLD * 4 })
 * ```
 */
export const DEFAULT_SPOOL_THRESHOLD = 512 * 1024

const NO_CLEANUP = (): Promise<void> => Promise.resolve()

const removeFiles = removeSpooled

function badRequest(err: unknown): HTTPException {
  if (err instanceof HTTPException) return err
  const message = err instanceof Error ? err.message : String(err)
  return new BadRequest(`Malformed multipart/form-data body: ${message}.`, { cause: err })
}

function bodyTooLarge(limit: number): RequestEntityTooLarge {
  return new RequestEntityTooLarge(`The request body is larger than the limit of ${limit} bytes (MAX_CONTENT_LENGTH).`)
}

function fieldTooLarge(limit: number): RequestEntityTooLarge {
  return new RequestEntityTooLarge(`A form field is larger than the limit of ${limit} bytes (MAX_FORM_MEMORY_SIZE).`)
}

type NodeReadable = NodeJS.ReadableStream & {
  destroyed?: boolean
  readableEnded?: boolean
  removeListener(event: string, fn: (...args: never[]) => void): unknown
}

/**
 * Parses a `multipart/form-data` body.
 *
 * - A missing or bad boundary, a truncated body or malformed part headers are
 *   a {@link BadRequest} saying what is wrong; a client that goes away is a
 *   {@link ClientDisconnected}. Every failure settles the promise (it never
 *   hangs) and removes the temporary files already written.
 * - More than `maxFormParts` parts, a field larger than `maxFormMemorySize`
 *   or a body larger than `maxContentLength` is a {@link RequestEntityTooLarge}.
 * - As in Werkzeug, a part with a `filename` parameter is a file (an empty
 *   file input gives a FileStorage with `filename === ''`); any other part is
 *   a text field.
 *
 * @example
 * ```ts
 * const { form, files, cleanup } = await parseMultipart(req, req.headers['content-type']!, { maxFormParts: 100 })
 * try {
 *   await files.get('photo')?.save('/srv/photo.png')
 * } finally {
 *   await cleanup()
 * }
 * ```
 */
export function parseMultipart(
  source: NodeJS.ReadableStream | Uint8Array,
  contentType: string,
  options: MultipartOptions = {},
): Promise<MultipartResult> {
  const maxField = options.maxFormMemorySize === undefined ? DEFAULT_MAX_FORM_MEMORY_SIZE : options.maxFormMemorySize
  const maxParts = options.maxFormParts === undefined ? DEFAULT_MAX_FORM_PARTS : options.maxFormParts
  const maxLength = options.maxContentLength ?? null
  const threshold = options.spoolThreshold ?? DEFAULT_SPOOL_THRESHOLD
  const dir = options.tmpDir ?? tmpdir()

  const declared = options.declaredLength ?? null
  if (maxLength !== null && ((source instanceof Uint8Array && source.byteLength > maxLength) || (declared !== null && declared > maxLength))) {
    return Promise.reject(bodyTooLarge(maxLength))
  }
  // busboy takes `boundary=` as the empty boundary and then reads any body as an empty form
  if (parseContentType(contentType).params.boundary === '') {
    return Promise.reject(new BadRequest('Cannot parse multipart/form-data: the boundary parameter is empty.'))
  }

  let bb: busboyModule.Busboy
  try {
    bb = loadBusboy()({
      headers: { 'content-type': contentType },
      // busboy counts the closing boundary and flags a field of exactly the
      // limit as truncated: +1 gives Werkzeug's "more than the limit".
      limits: {
        parts: maxParts === null ? Infinity : maxParts + 1,
        fieldSize: maxField === null ? Infinity : maxField + 1,
      },
      preservePath: true,
      defParamCharset: 'utf8',
    })
  } catch (err) {
    const message = (err as Error).message
    const reason = /boundary/i.test(message)
      ? 'the Content-Type has no boundary parameter'
      : /unsupported/i.test(message)
        ? 'the Content-Type is not multipart/form-data'
        : 'the Content-Type header is malformed'
    return Promise.reject(new BadRequest(`Cannot parse multipart/form-data: ${reason}.`, { cause: err }))
  }

  return new Promise<MultipartResult>((resolve, reject) => {
    const fields: Array<[string, string]> = []
    const files: Array<[string, FileStorage]> = []
    const tempPaths: string[] = []
    const writers = new Set<WriteStream>()
    let pendingFiles = 0
    let parserDone = false
    let settled = false
    const stream = source instanceof Uint8Array ? null : (source as NodeReadable)

    const detachSource = (): void => {
      if (stream === null) return
      stream.removeListener('data', onSourceData)
      stream.removeListener('end', onSourceEnd)
      stream.removeListener('error', onSourceError)
      stream.removeListener('aborted', onSourceAborted)
      stream.removeListener('close', onSourceClose)
    }

    const fail = (err: HTTPException | Error): void => {
      if (settled) return
      settled = true
      detachSource()
      if (stream !== null && !stream.readableEnded) {
        stream.pause()
        stream.on('error', noop)
      }
      bb.destroy() // its late events reach handlers that ignore them once settled
      // Close the writers first so that no file is (re)created after it is removed.
      const closing = [...writers].map(
        (ws) =>
          new Promise<void>((done) => {
            if (ws.closed) return done()
            ws.once('close', () => done())
            ws.destroy()
          }),
      )
      void Promise.allSettled(closing)
        .then(() => removeFiles(tempPaths))
        .then(() => reject(err))
    }

    const maybeDone = (): void => {
      if (settled || !parserDone || pendingFiles > 0) return
      settled = true
      detachSource()
      const paths = tempPaths.slice()
      let cleaned = false
      resolve({
        form: new ImmutableMultiDict(fields),
        files: new ImmutableMultiDict(files),
        cleanup:
          paths.length === 0
            ? NO_CLEANUP
            : () => {
                if (cleaned) return Promise.resolve()
                cleaned = true
                return removeFiles(paths)
              },
      })
    }

    bb.on('field', (name, value, info) => {
      if (info.valueTruncated && maxField !== null) return fail(fieldTooLarge(maxField))
      fields.push([name ?? '', value])
    })

    bb.on('file', (name, file: Readable, info) => {
      const filename = info.filename
      // busboy also treats an application/octet-stream part without a filename
      // as a file, and cannot tell `filename=""` from no filename.
      const noFilename = filename === undefined
      pendingFiles++
      const chunks: Buffer[] = []
      let size = 0
      let ws: WriteStream | null = null
      let path: string | null = null

      const onWriterError = (err: Error): void => fail(err)

      file.on('data', (chunk: Buffer) => {
        if (settled) return
        size += chunk.length
        if (ws !== null) {
          if (!ws.write(chunk)) {
            file.pause()
            ws.once('drain', () => file.resume())
          }
          return
        }
        if (noFilename && maxField !== null && size > maxField) {
          // Werkzeug: a part without a filename is a field, bounded in memory.
          return fail(fieldTooLarge(maxField))
        }
        chunks.push(chunk)
        if (!noFilename && size > threshold) {
          path = spoolPath(dir)
          tempPaths.push(path)
          ws = createWriteStream(path, { flags: 'wx', mode: 0o600 })
          writers.add(ws)
          ws.on('error', onWriterError)
          for (const c of chunks) ws.write(c)
          chunks.length = 0
        }
      })
      file.on('error', () => {
        /* busboy reports the cause on the parser too ('Unexpected end of form') */
      })
      file.on('end', () => {
        if (settled) return
        const done = (storage: FileStorage | null, field?: string): void => {
          if (field !== undefined) fields.push([name ?? '', field])
          else if (storage !== null) files.push([name ?? '', storage])
          pendingFiles--
          maybeDone()
        }
        if (ws !== null) {
          const writer = ws
          const spoolPath = path as string
          writer.end(() => {
            writers.delete(writer)
            if (settled) return
            done(new FileStorage({ name: name ?? '', filename: filename ?? '', contentType: info.mimeType, path: spoolPath, size }))
          })
          return
        }
        const data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)
        if (noFilename && size > 0) {
          // An application/octet-stream part without a filename: a field for Werkzeug.
          done(null, data.toString('utf8'))
          return
        }
        done(new FileStorage({ name: name ?? '', filename: filename ?? '', contentType: info.mimeType, data }))
      })
    })

    bb.on('partsLimit', () =>
      fail(new RequestEntityTooLarge(`The form has too many fields: more than the limit of ${maxParts} parts (MAX_FORM_PARTS).`)),
    )
    bb.on('filesLimit', () => fail(new RequestEntityTooLarge('The form has too many files.')))
    bb.on('fieldsLimit', () => fail(new RequestEntityTooLarge('The form has too many fields.')))
    bb.on('error', (err: unknown) => fail(badRequest(err)))
    bb.on('close', () => {
      parserDone = true
      maybeDone()
    })

    // ---------------------------------------------------------- feed busboy
    let received = 0
    function onSourceData(chunk: Buffer | string): void {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      received += buf.length
      if (maxLength !== null && received > maxLength) {
        fail(bodyTooLarge(maxLength))
        return
      }
      if (!bb.write(buf)) {
        ;(stream as NodeReadable).pause()
        bb.once('drain', () => {
          if (!settled) (stream as NodeReadable).resume()
        })
      }
    }
    function onSourceEnd(): void {
      detachSource()
      bb.end()
    }
    function onSourceError(err: unknown): void {
      fail(err instanceof HTTPException ? err : new ClientDisconnected('The client disconnected while sending the form.', { cause: err }))
    }
    function onSourceAborted(): void {
      fail(new ClientDisconnected('The client disconnected while sending the form.'))
    }
    function onSourceClose(): void {
      fail(new ClientDisconnected('The client disconnected while sending the form.'))
    }

    if (stream === null) {
      bb.end(source as Uint8Array)
      return
    }
    if (stream.readableEnded) {
      bb.end()
      return
    }
    if (stream.destroyed) return fail(new ClientDisconnected('The client disconnected while sending the form.'))
    stream.on('data', onSourceData)
    stream.on('end', onSourceEnd)
    stream.on('error', onSourceError)
    stream.on('aborted', onSourceAborted)
    stream.on('close', onSourceClose)
    stream.resume()
  })
}

function noop(): void {}
