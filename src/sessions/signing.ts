/**
 * Signed tokens in the manner of Python's itsdangerous: a value, optionally a
 * timestamp, and an HMAC signature, so data can round-trip through an
 * untrusted place (a cookie, a link in an e-mail) and come back unchanged.
 *
 * The wire format and key derivation are itsdangerous': with
 * `digestMethod: 'sha1'` and the same secret, salt and key derivation, tokens
 * made here load in Python and the other way round. Phial's default digest is
 * SHA-256.
 *
 * Signed data is **not encrypted**: anyone can base64-decode and read it.
 *
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { deflateSync, inflateSync } from 'node:zlib'

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/**
 * Base class of every error raised for data that cannot be trusted or read.
 *
 * @example
 * ```ts
 * try { serializer.loads(token) } catch (err) { if (err instanceof BadData) abort(400) }
 * ```
 */
export class BadData extends Error {
  override name = 'BadData'
}

/**
 * The signature does not match (the data was changed, or signed with another
 * key or salt). `payload` holds the unverified value when it could be split
 * off; never trust it for anything but diagnostics.
 *
 * @example
 * ```ts
 * try {
 *   signer.unsign(value)
 * } catch (err) {
 *   if (err instanceof BadSignature) return abort(400)
 *   throw err
 * }
 * ```
 */
export class BadSignature extends BadData {
  override name = 'BadSignature'
  /** The unverified value, when it could be split from the signature. */
  payload?: unknown

  constructor(message: string, options?: { payload?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    if (options?.payload !== undefined) this.payload = options.payload
  }
}

/**
 * A timestamped signature is invalid, or its timestamp is missing or
 * malformed. `dateSigned` is set when the timestamp could be read.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof BadTimeSignature) console.log(err.dateSigned) }
 * ```
 */
export class BadTimeSignature extends BadSignature {
  override name = 'BadTimeSignature'
  /** When the token was signed, if the timestamp could be read. */
  dateSigned?: Date

  constructor(message: string, options?: { payload?: unknown; dateSigned?: Date; cause?: unknown }) {
    super(message, options)
    if (options?.dateSigned !== undefined) this.dateSigned = options.dateSigned
  }
}

/**
 * The signature is valid but older than `maxAge` (or dated in the future).
 * `payload` holds the still-encoded payload: `serializer.loadPayload(err.payload)`
 * reads it, e.g. to offer "this link expired, send a new one to …".
 *
 * @example
 * ```ts
 * try {
 *   const email = tokens.loads(token, { maxAge: 3600 })
 * } catch (err) {
 *   if (err instanceof SignatureExpired) return 'This link has expired.'
 *   throw err
 * }
 * ```
 */
export class SignatureExpired extends BadTimeSignature {
  override name = 'SignatureExpired'
}

/**
 * The signature is valid but the payload cannot be decoded (bad base64, zlib
 * data that is corrupt or inflates beyond the limit, or invalid JSON). This
 * only happens when the signing key was used to sign something that is not a
 * serializer payload. Unlike itsdangerous, this is a {@link BadSignature} so
 * one `catch` covers every bad token. `originalError` (and `cause`) hold the
 * underlying error.
 *
 * @example
 * ```ts
 * catch (err) { if (err instanceof BadPayload) log.warn(err.originalError) }
 * ```
 */
export class BadPayload extends BadSignature {
  override name = 'BadPayload'
  /** The error raised while decoding the payload. */
  originalError?: unknown

  constructor(message: string, options?: { payload?: unknown; cause?: unknown }) {
    super(message, options)
    if (options?.cause !== undefined) this.originalError = options.cause
  }
}

// ---------------------------------------------------------------------------
// Encoding helpers
// ---------------------------------------------------------------------------

/**
 * A secret key: text (UTF-8 encoded) or bytes.
 *
 * @example
 * ```ts
 * const key: SecretKey = process.env.SECRET_KEY ?? crypto.randomBytes(32)
 * ```
 */
export type SecretKey = string | Uint8Array

const BASE64URL = /^[A-Za-z0-9_-]*$/
const BASE64_ALPHABET = /[A-Za-z0-9_=-]/
const utf8Decoder = new TextDecoder('utf-8', { fatal: true })

function toBytes(value: string | Uint8Array): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.buffer, value.byteOffset, value.byteLength)
}

