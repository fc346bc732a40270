/**
 * `Signer` (itsdangerous' `signer`): `value.signature` with an HMAC over a
 * derived key; key rotation with a list of secrets; constant-time checks.
 *
 * @module
 */
import { createHash, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto'
import { type SecretKey, toBytes, toText, BASE64URL, BASE64_ALPHABET } from './encoding.ts'
import { BadSignature } from './errors.ts'
import { HmacSha256 } from './hmac-sha256.ts'

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
  /**
   * Remember this many recently signed or verified strings (of at most 4 KiB
   * each), so that verifying one of them again skips the HMAC. Exact: a
   * string that verified under these keys always verifies under them (a
   * timestamp's age is still checked by {@link TimestampSigner}). For
   * tokens that come straight back, as the session cookie does. Default 0
   * (off); a subclass that overrides `verifySignature` is always asked.
   */
  verifiedCacheSize?: number
}

const KEY_DERIVATIONS = new Set(['concat', 'django-concat', 'hmac', 'none'])
const DIGESTS = new Set(['sha1', 'sha256', 'sha512'])
const DIGEST_BYTES: Record<string, number> = { sha1: 20, sha256: 32, sha512: 64 }

/** The 6-bit value of a base64url character (the text passed BASE64URL). */
function base64Value(code: number): number {
  if (code >= 97) return code - 71 // a-z
  if (code === 95) return 63 // _
  if (code >= 65) return code - 65 // A-Z
  if (code >= 48) return code + 4 // 0-9
  return 62 // -
}

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
  /** Derived keys as key objects (made once, not per HMAC), newest first (the verification order). */
  readonly #derived: readonly KeyObject[]
  /** The same keys for the JavaScript HMAC of short strings (SHA-256 only), else null. */
  readonly #fast: readonly HmacSha256[] | null
  /** Length of a canonical signature in base64url characters, and the mask of its last character's padding bits. */
  readonly #sigLength: number
  readonly #padMask: number
  /** Recently signed or verified strings → their value (insertion order: the oldest is dropped first). */
  readonly #verified: Map<string, string> | null
  readonly #verifiedMax: number

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
    const derived = this.secretKeys.map((k) => this.deriveKey(k)).reverse()
    this.#derived = derived.map((k) => createSecretKey(k))
    this.#fast = this.digestMethod === 'sha256' && derived.every((k) => k.length <= 64) ? derived.map((k) => new HmacSha256(k)) : null
    const bytes = DIGEST_BYTES[this.digestMethod]!
    this.#sigLength = Math.ceil((bytes * 8) / 6)
    this.#padMask = (1 << (this.#sigLength * 6 - bytes * 8)) - 1
    const cacheSize = options.verifiedCacheSize ?? 0
    if (!Number.isInteger(cacheSize) || cacheSize < 0) throw new TypeError('verifiedCacheSize must be a non-negative integer')
    this.#verifiedMax = cacheSize
    this.#verified = cacheSize > 0 ? new Map() : null
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
    return this.#mac(0, value).toString('base64url')
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
    if (typeof signature !== 'string' || signature.length !== this.#sigLength || !BASE64URL.test(signature)) return false
    // canonical only: the padding bits of the last character are zero (so one digest has one spelling)
    if ((base64Value(signature.charCodeAt(signature.length - 1)) & this.#padMask) !== 0) return false
    // the signature's bytes against each digest (no re-encoding of the digest per key)
    const given = Buffer.from(signature, 'base64url')
    for (let i = 0; i < this.#derived.length; i++) {
      if (timingSafeEqual(this.#mac(i, value), given)) return true
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
    const signed = `${text}${this.sep}${this.getSignature(text)}`
    if (this.#verified !== null) this.#remember(signed, text)
    return signed
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
    const cache = this.#verified
    if (cache !== null && this.verifySignature === Signer.prototype.verifySignature) {
      const known = cache.get(signed)
      if (known !== undefined) return known
    }
    const value = signed.slice(0, at)
    const signature = signed.slice(at + this.sep.length)
    if (this.verifySignature(value, signature)) {
      if (cache !== null) this.#remember(signed, value)
      return value
    }
    throw new BadSignature(`Signature '${signature}' does not match`, { payload: value })
  }

  #remember(signed: string, value: string): void {
    const cache = this.#verified!
    if (signed.length > 4096 || cache.has(signed)) return
    if (cache.size >= this.#verifiedMax) cache.delete(cache.keys().next().value!)
    cache.set(signed, value)
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

  /** The MAC of `value` with the i-th derived key (newest first). */
  #mac(i: number, value: string | Uint8Array): Buffer {
    if (typeof value === 'string') {
      // short ASCII (a session token): the same HMAC in JavaScript, without Node's per-call setup (hmac-sha256.ts)
      const fast = this.#fast === null ? null : this.#fast[i]!.digest(value)
      if (fast !== null) return fast
      return createHmac(this.digestMethod, this.#derived[i]!).update(value).digest()
    }
    return createHmac(this.digestMethod, this.#derived[i]!).update(toBytes(value)).digest()
  }
}
