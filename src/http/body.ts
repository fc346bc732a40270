/**
 * Reading a request body within a size limit, and parsing the simple body
 * types: JSON, `application/x-www-form-urlencoded`, and the `Content-Type`
 * header itself. Multipart lives in `multipart.ts`.
 */
import { BadRequest, ClientDisconnected, HTTPException, RequestEntityTooLarge } from './exceptions.ts'
import { ImmutableMultiDict } from './multidict.ts'
import { isAscii } from 'node:buffer'
import { Readable } from 'node:stream'
import { DEPTH_EXCEEDED, ITEMS_EXCEEDED, scanJson, scanJsonText } from './json-shape.ts'

/**
 * Options of {@link readBody}.
 *
 * @example
 * ```ts
 * const options: ReadBodyOptions = { limit: app.config.MAX_CONTENT_LENGTH, declaredLength: request.contentLength }
 * ```
 */
export interface ReadBodyOptions {
  /** Most bytes to accept (`MAX_CONTENT_LENGTH`); null for no limit. */
  limit: number | null
  /** The `Content-Length` the client announced, checked before reading. */
  declaredLength?: number | null
  /** The config key the limit comes from, named in the 413 (`'MAX_JSON_SIZE'`); default `'MAX_CONTENT_LENGTH'`. */
  limitName?: string
}

const EMPTY = Buffer.alloc(0)

function tooLarge(limit: number, name = 'MAX_CONTENT_LENGTH'): RequestEntityTooLarge {
  return new RequestEntityTooLarge(`The request body is larger than the limit of ${limit} bytes (${name}).`)
}

function disconnected(cause?: unknown): ClientDisconnected {
  return new ClientDisconnected('The client disconnected while sending the request body.', { cause })
}

function noop(): void {}

type NodeReadable = NodeJS.ReadableStream & {
  destroyed?: boolean
  readableEnded?: boolean
  removeListener(event: string, fn: (...args: never[]) => void): unknown
}

function isNodeStream(source: unknown): source is NodeReadable {
  return typeof (source as { on?: unknown }).on === 'function' && typeof (source as { pause?: unknown }).pause === 'function'
}

/**
 * Reads a whole body into one Buffer, refusing more than `limit` bytes.
 *
 * - `declaredLength > limit` is a 413 at once, without reading.
 * - Past `limit` while reading, it is a 413 as soon as the limit is crossed:
 *   the stream is paused and left (not destroyed, so the 413 can still be
 *   written on the same connection), and nothing past the limit is kept.
 * - A client that aborts, a stream error or a stream closed before its end is
 *   a {@link ClientDisconnected} (an HTTPException thrown by the stream itself
 *   passes through); it never hangs.
 *
 * @example
 * ```ts
 * const body = await readBody(req, { limit: 16 * 1024 * 1024, declaredLength: Number(req.headers['content-length']) })
 * ```
 */
export function readBody(
  source: NodeJS.ReadableStream | AsyncIterable<Uint8Array> | Uint8Array | null | undefined,
  options: ReadBodyOptions,
): Promise<Buffer> {
  const limit = options.limit ?? null
  const declared = options.declaredLength ?? null
  const name = options.limitName
  if (limit !== null && declared !== null && declared > limit) return Promise.reject(tooLarge(limit, name))
  if (source == null) return Promise.resolve(EMPTY)
  if (source instanceof Uint8Array) {
    if (limit !== null && source.byteLength > limit) return Promise.reject(tooLarge(limit, name))
    return Promise.resolve(Buffer.isBuffer(source) ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength))
  }
  if (isNodeStream(source)) return readNodeStream(source, limit, declared, name)
  return readIterable(source as AsyncIterable<Uint8Array>, limit, name)
}

function readNodeStream(stream: NodeReadable, limit: number | null, declared: number | null, name: string | undefined): Promise<Buffer> {
  if (stream.readableEnded) return Promise.resolve(EMPTY)
  if (stream.destroyed) return Promise.reject(disconnected())
  if (typeof (stream as IncomingLike).complete !== 'boolean') return readFlowing(stream, limit, name)
  const now = readArrived(stream as IncomingLike, limit, declared)
  if (now !== null) return Promise.resolve(now)
  // node:http calls the app from its parser, before the parser has the body that came in the same
  // packet as the headers; it has it by the first microtask
  return new Promise<Buffer>((resolve, reject) => {
    // one promise, as the flowing read alone makes (test/dispatch/body-promises.test.ts)
    queueMicrotask(() => {
      try {
        resolve(readArrived(stream as IncomingLike, limit, declared) ?? readFlowing(stream, limit, name))
      } catch (err) {
        reject(err)
      }
    })
  })
}

