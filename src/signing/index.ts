/**
 * `phial/signing`: itsdangerous for Phial — signers and serializers for
 * tokens in e-mail links, API keys and the session cookie, split as
 * itsdangerous is (errors, encoding, signer, timed, serializer, url-safe).
 *
 * Signed data is **not encrypted**: anyone can base64-decode and read it.
 * With `digestMethod: 'sha1'` and the same secret, salt and key derivation,
 * tokens made here load in Python and the other way round; Phial's default
 * digest is SHA-256.
 *
 * @example
 * ```ts
 * import { URLSafeTimedSerializer } from 'phial/signing'
 * const s = new URLSafeTimedSerializer(process.env.SECRET_KEY!, { salt: 'reset' })
 * const token = s.dumps({ userId: 1 })
 * s.loads(token, { maxAge: 3600 })   // { userId: 1 }
 * ```
 *
 * @module
 */
export { BadData, BadPayload, BadSignature, BadTimeSignature, SignatureExpired } from './errors.ts'
export type { SecretKey } from './encoding.ts'
export { Signer, type SignerOptions } from './signer.ts'
export { TimestampSigner, TimedSerializer, type UnsignOptions } from './timed.ts'
export { Serializer, type LoadsOptions, type PayloadSerializer, type SerializerOptions, type TimedLoadsOptions } from './serializer.ts'
export { URLSafeSerializer, URLSafeTimedSerializer } from './url-safe.ts'
