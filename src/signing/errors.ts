/**
 * The errors of signing and loading (itsdangerous' `exc`): every failure is a
 * `BadData`, a wrong or tampered signature a `BadSignature`.
 *
 * @module
 */

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