/** node:http's IncomingMessage: `complete` once the parser is through the body (in the stream's buffer until read). */
type IncomingLike = NodeReadable & {
  complete: boolean
  readableFlowing: boolean | null
  readableLength: number
  readableEncoding: string | null
  readableObjectMode: boolean
}

/**
 * A request body that has fully arrived, taken from the stream's buffer at
 * once: no listeners, no `'data'` and no `'end'` to wait for (issue 14: a
 * small POST comes with its headers). Null when it must be read as it flows
 * instead: not all there yet, already consumed or paused by someone else,
 * decoded to text, or over `limit` (the flowing read gives the 413 as before).
 */
function readArrived(stream: IncomingLike, limit: number | null, declared: number | null): Buffer | null {
  if (stream.destroyed || stream.readableFlowing !== null || stream.readableEncoding !== null || stream.readableObjectMode) return null
  const length = stream.readableLength
  if (limit !== null && length > limit) return null
  // All there: its Content-Length bytes (the parser stops a body at its Content-Length; on a TCP
  // socket the parser's end comes after this microtask), or, without one, the parser's end is in
  if (declared !== null ? length === 0 || length !== declared : !stream.complete) return null
  const body = (stream.read() as Buffer | null) ?? EMPTY // bytes: no encoding was set
  stream.resume() // so that the end still emits 'end' (and 'close'), as after a flowing read
  return body
}

/** The body as it comes, chunk by chunk, with the limit checked at each one (see {@link readBody}). */
function readFlowing(stream: NodeReadable, limit: number | null, name: string | undefined): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    if (stream.readableEnded) return resolve(EMPTY)
    if (stream.destroyed) return reject(disconnected())
    const chunks: Buffer[] = []
    let total = 0

    const cleanup = (): void => {
      stream.removeListener('data', onData)
      stream.removeListener('end', onEnd)
      stream.removeListener('error', onError)
      stream.removeListener('aborted', onAborted)
      stream.removeListener('close', onClose)
    }
    const fail = (err: unknown): void => {
      cleanup()
      // A late error on an unfinished stream must not become an uncaught exception.
      stream.on('error', noop)
      reject(err)
    }
    function onData(chunk: Buffer | string): void {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      total += buf.length
      if (limit !== null && total > limit) {
        stream.pause()
        chunks.length = 0
        fail(tooLarge(limit, name))
        return
      }
      chunks.push(buf)
    }
    function onEnd(): void {
      cleanup()
      resolve(chunks.length === 1 ? chunks[0] : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, total))
    }
    function onError(err: unknown): void {
      fail(err instanceof HTTPException ? err : disconnected(err))
    }
    function onAborted(): void {
      fail(disconnected())
    }
    function onClose(): void {
      // 'close' before 'end': the stream was destroyed (premature close).
      fail(disconnected())
    }

    stream.on('data', onData)
    stream.on('end', onEnd)
    stream.on('error', onError)
    stream.on('aborted', onAborted)
    stream.on('close', onClose)
    // 'data' does not restart a stream that someone paused explicitly.
    stream.resume()
  })
}

async function readIterable(source: AsyncIterable<Uint8Array>, limit: number | null, name: string | undefined): Promise<Buffer> {
  const chunks: Buffer[] = []
  let total = 0
  try {
    for await (const chunk of source) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
      total += buf.length
      if (limit !== null && total > limit) {
        chunks.length = 0
        throw tooLarge(limit, name) // leaving the loop calls the iterator's return(): no more is read
      }
      chunks.push(buf)
    }
  } catch (err) {
    throw err instanceof HTTPException ? err : disconnected(err)
  }
  return chunks.length === 1 ? chunks[0] : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, total)
}

/**
 * A request body stream that ends in a {@link RequestEntityTooLarge} once more
 * than `limit` bytes came through (Werkzeug's `LimitedStream` under
 * `max_content_length`): what a `streamBody: true` route reads as
 * `request.stream`.
 *
 * - `declaredLength > limit` throws the 413 at once, before anything is read.
 * - Past `limit` while reading, the returned stream errors with the 413 and
 *   the source is paused and left (so the 413 can still be written); nothing
 *   past the limit is passed on.
 * - A source that errors or closes before its end makes the returned stream
 *   error with a {@link ClientDisconnected}.
 * - `limit: null` returns the source itself.
 *
 * @example
 * ```ts
 * for await (const chunk of limitStream(req, { limit: 16 << 20, declaredLength: null })) sink.write(chunk)
 * ```
 */
