/**
 * OpenAPI security: the requirement type of operations, blueprints and
 * Apis, and the security schemes of `phial/login`'s token manager when the
 * app uses one (read from the app, so `phial/rest` does not depend on
 * `phial/login`).
 */
import type { Phial } from 'phial'

/**
 * An OpenAPI security requirement list: `[{ Token: [] }]` needs the
 * `Token` scheme; `[{}, { Token: [] }]` takes it optionally; `[]` makes an
 * operation public when the document (or its blueprint) requires a scheme.
 *
 * @example
 * ```ts
 * const needsToken: SecurityRequirements = [{ Token: [] }]
 * const isPublic: SecurityRequirements = []
 * ```
 */
export type SecurityRequirements = ReadonlyArray<Readonly<Record<string, readonly string[]>>>

/**
 * The security schemes of the app's `JWTManager` (`phial/login`), if it
 * has one, under `name`: a header token (`Authorization: Bearer <jwt>` as
 * an HTTP bearer scheme, any other header or type as an API key in that
 * header) and, with cookies among `JWT_TOKEN_LOCATION`, `<name>Cookie`.
 *
 * @example
 * ```ts
 * jwtSecuritySchemes(app, 'Token')
 * // { Token: { type: 'apiKey', in: 'header', name: 'Authorization', description: "'Authorization: Token <JWT>'" } }
 * ```
 */
export function jwtSecuritySchemes(app: Phial, name: string): Record<string, Record<string, unknown>> {
  if (app.extensions.jwt === undefined) return {}
  const config = app.config
  const locations = (config.get('JWT_TOKEN_LOCATION') as readonly string[] | string | undefined) ?? ['headers']
  const where = typeof locations === 'string' ? [locations] : locations
  const schemes: Record<string, Record<string, unknown>> = {}
  if (where.includes('headers')) {
    const header = (config.get('JWT_HEADER_NAME') as string | undefined) ?? 'Authorization'
    const type = (config.get('JWT_HEADER_TYPE') as string | undefined) ?? 'Bearer'
    if (header.toLowerCase() === 'authorization' && type.toLowerCase() === 'bearer') {
      schemes[name] = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }
    } else {
      const value = type ? `${type} <JWT>` : '<JWT>'
      schemes[name] = { type: 'apiKey', in: 'header', name: header, description: `A token, sent as '${header}: ${value}'.` }
    }
  }
  if (where.includes('cookies')) {
    const cookie = (config.get('JWT_ACCESS_COOKIE_NAME') as string | undefined) ?? 'access_token_cookie'
    schemes[`${name}Cookie`] = { type: 'apiKey', in: 'cookie', name: cookie, description: 'The access token cookie set at login.' }
  }
  return schemes
}