function toText(value: string | Uint8Array): string {
  if (typeof value === 'string') return value
  try {
    return utf8Decoder.decode(value)
  } catch (err) {
    throw new TypeError('A value to sign given as bytes must be UTF-8 text', { cause: err })
  }
}

/** Base64url without padding, as itsdangerous writes it. Throws on anything non-canonical. */
function base64Decode(text: string): Buffer {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw new TypeError('Invalid base64-encoded data')
  return Buffer.from(text, 'base64url')
}

function intToBytes(n: number): Buffer {
  const bytes: number[] = []
  let rest = n
  while (rest > 0) {
    bytes.unshift(rest % 256)
    rest = Math.floor(rest / 256)
  }
  return Buffer.from(bytes)
}

/** Big-endian bytes to a safe integer, or null (more than 8 bytes, or not safe). */
function bytesToInt(bytes: Uint8Array): number | null {
  if (bytes.length > 8) return null
  let n = 0
  for (const b of bytes) n = n * 256 + b
  return Number.isSafeInteger(n) ? n : null
}

// ---------------------------------------------------------------------------
// Signer
// ---------------------------------------------------------------------------

/**
 * Options of {@link Signer} and {@link TimestampSigner}.
 *
 * @example
 * ```ts
 * // What Flask's cookie session uses (with Phial's SHA-256 digest):
 * const options: SignerOptions = { salt: 'cookie-session', keyDerivation: 'hmac', digestMethod: 'sha256' }
 * ```
 */
export interface SignerOptions {
  /**
   * Namespaces signatures: a token signed with one salt does not verify with
   * another, so use a different salt per purpose (`'email-confirm'`,
   * `'password-reset'`). Default `'itsdangerous.Signer'`. Not secret.
   */
  salt?: string
  /** Separator between value and signature; no base64url character. Default `'.'`. */
  sep?: string
  /**
   * How the signing key is derived from the secret and salt (itsdangerous'
   * names): `'django-concat'` (default): `digest(salt + 'signer' + secret)`;
   * `'concat'`: `digest(salt + secret)`; `'hmac'`: `HMAC(secret, salt)`;
   * `'none'`: the secret itself.
   */
  keyDerivation?: 'concat' | 'django-concat' | 'hmac' | 'none'
  /** HMAC digest. Default `'sha256'` (itsdangerous' default is `'sha1'`). */
  digestMethod?: 'sha1' | 'sha256' | 'sha512'
}

const KEY_DERIVATIONS = new Set(['concat', 'django-concat', 'hmac', 'none'])
const DIGESTS = new Set(['sha1', 'sha256', 'sha512'])

/**
 * Signs strings and verifies signed strings: `value.signature`.
 *
 * Give it one secret key, or a list of keys from oldest to newest for key
 * rotation: it signs with the last (newest) key and accepts a signature made
 * with any of them. Signatures are compared in constant time.
 *
 * @example
 * ```ts
 * const signer = new Signer('secret-key', { salt: 'unsubscribe' })
 * const signed = signer.sign('user-42')      // 'user-42.Zx9...'
 * signer.unsign(signed)                      // 'user-42'
 * signer.unsign('user-43.Zx9...')            // throws BadSignature
 * ```
 */
export class Signer {
  /** The secret keys as bytes, oldest to newest; the last one signs. */
  readonly secretKeys: readonly Buffer[]
  /** The salt (see {@link SignerOptions.salt}). */
  readonly salt: string
  /** The separator between value and signature. */
  readonly sep: string
  /** The key derivation (see {@link SignerOptions.keyDerivation}). */
  readonly keyDerivation: 'concat' | 'django-concat' | 'hmac' | 'none'
  /** The HMAC digest. */
  readonly digestMethod: 'sha1' | 'sha256' | 'sha512'
  /** Derived keys, newest first (the verification order). */
  readonly #derived: readonly Buffer[]

