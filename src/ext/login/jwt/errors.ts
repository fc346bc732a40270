/**
 * The error every refused token raises: a 401 whose JSON body says why.
 */
import { currentContext, hasContext, Unauthorized } from 'phial'

/**
 * A refused token (Flask-JWT-Extended's errors, all one class here): a 401
 * with `{"msg": "<reason>"}` as its body whatever the client accepts (API
 * clients read it), and a `WWW-Authenticate: Bearer` challenge. `reason` is
 * one of: `Missing Authorization Header`, `Bad Authorization header. …`,
 * `Missing cookie "…"`, `Token has expired`, `Signature verification
 * failed`, `The token's algorithm (…) is not allowed`, `Invalid token: …`,
 * `Only non-refresh tokens are allowed`, `Only refresh tokens are allowed`,
 * `Fresh token required`, `Token has been revoked`, `Missing CSRF token`,
 * `CSRF double submit tokens do not match`, `Error loading the user …`.
 * Handle the class to answer differently.
 *
 * @example
 * ```ts
 * import { JWTError } from 'phial/login'
 * app.errorHandler(JWTError, (e) => [{ errors: { body: [e.description] } }, 401])
 * ```
 */
export class JWTError extends Unauthorized {
  static override description = 'The access token was refused.'

  constructor(reason: string, scheme = 'Bearer') {
    super(reason, { wwwAuthenticate: scheme ? `${scheme} realm="api"` : null })
  }

  override getBody(_wantsJson: boolean): { body: string; contentType: string } {
    const key = hasContext() ? ((currentContext().app.config.get('JWT_ERROR_MESSAGE_KEY') as string | undefined) ?? 'msg') : 'msg'
    return { body: JSON.stringify({ [key]: this.description }), contentType: 'application/json' }
  }
}