export function limitStream(source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>, options: ReadBodyOptions): Readable {
  const limit = options.limit ?? null
  const declared = options.declaredLength ?? null
  if (limit !== null && declared !== null && declared > limit) throw tooLarge(limit, options.limitName)
  const readable = isNodeStream(source) ? (source as unknown as Readable) : Readable.from(source as AsyncIterable<Uint8Array>, { objectMode: false })
  if (limit === null) return readable
  let total = 0
  let ended = false
  const limited = new Readable({
    read() {
      readable.resume()
    },
    destroy(err, callback) {
      detach()
      callback(err)
    },
  })
  const onData = (chunk: Buffer | string): void => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    total += buf.length
    if (total > limit) {
      readable.pause()
      limited.destroy(tooLarge(limit, options.limitName))
      return
    }
    if (!limited.push(buf)) readable.pause()
  }
  const onEnd = (): void => {
    ended = true
    detach()
    limited.push(null)
  }
  const onError = (err: unknown): void => {
    limited.destroy(err instanceof HTTPException ? err : disconnected(err))
  }
  const onClose = (): void => {
    if (!ended) limited.destroy(disconnected())
  }
  function detach(): void {
    readable.removeListener('data', onData)
    readable.removeListener('end', onEnd)
    readable.removeListener('error', onError)
    readable.removeListener('close', onClose)
    readable.removeListener('aborted', onClose)
    // a late error on the abandoned source must not become an uncaught exception
    readable.on('error', noop)
  }
  if (readable.readableEnded) {
    limited.push(null)
    return limited
  }
  readable.on('data', onData)
  readable.on('end', onEnd)
  readable.on('error', onError)
  readable.on('close', onClose)
  readable.on('aborted', onClose)
  readable.pause()
  return limited
}

// ------------------------------------------------------------------- JSON

const SUSPICIOUS = /__proto__|constructor|\\u/

function safeReviver(key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined
  if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) {
    return undefined
  }
  return value
}

/**
 * Bounds of {@link parseJson} (the app passes `MAX_JSON_DEPTH` and `MAX_JSON_ITEMS`).
 *
 * @example
 * ```ts
 * parseJson(body, { maxDepth: 64, maxItems: 100_000 } satisfies JsonLimits)
 * ```
 */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects; deeper is a 400. Null or absent: no limit. */
  maxDepth?: number | null
  /** Most array elements plus object members in the whole document; more is a 413. Null or absent: no limit. */
  maxItems?: number | null
}

/**
 * Phial's default `MAX_JSON_SIZE` (1 MiB, as Fastify's `bodyLimit`).
 *
 * @example
 * ```ts
 * app.config.MAX_JSON_SIZE = 4 * DEFAULT_MAX_JSON_SIZE
 * ```
 */
export const DEFAULT_MAX_JSON_SIZE = 1024 * 1024
/**
 * Phial's default `MAX_JSON_DEPTH`.
 *
 * @example
 * ```ts
 * parseJson(text, { maxDepth: DEFAULT_MAX_JSON_DEPTH })
 * ```
 */
export const DEFAULT_MAX_JSON_DEPTH = 64
/**
 * Phial's default `MAX_JSON_ITEMS`.
 *
 * @example
 * ```ts
 * parseJson(text, { maxItems: DEFAULT_MAX_JSON_ITEMS })
 * ```
 */
export const DEFAULT_MAX_JSON_ITEMS = 100_000

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** ASCII bytes as text (each byte is its character). */
function latin1(bytes: Buffer | Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('latin1')
}

/** The `MAX_JSON_DEPTH` / `MAX_JSON_ITEMS` errors, from a scan of the body before it is parsed (json-shape.ts). */
function checkJsonShape(bytes: Uint8Array | null, text: string, maxDepth: number | null, maxItems: number | null): void {
  const found = bytes === null ? scanJsonText(text, maxDepth, maxItems) : scanJson(bytes, text, maxDepth, maxItems)
  if (found === DEPTH_EXCEEDED) {
    throw new BadRequest(`Failed to decode JSON object: it is nested deeper than the limit of ${maxDepth} levels (MAX_JSON_DEPTH).`)
  }
  if (found === ITEMS_EXCEEDED) {
    throw new RequestEntityTooLarge(`The JSON body has more than the limit of ${maxItems} elements (MAX_JSON_ITEMS).`)
  }
}

