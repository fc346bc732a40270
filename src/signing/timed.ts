/**
 * Timestamps (itsdangerous' `timed`): `TimestampSigner` signs the time with
 * the value, so a signature can expire; `TimedSerializer` is the serializer
 * over it.
 *
 * @module
 */
import { toText, base64Decode, intToBytes, bytesToInt, shortBase64ToInt } from './encoding.ts'
import { BadSignature, BadTimeSignature, SignatureExpired } from './errors.ts'
import { Signer } from './signer.ts'
import { Serializer, type TimedLoadsOptions } from './serializer.ts'

/** The largest time in seconds a Date holds (8.64e15 ms). */
const MAX_DATE_SECONDS = 8.64e12

// the base64url timestamp of the last second signed: tokens of the same second share it
let lastSecond = -1
let lastEncoded = ''

function encodeTimestamp(seconds: number): string {
  if (seconds !== lastSecond) {
    lastEncoded = intToBytes(seconds).toString('base64url')
    lastSecond = seconds
  }
  return lastEncoded
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
    return super.sign(`${text}${this.sep}${encodeTimestamp(this.getTimestamp())}`)
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
    // today's timestamps are 6 characters: read without a Buffer
    let n = shortBase64ToInt(text)
    if (n === undefined) {
      let bytes: Buffer
      try {
        bytes = base64Decode(text)
      } catch {
        return null
      }
      n = bytesToInt(bytes)
    }
    if (n === null) return null
    // a time a Date can hold; the built-in conversion is checked without making a Date
    if (this.timestampToDate === TimestampSigner.prototype.timestampToDate ? n > MAX_DATE_SECONDS : Number.isNaN(this.timestampToDate(n).getTime())) return null
    return n
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
    const signer = this.makeSigner(options.salt)
    if (!options.returnTimestamp) return this.loadPayload(signer.unsign(token, { maxAge: options.maxAge }))
    const [payload, dateSigned] = signer.unsign(token, {
      maxAge: options.maxAge,
      returnTimestamp: true,
    })
    const value = this.loadPayload(payload)
    return options.returnTimestamp ? [value, dateSigned] : value
  }
}
