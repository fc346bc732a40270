/**
 * `Serializer` (itsdangerous' `serializer`): a value serialized as JSON (or
 * another `PayloadSerializer`) and signed; signers cached by salt.
 *
 * @module
 */
import type { SecretKey } from './encoding.ts'
import { BadSignature, SignatureExpired, BadPayload } from './errors.ts'
import { Signer, type SignerOptions } from './signer.ts'

/**
 * Turns values into text and back; `JSON` fits.
 *
 * @example
 * ```ts
 * const superjsonLike: PayloadSerializer = { stringify: (v) => JSON.stringify(v), parse: (t) => JSON.parse(t) }
 * ```
 */
export interface PayloadSerializer {
  stringify(value: unknown): string
  parse(text: string): unknown
}

/**
 * Options of the serializers.
 *
 * @example
 * ```ts
 * const options: SerializerOptions = { salt: 'email-confirm', signerOptions: { digestMethod: 'sha1' } }
 * ```
 */
export interface SerializerOptions {
  /** Salt of the signatures. Default `'itsdangerous'`; wins over `signerOptions.salt`. */
  salt?: string
  /** Options for the underlying signer (separator, key derivation, digest). */
  signerOptions?: SignerOptions
  /** How values become text. Default `JSON`. */
  serializer?: PayloadSerializer
  /**
   * URL-safe serializers only: the largest decompressed payload accepted, in
   * bytes (BadPayload above it). Default 10 MiB.
   */
  maxDecompressedSize?: number
  /**
   * URL-safe serializers only: JSON shorter than this many bytes is not
   * compressed, without trying zlib. Default 0: always tried, kept when
   * shorter (itsdangerous' rule, so tokens match Python's byte for byte).
   * The session cookie uses 256: deflating a small payload costs more than
   * both signatures and saves a few bytes at most. Either form loads
   * everywhere.
   */
  compressThreshold?: number
}

/**
 * Options of {@link Serializer.loads}.
 *
 * @example
 * ```ts
 * serializer.loads(token, { salt: 'activate' })
 * ```
 */
export interface LoadsOptions {
  /** Use this salt instead of the serializer's. */
  salt?: string
}

/**
 * Options of {@link TimedSerializer.loads}.
 *
 * @example
 * ```ts
 * const options: TimedLoadsOptions = { maxAge: 24 * 3600 }
 * ```
 */
export interface TimedLoadsOptions extends LoadsOptions {
  /** Reject tokens older than this many seconds (SignatureExpired). */
  maxAge?: number | null
  /** Also return when the token was signed. */
  returnTimestamp?: boolean
}

const MAX_CACHED_SIGNERS = 32

/**
 * Serializes a value (as JSON by default) and signs it: `payload.signature`.
 * The payload is plain text; use {@link URLSafeSerializer} for URLs and
 * cookies.
 *
 * @typeParam T - the type of the values it carries.
 *
 * @example
 * ```ts
 * const s = new Serializer<{ id: number }>('secret-key')
 * const token = s.dumps({ id: 5 })   // '{"id":5}.<signature>'
 * s.loads(token)                     // { id: 5 }
 * ```
 */
export class Serializer<T = unknown> {
  /** The secret keys, oldest to newest. */
  readonly secretKeys: readonly SecretKey[]
  /** The default salt. */
  readonly salt: string
  /** Options passed to every signer. */
  readonly signerOptions: Readonly<SignerOptions>
  /** The value serializer. */
  readonly serializer: PayloadSerializer
  /** Signers by salt; the default salt's is made eagerly. */
  readonly #signers = new Map<string, Signer>()

  /**
   * @param secretKey - a secret, or secrets from oldest to newest (signs with
   *   the newest, accepts any).
   *
   * @example
   * ```ts
   * const s = new Serializer(['old-key', 'new-key'], { salt: 'api-token' })
   * ```
   */
  constructor(secretKey: SecretKey | readonly SecretKey[], options: SerializerOptions = {}) {
    this.secretKeys = typeof secretKey === 'string' || secretKey instanceof Uint8Array ? [secretKey] : [...secretKey]
    this.salt = options.salt ?? 'itsdangerous'
    this.signerOptions = { ...options.signerOptions }
    this.serializer = options.serializer ?? JSON
    this.makeSigner(this.salt) // validates keys and options now
  }

  /**
   * The signer for a salt (cached).
   *
   * @example
   * ```ts
   * serializer.makeSigner('other-salt').sign('raw value')
   * ```
   */
  makeSigner(salt: string = this.salt): Signer {
    let signer = this.#signers.get(salt)
    if (signer === undefined) {
      signer = this.createSigner(salt)
      if (this.#signers.size >= MAX_CACHED_SIGNERS) this.#signers.clear()
      this.#signers.set(salt, signer)
    }
    return signer
  }

  /**
   * Builds a new signer; {@link TimedSerializer} returns a TimestampSigner.
   *
   * @example
   * ```ts
   * class Sha512Serializer extends Serializer {
   *   protected override createSigner(salt: string) { return new Signer(this.secretKeys, { salt, digestMethod: 'sha512' }) }
   * }
   * ```
   */
  protected createSigner(salt: string): Signer {
    return new Signer(this.secretKeys, { ...this.signerOptions, salt })
  }

  /**
   * Encodes a value as the payload text (before signing).
   *
   * @example
   * ```ts
   * serializer.dumpPayload({ a: 1 }) // '{"a":1}'
   * ```
   */
  dumpPayload(value: T): string {
    const text = this.serializer.stringify(value)
    if (typeof text !== 'string') throw new TypeError('The value cannot be serialized (the serializer returned no text)')
    return text
  }

  /**
   * Decodes payload text into a value. Public so that the payload of an
   * expired token (`err.payload`) can still be read.
   *
   * @throws {@link BadPayload} when the payload cannot be decoded.
   *
   * @example
   * ```ts
   * catch (err) { if (err instanceof SignatureExpired) resend(tokens.loadPayload(err.payload as string)) }
   * ```
   */
  loadPayload(payload: string): T {
    try {
      return this.serializer.parse(payload) as T
    } catch (err) {
      throw new BadPayload('Could not load the payload because an error occurred on unserializing the data', {
        payload,
        cause: err,
      })
    }
  }

  /**
   * Serializes and signs a value.
   *
   * @example
   * ```ts
   * const token = serializer.dumps({ userId: 42 }, 'password-reset')
   * ```
   */
  dumps(value: T, salt?: string): string {
    return this.makeSigner(salt).sign(this.dumpPayload(value))
  }

  /**
   * Verifies a token and returns its value.
   *
   * @throws {@link BadSignature} (or a subclass) for any token that was not
   *   made by `dumps` with one of the keys and the same salt.
   *
   * @example
   * ```ts
   * const { userId } = serializer.loads(token, { salt: 'password-reset' })
   * ```
   */
  loads(token: string, options: LoadsOptions = {}): T {
    if ((options as TimedLoadsOptions).maxAge != null)
      throw new TypeError('maxAge needs a TimedSerializer or URLSafeTimedSerializer; this serializer has no timestamp')
    return this.loadPayload(this.makeSigner(options.salt).unsign(token))
  }
}