/**
 * Parses a JSON body. An empty body, malformed JSON or bytes that are not
 * valid UTF-8 are a `BadRequest('Failed to decode JSON object: <reason>')`,
 * as in Flask. A leading UTF-8 byte order mark is ignored. With `limits`,
 * a document nested deeper than `maxDepth` is a 400 and one with more than
 * `maxItems` elements a 413, found by a scan of the text before it is parsed.
 *
 * Prototype pollution: `JSON.parse` itself never changes a prototype, but it
 * creates own `__proto__` keys that a later `Object.assign`, spread or deep
 * merge would follow. So `__proto__` keys are dropped, and so are
 * `constructor` keys whose value has a `prototype` key (the other way to
 * reach `Object.prototype`). The check costs a reviver pass only when the
 * text contains `__proto__`, `constructor` or a `\u` escape (which could
 * spell either).
 *
 * @example
 * ```ts
 * parseJson('{"name": "Ada"}')                  // { name: 'Ada' }
 * parseJson('{"__proto__": {"admin": true}}')   // {}
 * parseJson('{oops')                            // throws BadRequest (400)
 * parseJson('[[[1]]]', { maxDepth: 2 })         // throws BadRequest: nested deeper than the limit of 2 levels
 * ```
 */
export function parseJson(buf: Buffer | Uint8Array | string, limits: JsonLimits = {}): unknown {
  let text: string
  if (typeof buf === 'string') text = buf
  else if (isAscii(buf)) text = latin1(buf) // the same text as the UTF-8 decode, for less (nor can it hold a BOM)
  else {
    try {
      text = UTF8.decode(buf) // fatal: invalid UTF-8 throws; a BOM is dropped
    } catch (err) {
      throw new BadRequest('Failed to decode JSON object: the body is not valid UTF-8.', { cause: err })
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  if (text.length === 0) throw new BadRequest('Failed to decode JSON object: the request body is empty.')
  const maxDepth = limits.maxDepth ?? null
  const maxItems = limits.maxItems ?? null
  const limited = maxDepth !== null || maxItems !== null
  // A text too short to pass a limit as valid JSON is scanned only if JSON.parse refuses it (the scan's error first, as before)
  const scanFirst = limited && !withinLimits(text.length, maxDepth, maxItems)
  if (scanFirst) checkJsonShape(typeof buf === 'string' ? null : buf, text, maxDepth, maxItems)
  try {
    return SUSPICIOUS.test(text) ? JSON.parse(text, safeReviver) : JSON.parse(text)
  } catch (err) {
    if (limited && !scanFirst) checkJsonShape(typeof buf === 'string' ? null : buf, text, maxDepth, maxItems)
    throw new BadRequest(`Failed to decode JSON object: ${(err as Error).message}`, { cause: err })
  }
}

/**
 * True when valid JSON of `length` characters cannot pass the limits: it
 * nests at most `length / 2` deep (each bracket is closed) and has fewer
 * elements than characters. The scan is then skipped unless `JSON.parse`
 * fails (~150 ns for a 70-byte body on Node 24; issue 14).
 */
function withinLimits(length: number, maxDepth: number | null, maxItems: number | null): boolean {
  return (maxDepth === null || length <= 2 * Math.max(0, Math.floor(maxDepth)) + 1) && (maxItems === null || length <= Math.max(0, Math.floor(maxItems)))
}

// ------------------------------------------------------------- urlencoded

/**
 * Options of {@link parseUrlencoded}.
 *
 * @example
 * ```ts
 * parseUrlencoded(body, { maxParts: 1000 } satisfies UrlencodedOptions)
 * ```
 */
export interface UrlencodedOptions {
  /** Most `key=value` parts to accept (`MAX_FORM_PARTS`); more is a 413. Null for no limit. */
  maxParts?: number | null
}

const HEX = /^[0-9a-fA-F]{2}$/

/** Percent-decodes without ever throwing: bad `%` sequences stay as sent, bad UTF-8 becomes U+FFFD. */
function decodeComponent(text: string): string {
  if (text.indexOf('+') !== -1) text = text.replace(/\+/g, ' ')
  if (text.indexOf('%') === -1) return text
  try {
    return decodeURIComponent(text)
  } catch {
    return decodeLenient(text)
  }
}

function decodeLenient(text: string): string {
  const bytes: number[] = []
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 37 /* % */ && HEX.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16))
      i += 3
    } else if (c < 0x80) {
      bytes.push(c)
      i += 1
    } else {
      const cp = text.codePointAt(i) as number
      const char = String.fromCodePoint(cp)
      for (const b of Buffer.from(char, 'utf8')) bytes.push(b)
      i += char.length
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/**
 * Parses a query string or an `application/x-www-form-urlencoded` body, as
 * Werkzeug does: pairs split on `&`, `+` is a space, a key without `=` has the
 * value `''`, empty parts are skipped. Decoding never throws. More than
 * `maxParts` parts is a {@link RequestEntityTooLarge}. Keys such as
 * `__proto__` are ordinary keys of the returned (Map-backed) MultiDict.
 *
 * @example
 * ```ts
 * parseUrlencoded('tag=a&tag=b&q=red+shoes').getAll('tag') // ['a', 'b']
 * parseUrlencoded('q=100%', {}).get('q')                   // '100%'
 * ```
 */
export function parseUrlencoded(buf: Buffer | Uint8Array | string, options: UrlencodedOptions = {}): ImmutableMultiDict<string> {
  const text = typeof buf === 'string' ? buf : Buffer.isBuffer(buf) ? buf.toString('utf8') : Buffer.from(buf).toString('utf8')
  const maxParts = options.maxParts ?? null
  const pairs: Array<[string, string]> = []
  let start = 0
  const length = text.length
  while (start <= length) {
    let end = text.indexOf('&', start)
    if (end === -1) end = length
    if (end > start) {
      if (maxParts !== null && pairs.length >= maxParts) {
        throw new RequestEntityTooLarge(`The form has too many fields: more than the limit of ${maxParts} parts.`)
      }
      const eq = text.indexOf('=', start)
      if (eq === -1 || eq > end) pairs.push([decodeComponent(text.slice(start, end)), ''])
      else pairs.push([decodeComponent(text.slice(start, eq)), decodeComponent(text.slice(eq + 1, end))])
    }
    start = end + 1
  }
  return new ImmutableMultiDict(pairs)
}

// ----------------------------------------------------------- Content-Type

/**
 * A parsed `Content-Type`: the lower-case mimetype and its parameters.
 *
 * @example
 * ```ts
 * const { mimetype, params }: ContentType = parseContentType('text/plain; charset=utf-8')
 * ```
 */
export interface ContentType {
  /** `type/subtype`, lower-case, or `''` when there is no header. */
  mimetype: string
  /** Parameters by lower-case name (null-prototype; values unquoted). */
  params: Record<string, string>
}

/**
 * Parses a `Content-Type` header (`text/html; charset="utf-8"`). Never
 * throws; a missing header gives `{ mimetype: '', params: {} }`.
 *
 * @example
 * ```ts
 * parseContentType('multipart/form-data; boundary=xyz')
 * // { mimetype: 'multipart/form-data', params: { boundary: 'xyz' } }
 * ```
 */
export function parseContentType(header: string | null | undefined): ContentType {
  const params = Object.create(null) as Record<string, string>
  if (!header) return { mimetype: '', params }
  const semi = header.indexOf(';')
  const mimetype = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase()
  if (semi !== -1) parseParams(header, semi + 1, params)
  return { mimetype, params }
}

/**
 * Parses header parameters (`; name=value; name="quoted \" value"`) from
 * index `start` into `into`: lower-case names, unquoted values, the first of
 * a repeated name wins, a parameter without `=` is ignored. Never throws.
 *
 * @example
 * ```ts
 * parseParams('attachment; filename="a b.txt"', 10, Object.create(null)) // { filename: 'a b.txt' }
 * ```
 */
export function parseParams(header: string, start: number, into: Record<string, string>): Record<string, string> {
  let i = start
  const n = header.length
  while (i < n) {
    // skip whitespace and separators
    while (i < n && (header[i] === ' ' || header[i] === '\t' || header[i] === ';')) i++
    if (i >= n) break
    let eq = i
    while (eq < n && header[eq] !== '=' && header[eq] !== ';') eq++
    const name = header.slice(i, eq).trim().toLowerCase()
    if (eq >= n || header[eq] === ';') {
      i = eq + 1 // a parameter without a value: ignored
      continue
    }
    i = eq + 1
    while (i < n && (header[i] === ' ' || header[i] === '\t')) i++
    let value: string
    if (header[i] === '"') {
      let out = ''
      i++
      while (i < n && header[i] !== '"') {
        if (header[i] === '\\' && i + 1 < n) i++
        out += header[i]
        i++
      }
      value = out
      i++ // closing quote
      while (i < n && header[i] !== ';') i++
    } else {
      let end = i
      while (end < n && header[end] !== ';') end++
      value = header.slice(i, end).trim()
      i = end
    }
    if (name !== '' && !(name in into)) into[name] = value
  }
  return into
}