  /**
   * @param secretKey - a secret, or secrets from oldest to newest. Empty
   *   secrets are refused.
   *
   * @example
   * ```ts
   * const signer = new Signer([process.env.OLD_SECRET!, process.env.SECRET!], { salt: 'invite' })
   * ```
   */
  constructor(secretKey: SecretKey | readonly SecretKey[], options: SignerOptions = {}) {
    const keys = typeof secretKey === 'string' || secretKey instanceof Uint8Array ? [secretKey] : [...secretKey]
    if (keys.length === 0) throw new TypeError('Signer needs at least one secret key')
    this.secretKeys = keys.map((k) => {
      if (typeof k !== 'string' && !(k instanceof Uint8Array)) throw new TypeError('A secret key must be a string or bytes')
      const bytes = Buffer.from(toBytes(k))
      if (bytes.length === 0) throw new TypeError('A secret key must not be empty')
      return bytes
    })
    this.salt = options.salt ?? 'itsdangerous.Signer'
    this.sep = options.sep ?? '.'
    if (this.sep === '' || BASE64_ALPHABET.test(this.sep))
      throw new TypeError("The separator must not be empty or contain ASCII letters, digits, '-', '_' or '='")
    this.keyDerivation = options.keyDerivation ?? 'django-concat'
    if (!KEY_DERIVATIONS.has(this.keyDerivation)) throw new TypeError(`Unknown key derivation '${String(this.keyDerivation)}'`)
    this.digestMethod = options.digestMethod ?? 'sha256'
    if (!DIGESTS.has(this.digestMethod)) throw new TypeError(`Unsupported digest '${String(this.digestMethod)}'`)
    this.#derived = this.secretKeys.map((k) => this.deriveKey(k)).reverse()
  }

  /**
   * Derives the HMAC key from a secret (the newest one by default) and the
   * salt, as configured by `keyDerivation`.
   *
   * @example
   * ```ts
   * new Signer('s', { keyDerivation: 'hmac' }).deriveKey().length // 32 (SHA-256)
   * ```
   */
  deriveKey(secretKey?: SecretKey): Buffer {
    const secret = secretKey === undefined ? this.secretKeys[this.secretKeys.length - 1] : toBytes(secretKey)
    const salt = Buffer.from(this.salt, 'utf8')
    switch (this.keyDerivation) {
      case 'concat':
        return createHash(this.digestMethod).update(salt).update(secret).digest()
      case 'django-concat':
        return createHash(this.digestMethod).update(salt).update('signer').update(secret).digest()
      case 'hmac':
        return createHmac(this.digestMethod, secret).update(salt).digest()
      case 'none':
        return Buffer.from(secret)
    }
  }

  /**
   * The base64url signature of `value` with the newest key.
   *
   * @example
   * ```ts
   * const sig = signer.getSignature('hello') // e.g. 'Zx9...'
   * ```
   */
  getSignature(value: string | Uint8Array): string {
    return this.#mac(this.#derived[0], value).toString('base64url')
  }

  /**
   * Whether `signature` is a valid signature of `value` under any of the keys.
   * Constant-time per key; only the canonical base64url form is accepted.
   *
   * @example
   * ```ts
   * signer.verifySignature('hello', signer.getSignature('hello')) // true
   * ```
   */
  verifySignature(value: string | Uint8Array, signature: string): boolean {
    if (typeof signature !== 'string' || !BASE64URL.test(signature)) return false
    const given = Buffer.from(signature, 'latin1')
    for (const key of this.#derived) {
      const expected = Buffer.from(this.#mac(key, value).toString('base64url'), 'latin1')
      if (expected.length === given.length && timingSafeEqual(expected, given)) return true
    }
    return false
  }

  /**
   * Returns `value + sep + signature`. Bytes must be UTF-8 text.
   *
   * @example
   * ```ts
   * new Signer('secret').sign('hello') // 'hello.<signature>'
   * ```
   */
  sign(value: string | Uint8Array): string {
    const text = toText(value)
    return `${text}${this.sep}${this.getSignature(text)}`
  }

  /**
   * Verifies a signed string and returns the value.
   *
   * @throws {@link BadSignature} when the separator is missing or the
   *   signature does not match (`err.payload` is the unverified value).
   *
   * @example
   * ```ts
   * const value = signer.unsign(request.args.get('token') ?? '')
   * ```
   */
  unsign(signed: string): string {
    if (typeof signed !== 'string') throw new BadSignature('A signed value must be a string')
    const at = signed.lastIndexOf(this.sep)
    if (at === -1) throw new BadSignature(`No '${this.sep}' found in value`)
    const value = signed.slice(0, at)
    const signature = signed.slice(at + this.sep.length)
    if (this.verifySignature(value, signature)) return value
    throw new BadSignature(`Signature '${signature}' does not match`, { payload: value })
  }

  /**
   * Whether `signed` carries a valid signature; never throws.
   *
   * @example
   * ```ts
   * if (!signer.validate(cookie)) response.deleteCookie('prefs')
   * ```
   */
  validate(signed: string): boolean {
    try {
      this.unsign(signed)
      return true
    } catch (err) {
      if (err instanceof BadSignature) return false
      throw err
    }
  }

  #mac(key: Buffer, value: string | Uint8Array): Buffer {
    return createHmac(this.digestMethod, key).update(typeof value === 'string' ? value : toBytes(value)).digest()
  }
}

