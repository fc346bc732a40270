/**
 * URL-safe serializers (itsdangerous' `url_safe`): compact JSON, compressed
 * when that is shorter, base64url. One mixin gives both `URLSafeSerializer`
 * and `URLSafeTimedSerializer` their payload format.
 *
 * @module
 */
import { deflateSync, inflateSync } from 'node:zlib'
import { isUtf8 } from 'node:buffer'
import { type SecretKey, base64Decode } from './encoding.ts'
import { BadPayload } from './errors.ts'
import { Serializer, type SerializerOptions } from './serializer.ts'
import { TimedSerializer } from './timed.ts'

/** The default decompression limit of URL-safe serializers: 10 MiB. */
const DEFAULT_MAX_DECOMPRESSED = 10 * 1024 * 1024

function urlSafeDump(json: string, threshold: number): string {
  const raw = Buffer.from(json, 'utf8')
  // below the threshold zlib is not tried (it costs more than the signature and rarely saves a byte there)
  if (raw.length < threshold) return raw.toString('base64url')
  const compressed = deflateSync(raw)
  // itsdangerous' rule: compress only when it saves more than one byte.
  if (compressed.length < raw.length - 1) return `.${compressed.toString('base64url')}`
  return raw.toString('base64url')
}

function urlSafeLoad(payload: string, maxSize: number): string {
  const compressed = payload.startsWith('.')
  const encoded = compressed ? payload.slice(1) : payload
  let bytes: Buffer
  try {
    bytes = base64Decode(encoded)
  } catch (err) {
    throw new BadPayload('Could not base64 decode the payload', { payload, cause: err })
  }
  if (compressed) {
    try {
      bytes = inflateSync(bytes, { maxOutputLength: maxSize })
    } catch (err) {
      throw new BadPayload(
        `Could not zlib decompress the payload (corrupt, or larger than ${maxSize} bytes)`,
        { payload, cause: err },
      )
    }
  }
  // isUtf8 + toString: the fatal TextDecoder's answer (BOM dropped too) at a fraction of its cost
  if (!isUtf8(bytes)) throw new BadPayload('The payload is not valid UTF-8', { payload, cause: new TypeError('The encoded data was not valid for encoding utf-8') })
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  return bytes.toString('utf8', start)
}

function compressThreshold(options: SerializerOptions): number {
  const min = options.compressThreshold ?? 0
  if (!Number.isInteger(min) || min < 0) throw new TypeError('compressThreshold must be a non-negative integer')
  return min
}

function maxDecompressed(options: SerializerOptions): number {
  const max = options.maxDecompressedSize ?? DEFAULT_MAX_DECOMPRESSED
  if (!Number.isInteger(max) || max < 1) throw new TypeError('maxDecompressedSize must be a positive integer')
  return max
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type SerializerClass = abstract new (...args: any[]) => Serializer<unknown>

/**
 * The URL-safe payload format over any serializer class (itsdangerous'
 * `URLSafeSerializerMixin`): what both URL-safe classes below add to their
 * base, written once.
 */
function urlSafe<B extends SerializerClass>(Base: B) {
  abstract class URLSafe extends Base {
    readonly #maxSize: number
    readonly #threshold: number

    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    constructor(...args: any[]) {
      super(...(args as [SecretKey | readonly SecretKey[], SerializerOptions?]))
      const options = (args[1] as SerializerOptions | undefined) ?? {}
      this.#maxSize = maxDecompressed(options)
      this.#threshold = compressThreshold(options)
    }

    /** Encodes a value as URL-safe payload text (`s.dumpPayload({ a: 1 })` is `'eyJhIjoxfQ'`). */
    override dumpPayload(value: unknown): string {
      return urlSafeDump(super.dumpPayload(value), this.#threshold)
    }

    /** Decodes URL-safe payload text, with bounded decompression. */
    override loadPayload(payload: string): unknown {
      return super.loadPayload(urlSafeLoad(payload, this.#maxSize))
    }
  }
  return URLSafe
}

/**
 * A {@link Serializer} whose tokens only use `A-Z a-z 0-9 - _ .`: compact
 * JSON, zlib-compressed when that is shorter (then prefixed with `.`), then
 * base64url. Safe in URLs and cookies. `maxDecompressedSize` (default
 * 10 MiB) bounds what a compressed token may inflate to; `compressThreshold`
 * (default 0: always tried, as itsdangerous) skips zlib for shorter JSON.
 *
 * @example
 * ```ts
 * const s = new URLSafeSerializer<{ list: number[] }>('secret-key', { salt: 'share' })
 * const url = `/shared/${s.dumps({ list: [1, 2, 3] })}`
 * ```
 */
// the mixin keeps the base's public shape: typed back as the generic base class
export class URLSafeSerializer<T = unknown> extends (urlSafe(Serializer) as unknown as typeof Serializer)<T> {}

/**
 * The URL-safe, timestamped serializer: what Phial's session cookie uses, and
 * the right choice for e-mail confirmation and password-reset links. Key
 * rotation: give the keys oldest to newest (signs with the newest).
 *
 * @example
 * ```ts
 * const tokens = new URLSafeTimedSerializer<{ email: string }>(app.config.SECRET_KEY!, { salt: 'email-confirm' })
 * const link = urlFor('confirm', { token: tokens.dumps({ email }), _external: true })
 * // in the confirm view:
 * const { email } = tokens.loads(token, { maxAge: 24 * 3600 })
 * ```
 */
export class URLSafeTimedSerializer<T = unknown> extends (urlSafe(TimedSerializer) as unknown as typeof TimedSerializer)<T> {}
