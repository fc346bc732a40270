/**
 * Identities (Flask-Principal's): who the request acts as, and the needs
 * that identity provides.
 */
import { NeedSet } from './needs.ts'
import type { Permission } from './permission.ts'

/**
 * The identity of a request: an id (usually the user id), how it was
 * established (`authType`), and the needs it provides — filled in by
 * `identityLoaded` receivers (and, with `phial/login`, from the user's roles).
 *
 * @example
 * ```ts
 * const identity = new Identity('42', 'password')
 * identity.provides.add(RoleNeed('admin'))
 * identity.can(adminPermission) // true
 * ```
 */
export class Identity {
  /** The needs this identity provides. */
  readonly provides = new NeedSet()
  /** Anything you want to keep with it (Flask-Principal users put the user here). */
  user?: unknown

  constructor(
    readonly id: unknown,
    readonly authType: string | null = null,
  ) {}

  /** Whether this identity has `permission`. */
  can(permission: Permission): boolean {
    return permission.allows(this)
  }

  /** True for the identity of a request nobody is logged in to. */
  get isAnonymous(): boolean {
    return false
  }

  toString(): string {
    return `<${this.constructor.name} id=${JSON.stringify(this.id)} authType=${JSON.stringify(this.authType)} provides=${JSON.stringify(this.provides)}>`
  }
}

/**
 * The identity of a request nobody is logged in to.
 *
 * @example
 * ```ts
 * g.identity instanceof AnonymousIdentity // before login
 * ```
 */
export class AnonymousIdentity extends Identity {
  constructor() {
    super(null)
  }

  override get isAnonymous(): boolean {
    return true
  }
}