/**
 * Options of {@link TimestampSigner.unsign}.
 *
 * @example
 * ```ts
 * const options: UnsignOptions = { maxAge: 3600 }
 * ```
 */
export interface UnsignOptions {
  /** Reject signatures older than this many seconds (SignatureExpired). */
  maxAge?: number | null
  /** Also return when the value was signed. */
  returnTimestamp?: boolean
}

/**
 * A {@link Signer} that also signs the current time, so a signature can be
 * given a maximum age: `value.timestamp.signature`, the timestamp being the
 * base64url big-endian seconds since the epoch.
 *
 * @example
 * ```ts
 * const signer = new TimestampSigner('secret', { salt: 'login-link' })
 * const token = signer.sign('user-42')
 * signer.unsign(token, { maxAge: 600 })                          // 'user-42'
 * const [value, signedAt] = signer.unsign(token, { returnTimestamp: true })
 * ```
 */
export class TimestampSigner extends Signer {
  /**
   * The current time in whole seconds since the epoch (override for tests, or
   * use fake timers: it reads `Date.now()`).
   *
   * @example
   * ```ts
   * class FrozenSigner extends TimestampSigner { override getTimestamp() { return 1_700_000_000 } }
   * ```
   */
  getTimestamp(): number {
    return Math.floor(Date.now() / 1000)
  }

  /**
   * Converts a timestamp in seconds to a `Date`.
   *
   * @example
   * ```ts
   * signer.timestampToDate(0).toISOString() // '1970-01-01T00:00:00.000Z'
   * ```
   */
  timestampToDate(timestamp: number): Date {
    return new Date(timestamp * 1000)
  }

  /**
   * Signs `value` together with the current time.
   *
   * @example
   * ```ts
   * const token = signer.sign('user-42') // 'user-42.ZV8xkA.<signature>'
   * ```
   */
  override sign(value: string | Uint8Array): string {
    const text = toText(value)
    const timestamp = intToBytes(this.getTimestamp()).toString('base64url')
    return super.sign(`${text}${this.sep}${timestamp}`)
  }

