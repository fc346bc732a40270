/**
 * Token auth (Flask-JWT-Extended's API), re-exported by `phial/login`.
 *
 * @example
 * ```ts
 * import { JWTManager, createAccessToken, jwtRequired } from 'phial/login'
 * ```
 *
 * @module
 */
export { JWTManager, type UserLookup } from './manager.ts'
export { createAccessToken, createRefreshToken, decodeToken, type JwtClaims, type TokenOptions } from './tokens.ts'
export { jwtRequired, verifyJwtInRequest, getJwt, getJwtIdentity, getJwtRequestLocation, getCurrentUser, type JwtGuard } from './required.ts'
export { jwtStateOf, type JwtState, type VerifyOptions } from './request.ts'
export { setAccessCookies, setRefreshCookies, unsetAccessCookies, unsetRefreshCookies, unsetJwtCookies } from './cookies.ts'
export { JWTError } from './errors.ts'
export { JWT_DEFAULTS, applyJwtDefaults, type TokenLocation } from './config.ts'
