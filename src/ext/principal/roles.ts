/**
 * The roles layer Flask-User and Flask-Security users expect:
 * `rolesRequired('admin')` and `rolesAccepted('editor', 'admin')`.
 */
import type { Context, ViewReturn } from 'phial'
import { loginManagerOf } from 'phial/login'
import type { Identity } from './identity.ts'
import { RoleNeed } from './needs.ts'
import { makeGuard, Permission, PermissionDenied, type PermissionGuard } from './permission.ts'

/** Nobody logged in: with phial/login that is a login problem (redirect or 401), not a 403. */
function notLoggedIn(identity: Identity, ctx: Context): ViewReturn | Promise<ViewReturn> | null {
  if (!identity.isAnonymous || ctx.app.extensions.login === undefined) return null
  return loginManagerOf(ctx.app).unauthorized(ctx)
}

/**
 * Requires **every** role named (Flask-Security's `roles_required`): a view
 * wrapper and `beforeRequest` guard. A logged-in user without them gets a 403
 * (`PermissionDenied`); nobody logged in gets the LoginManager's
 * `unauthorized()` (the login page, or 401).
 *
 * @example
 * ```ts
 * app.post('/users/<int:id>/ban', rolesRequired('admin', 'moderator')(function ban({ id }) { … }))
 * adminBlueprint.beforeRequest(rolesRequired('admin'))
 * ```
 */
export function rolesRequired(...roles: string[]): PermissionGuard {
  if (roles.length === 0) throw new TypeError('rolesRequired() needs at least one role name')
  const permission = new Permission(...roles.map(RoleNeed))
  return makeGuard((identity, ctx) => {
    const refused = notLoggedIn(identity, ctx)
    if (refused !== null) return refused as ViewReturn
    for (const role of roles) if (!identity.provides.has(RoleNeed(role))) throw new PermissionDenied(permission)
  })
}

/**
 * Requires **one** of the roles named (Flask-Security's `roles_accepted`).
 *
 * @example
 * ```ts
 * app.get('/drafts', rolesAccepted('editor', 'admin')(function drafts() { … }))
 * ```
 */
export function rolesAccepted(...roles: string[]): PermissionGuard {
  if (roles.length === 0) throw new TypeError('rolesAccepted() needs at least one role name')
  const permission = new Permission(...roles.map(RoleNeed))
  return makeGuard((identity, ctx) => {
    const refused = notLoggedIn(identity, ctx)
    if (refused !== null) return refused as ViewReturn
    if (!permission.allows(identity)) throw new PermissionDenied(permission)
  })
}