  /**
   * Verifies the signature and, with `maxAge`, the age, and returns the value
   * (and, with `returnTimestamp`, when it was signed).
   *
   * @throws {@link SignatureExpired} when older than `maxAge` seconds (or
   *   signed in the future); {@link BadTimeSignature} for a bad signature or
   *   timestamp.
   *
   * @example
   * ```ts
   * const userId = signer.unsign(token, { maxAge: 15 * 60 })
   * ```
   */
  override unsign(signed: string, options: UnsignOptions & { returnTimestamp: true }): [string, Date]
  override unsign(signed: string, options?: UnsignOptions & { returnTimestamp?: false }): string
  override unsign(signed: string, options?: UnsignOptions): string | [string, Date]
  override unsign(signed: string, options: UnsignOptions = {}): string | [string, Date] {
    let result: string
    let sigError: BadSignature | null = null
    try {
      result = super.unsign(signed)
    } catch (err) {
      if (!(err instanceof BadSignature)) throw err
      sigError = err
      result = typeof err.payload === 'string' ? err.payload : ''
    }
    const at = result.lastIndexOf(this.sep)
    if (at === -1) {
      if (sigError) throw sigError
      throw new BadTimeSignature('timestamp missing', { payload: result })
    }
    const value = result.slice(0, at)
    const timestamp = this.#readTimestamp(result.slice(at + this.sep.length))
    if (sigError) {
      throw new BadTimeSignature(sigError.message, {
        payload: value,
        ...(timestamp === null ? {} : { dateSigned: this.timestampToDate(timestamp) }),
      })
    }
    if (timestamp === null) throw new BadTimeSignature('Malformed timestamp', { payload: value })
    const { maxAge } = options
    if (maxAge !== undefined && maxAge !== null) {
      if (typeof maxAge !== 'number' || Number.isNaN(maxAge)) throw new TypeError('maxAge must be a number of seconds')
      const age = this.getTimestamp() - timestamp
      if (age > maxAge) {
        throw new SignatureExpired(`Signature age ${age} > ${maxAge} seconds`, {
          payload: value,
          dateSigned: this.timestampToDate(timestamp),
        })
      }
      if (age < 0) {
        throw new SignatureExpired(`Signature age ${age} < 0 seconds`, {
          payload: value,
          dateSigned: this.timestampToDate(timestamp),
        })
      }
    }
    return options.returnTimestamp ? [value, this.timestampToDate(timestamp)] : value
  }

  /**
   * Whether `signed` is valid (and, with `maxAge`, not expired); never throws.
   *
   * @example
   * ```ts
   * signer.validate(token, { maxAge: 60 })
   * ```
   */
  override validate(signed: string, options: { maxAge?: number | null } = {}): boolean {
    try {
      this.unsign(signed, { maxAge: options.maxAge })
      return true
    } catch (err) {
      if (err instanceof BadSignature) return false
      throw err
    }
  }

  #readTimestamp(text: string): number | null {
    let bytes: Buffer
    try {
      bytes = base64Decode(text)
    } catch {
      return null
    }
    const n = bytesToInt(bytes)
    if (n === null || Number.isNaN(this.timestampToDate(n).getTime())) return null
    return n
  }
}

// ---------------------------------------------------------------------------
// Serializers
// ---------------------------------------------------------------------------

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

/** The default decompression limit of URL-safe serializers: 10 MiB. */
const DEFAULT_MAX_DECOMPRESSED = 10 * 1024 * 1024
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

/**
 * A {@link Serializer} whose tokens carry a timestamp, so `loads` can enforce
 * a maximum age.
 *
 * @example
 * ```ts
 * const s = new TimedSerializer<string>('secret-key')
 * const token = s.dumps('hello')
 * s.loads(token, { maxAge: 60 }) // 'hello', or SignatureExpired after a minute
 * ```
 */
export class TimedSerializer<T = unknown> extends Serializer<T> {
  protected override createSigner(salt: string): TimestampSigner {
    return new TimestampSigner(this.secretKeys, { ...this.signerOptions, salt })
  }

  /**
   * The timestamp signer for a salt (cached).
   *
   * @example
   * ```ts
   * s.makeSigner().getTimestamp()
   * ```
   */
  override makeSigner(salt?: string): TimestampSigner {
    return super.makeSigner(salt) as TimestampSigner
  }

  /**
   * Verifies a token, checks its age against `maxAge` (seconds), and returns
   * its value, or `[value, dateSigned]` with `returnTimestamp`.
   *
   * @throws {@link SignatureExpired} for a valid but too old token;
   *   {@link BadSignature} (or a subclass) for anything else that is wrong.
   *
   * @example
   * ```ts
   * const email = s.loads(token, { maxAge: 3600 })
   * const [value, signedAt] = s.loads(token, { returnTimestamp: true })
   * ```
   */
  override loads(token: string, options: TimedLoadsOptions & { returnTimestamp: true }): [T, Date]
  override loads(token: string, options?: TimedLoadsOptions & { returnTimestamp?: false }): T
  override loads(token: string, options?: TimedLoadsOptions): T | [T, Date]
  override loads(token: string, options: TimedLoadsOptions = {}): T | [T, Date] {
    const [payload, dateSigned] = this.makeSigner(options.salt).unsign(token, {
      maxAge: options.maxAge,
      returnTimestamp: true,
    })
    const value = this.loadPayload(payload)
    return options.returnTimestamp ? [value, dateSigned] : value
  }
}

