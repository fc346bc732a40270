/**
 * `phial/principal`: identities, needs and permissions (Flask-Principal),
 * with a roles layer (`rolesRequired`, `rolesAccepted`), wired to
 * `phial/login` so the identity follows `currentUser`.
 *
 * @example
 * ```ts
 * import { Principal, Permission, RoleNeed, rolesRequired } from 'phial/principal'
 *
 * new Principal(app)
 * const admin = new Permission(RoleNeed('admin'))
 * app.get('/admin', admin.require()(function adminPage() { return 'admins only' }))
 * app.get('/mod', rolesRequired('moderator')(function mod() { return 'moderators only' }))
 * ```
 *
 * @module
 */
export { Principal, type PrincipalOptions, type IdentityLoader, type IdentitySaver } from './principal.ts'
export { Identity, AnonymousIdentity } from './identity.ts'
export { Need, RoleNeed, UserNeed, TypeNeed, ActionNeed, ItemNeed, NeedSet, needKey } from './needs.ts'
export { BasePermission, Permission, Denial, PermissionDenied, makeGuard, type PermissionGuard } from './permission.ts'
export { rolesRequired, rolesAccepted } from './roles.ts'
export { currentIdentity, ensureIdentity, principalOf } from './state.ts'
export { identityChanged, identityLoaded } from './signals.ts'
