/**
 * Token authentication (Flask-JWT-Extended's part of phial/login): the
 * RealWorld `Authorization: Token <jwt>` header, the user a token names, and
 * the two guards every resource uses.
 */
import { JWTManager, createAccessToken, getCurrentUser, jwtRequired } from 'phial/login'
import type { SecurityRequirements } from 'phial/rest'
import { db } from './db.ts'
import { ConduitUser } from './models.ts'

export const jwt = new JWTManager()

// the token's subject is the user's id; a token whose user was deleted is a 401
jwt.userLookupLoader((identity) => db.session.get(ConduitUser, Number(identity)))

/** A valid token is required: 401 without one, or with a bad one. */
export const authRequired = jwtRequired()
/** A token is optional (a bad one is still a 401): `following` and `favorited` are then the viewer's. */
export const authOptional = jwtRequired({ optional: true })

/** The document's `security` of an operation behind {@link authRequired}. */
export const TOKEN: SecurityRequirements = [{ Token: [] }]
/** The document's `security` of an operation behind {@link authOptional}: no token, or a valid one. */
export const OPTIONAL_TOKEN: SecurityRequirements = [{}, { Token: [] }]

/** The user of the request's token, or null for an anonymous request. @example const me = viewer() */
export function viewer(): ConduitUser | null {
  return getCurrentUser<ConduitUser>()
}

/** The signed-in user, in a handler behind {@link authRequired}. @example const me = currentConduitUser() */
export function currentConduitUser(): ConduitUser {
  const user = viewer()
  if (user === null) throw new Error('currentConduitUser() needs authRequired on the handler.')
  return user
}

/** A new access token for `user`. @example const token = await tokenFor(user) */
export function tokenFor(user: ConduitUser): Promise<string> {
  return createAccessToken(String(user.id))
}