function urlSafeDump(json: string): string {
  const raw = Buffer.from(json, 'utf8')
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
  try {
    return utf8Decoder.decode(bytes)
  } catch (err) {
    throw new BadPayload('The payload is not valid UTF-8', { payload, cause: err })
  }
}

function maxDecompressed(options: SerializerOptions): number {
  const max = options.maxDecompressedSize ?? DEFAULT_MAX_DECOMPRESSED
  if (!Number.isInteger(max) || max < 1) throw new TypeError('maxDecompressedSize must be a positive integer')
  return max
}

/**
 * A {@link Serializer} whose tokens only use `A-Z a-z 0-9 - _ .`: compact
 * JSON, zlib-compressed when that is shorter (then prefixed with `.`), then
 * base64url. Safe in URLs and cookies.
 *
 * @example
 * ```ts
 * const s = new URLSafeSerializer<{ list: number[] }>('secret-key', { salt: 'share' })
 * const url = `/shared/${s.dumps({ list: [1, 2, 3] })}`
 * ```
 */
export class URLSafeSerializer<T = unknown> extends Serializer<T> {
  readonly #maxSize: number

  /**
   * @example
   * ```ts
   * new URLSafeSerializer('secret-key', { salt: 'unsubscribe', maxDecompressedSize: 64 * 1024 })
   * ```
   */
  constructor(secretKey: SecretKey | readonly SecretKey[], options: SerializerOptions = {}) {
    super(secretKey, options)
    this.#maxSize = maxDecompressed(options)
  }

  /**
   * Encodes a value as URL-safe payload text.
   *
   * @example
   * ```ts
   * s.dumpPayload({ a: 1 }) // 'eyJhIjoxfQ'
   * ```
   */
  override dumpPayload(value: T): string {
    return urlSafeDump(super.dumpPayload(value))
  }

  /**
   * Decodes URL-safe payload text (bounded decompression).
   *
   * @example
   * ```ts
   * s.loadPayload('eyJhIjoxfQ') // { a: 1 }
   * ```
   */
  override loadPayload(payload: string): T {
    return super.loadPayload(urlSafeLoad(payload, this.#maxSize))
  }
}

/**
 * The URL-safe, timestamped serializer: what Phial's session cookie uses, and
 * the right choice for e-mail confirmation and password-reset links.
 *
 * @example
 * ```ts
 * const tokens = new URLSafeTimedSerializer<{ email: string }>(app.config.SECRET_KEY!, { salt: 'email-confirm' })
 * const link = urlFor('confirm', { token: tokens.dumps({ email }), _external: true })
 * // in the confirm view:
 * const { email } = tokens.loads(token, { maxAge: 24 * 3600 })
 * ```
 */
export class URLSafeTimedSerializer<T = unknown> extends TimedSerializer<T> {
  readonly #maxSize: number

  /**
   * @example
   * ```ts
   * // Key rotation: signs with 'new-key', still accepts tokens made with 'old-key'.
   * const tokens = new URLSafeTimedSerializer(['old-key', 'new-key'], { salt: 'reset' })
   * ```
   */
  constructor(secretKey: SecretKey | readonly SecretKey[], options: SerializerOptions = {}) {
    super(secretKey, options)
    this.#maxSize = maxDecompressed(options)
  }

  /**
   * Encodes a value as URL-safe payload text.
   *
   * @example
   * ```ts
   * tokens.dumpPayload({ a: 1 }) // 'eyJhIjoxfQ'
   * ```
   */
  override dumpPayload(value: T): string {
    return urlSafeDump(super.dumpPayload(value))
  }

  /**
   * Decodes URL-safe payload text (bounded decompression).
   *
   * @example
   * ```ts
   * tokens.loadPayload('eyJhIjoxfQ') // { a: 1 }
   * ```
   */
  override loadPayload(payload: string): T {
    return super.loadPayload(urlSafeLoad(payload, this.#maxSize))
  }
}
