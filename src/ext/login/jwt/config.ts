/**
 * The `JWT_*` settings (Flask-JWT-Extended's names): their types on
 * `app.config` and their defaults.
 */
import type { Config } from 'phial'

/** Where a token may be sent. */
export type TokenLocation = 'headers' | 'cookies'

declare module 'phial' {
  interface ConfigValues {
    /** Where tokens are looked for: `'headers'`, `'cookies'`, or both (tried in order). Default `['headers']`. */
    JWT_TOKEN_LOCATION: TokenLocation[]
    /** Key that signs HS* tokens; `null` uses `SECRET_KEY`. Default `null`. */
    JWT_SECRET_KEY: string | null
    /** PEM private key that signs RS*, PS*, ES* and EdDSA tokens. Default `null`. */
    JWT_PRIVATE_KEY: string | null
    /** PEM public key that verifies them. Default `null`. */
    JWT_PUBLIC_KEY: string | null
    /** Algorithm of new tokens. Default `'HS256'`. */
    JWT_ALGORITHM: string
    /** Algorithms accepted when verifying; `null` accepts only `JWT_ALGORITHM`. `none` is never accepted. Default `null`. */
    JWT_DECODE_ALGORITHMS: string[] | null
    /** Lifetime of access tokens in seconds; `false` for none. Default 900 (15 minutes). */
    JWT_ACCESS_TOKEN_EXPIRES: number | false
    /** Lifetime of refresh tokens in seconds; `false` for none. Default 30 days. */
    JWT_REFRESH_TOKEN_EXPIRES: number | false
    /** Seconds of clock skew tolerated on `exp` and `nbf`. Default 0. */
    JWT_DECODE_LEEWAY: number
    /** Claim that carries the identity. Default `'sub'`. */
    JWT_IDENTITY_CLAIM: string
    /** `iss` of new tokens. Default `null`. */
    JWT_ENCODE_ISSUER: string | null
    /** Required `iss` when verifying. Default `null`. */
    JWT_DECODE_ISSUER: string | null
    /** `aud` of new tokens. Default `null`. */
    JWT_ENCODE_AUDIENCE: string | string[] | null
    /** Accepted `aud` when verifying. Default `null`. */
    JWT_DECODE_AUDIENCE: string | string[] | null
    /** Header that carries the token. Default `'Authorization'`. */
    JWT_HEADER_NAME: string
    /** Scheme before the token in that header (`'Token'` for the RealWorld API); `''` for a bare token. Default `'Bearer'`. */
    JWT_HEADER_TYPE: string
    /** Key of the message in error bodies. Default `'msg'`. */
    JWT_ERROR_MESSAGE_KEY: string
    /** Cookie of the access token. Default `'access_token_cookie'`. */
    JWT_ACCESS_COOKIE_NAME: string
    /** Cookie of the refresh token. Default `'refresh_token_cookie'`. */
    JWT_REFRESH_COOKIE_NAME: string
    /** Path of the access-token cookie. Default `'/'`. */
    JWT_ACCESS_COOKIE_PATH: string
    /** Path of the refresh-token cookie. Default `'/'`. */
    JWT_REFRESH_COOKIE_PATH: string
    /** Domain of the token cookies. Default `null`. */
    JWT_COOKIE_DOMAIN: string | null
    /** `Secure` on the token cookies. Default `false` (set it in production). */
    JWT_COOKIE_SECURE: boolean
    /** `SameSite` of the token cookies. Default `'Lax'`. */
    JWT_COOKIE_SAMESITE: 'Strict' | 'Lax' | 'None' | null
    /** Token cookies end with the browser session (no `Expires`). Default `true`. */
    JWT_SESSION_COOKIE: boolean
    /** Double-submit CSRF protection for tokens sent in cookies. Default `true`. */
    JWT_COOKIE_CSRF_PROTECT: boolean
    /** Methods that need the CSRF header with a cookie token. Default `['POST', 'PUT', 'PATCH', 'DELETE']`. */
    JWT_CSRF_METHODS: string[]
    /** Header carrying the CSRF value of an access-token cookie. Default `'X-CSRF-TOKEN'`. */
    JWT_ACCESS_CSRF_HEADER_NAME: string
    /** Header carrying the CSRF value of a refresh-token cookie. Default `'X-CSRF-TOKEN'`. */
    JWT_REFRESH_CSRF_HEADER_NAME: string
    /** Also set the CSRF values in cookies scripts can read. Default `true`. */
    JWT_CSRF_IN_COOKIES: boolean
    /** Readable cookie with the access token's CSRF value. Default `'csrf_access_token'`. */
    JWT_ACCESS_CSRF_COOKIE_NAME: string
    /** Readable cookie with the refresh token's CSRF value. Default `'csrf_refresh_token'`. */
    JWT_REFRESH_CSRF_COOKIE_NAME: string
  }
}

/**
 * The defaults `JWTManager.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * JWT_DEFAULTS.JWT_ACCESS_TOKEN_EXPIRES // 900
 * ```
 */
export const JWT_DEFAULTS = Object.freeze({
  JWT_TOKEN_LOCATION: ['headers'] as TokenLocation[],
  JWT_SECRET_KEY: null,
  JWT_PRIVATE_KEY: null,
  JWT_PUBLIC_KEY: null,
  JWT_ALGORITHM: 'HS256',
  JWT_DECODE_ALGORITHMS: null,
  JWT_ACCESS_TOKEN_EXPIRES: 15 * 60,
  JWT_REFRESH_TOKEN_EXPIRES: 30 * 24 * 3600,
  JWT_DECODE_LEEWAY: 0,
  JWT_IDENTITY_CLAIM: 'sub',
  JWT_ENCODE_ISSUER: null,
  JWT_DECODE_ISSUER: null,
  JWT_ENCODE_AUDIENCE: null,
  JWT_DECODE_AUDIENCE: null,
  JWT_HEADER_NAME: 'Authorization',
  JWT_HEADER_TYPE: 'Bearer',
  JWT_ERROR_MESSAGE_KEY: 'msg',
  JWT_ACCESS_COOKIE_NAME: 'access_token_cookie',
  JWT_REFRESH_COOKIE_NAME: 'refresh_token_cookie',
  JWT_ACCESS_COOKIE_PATH: '/',
  JWT_REFRESH_COOKIE_PATH: '/',
  JWT_COOKIE_DOMAIN: null,
  JWT_COOKIE_SECURE: false,
  JWT_COOKIE_SAMESITE: 'Lax',
  JWT_SESSION_COOKIE: true,
  JWT_COOKIE_CSRF_PROTECT: true,
  JWT_CSRF_METHODS: ['POST', 'PUT', 'PATCH', 'DELETE'],
  JWT_ACCESS_CSRF_HEADER_NAME: 'X-CSRF-TOKEN',
  JWT_REFRESH_CSRF_HEADER_NAME: 'X-CSRF-TOKEN',
  JWT_CSRF_IN_COOKIES: true,
  JWT_ACCESS_CSRF_COOKIE_NAME: 'csrf_access_token',
  JWT_REFRESH_CSRF_COOKIE_NAME: 'csrf_refresh_token',
})

/**
 * Sets each `JWT_*` key that is not set yet to its default (lists copied).
 *
 * @example
 * ```ts
 * applyJwtDefaults(app.config)
 * app.config.JWT_HEADER_TYPE // 'Bearer'
 * ```
 */
export function applyJwtDefaults(config: Config): void {
  for (const [key, value] of Object.entries(JWT_DEFAULTS)) {
    config.setDefault(key, Array.isArray(value) ? [...value] : value)
  }
}
