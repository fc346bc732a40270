/**
 * `phial/signing`: itsdangerous for Phial — signers and serializers for tokens in e-mail links,
 * API keys and the session cookie.
 *
 * @example
 * import { URLSafeTimedSerializer } from 'phial/signing'
 * const s = new URLSafeTimedSerializer(process.env.SECRET_KEY!, { salt: 'reset' })
 * const token = s.dumps({ userId: 1 })
 * s.loads(token, { maxAge: 3600 })   // { userId: 1 }
 *
 * @module
 */
export * from '../sessions/signing.ts'
