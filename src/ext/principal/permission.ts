/**
 * Permissions (Flask-Principal's `Permission`, `Denial`, `require`): sets of
 * needs an identity must meet, checked in a view wrapper, a guard or a block.
 */
import { Context, currentContext, Forbidden, httpException, type ViewReturn } from 'phial'
import type { Identity } from './identity.ts'
import { type Need, NeedSet, needKey } from './needs.ts'
import { currentIdentity, ensureIdentity } from './state.ts'

type AnyView = (...args: any[]) => unknown

/**
 * Raised when a permission is denied: a 403 (or the status given to
 * `require(status)`) carrying the permission, so a handler can say what was
 * missing.
 *
 * @example
 * ```ts
 * app.errorHandler(PermissionDenied, (e) => [renderTemplate('denied.html', { needs: e.permission.needs }), e.code])
 * ```
 */
export class PermissionDenied extends Forbidden {
  constructor(
    readonly permission: BasePermission,
    status = 403,
  ) {
    // another status hides the page: its description must not talk about permissions
    super(status === 403 ? null : httpException(status).description)
    this.code = status
  }
}

/**
 * A view wrapper that is also a `beforeRequest` guard, as `require()`,
 * `rolesRequired` and `rolesAccepted` return.
 *
 * @example
 * ```ts
 * const adminOnly: PermissionGuard = adminPermission.require()
 * app.get('/admin', adminOnly(function admin() { return 'hi' }))
 * adminBlueprint.beforeRequest(adminOnly)
 * ```
 */
export interface PermissionGuard {
  <V extends AnyView>(view: V): V
  (ctx: Context): ViewReturn | void | Promise<ViewReturn | void>
}

/**
 * Builds a guard from a check on the identity and what to do on refusal
 * (throw). Shared by permissions and the roles helpers.
 *
 * @example
 * ```ts
 * const staffOnly = makeGuard((identity, ctx) => { if (!identity.provides.has(TypeNeed('staff'))) throw new PermissionDenied(staff) })
 * ```
 */
export function makeGuard(enforce: (identity: Identity, ctx: Context) => ViewReturn | void): PermissionGuard {
  const run = (ctx: Context): ViewReturn | void | Promise<ViewReturn | void> => {
    const identity = ensureIdentity(ctx)
    if (identity instanceof Promise) return identity.then((id) => enforce(id, ctx))
    return enforce(identity, ctx)
  }
  const guard = (target: AnyView | Context): unknown => {
    if (typeof target !== 'function') return run(target)
    const view = target
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const given = args[1]
      const ctx = given instanceof Context ? given : currentContext()
      const refused = run(ctx)
      if (refused instanceof Promise) return refused.then((rv) => (rv === undefined || rv === null ? view.apply(this, args) : rv))
      if (refused !== undefined && refused !== null) return refused
      return view.apply(this, args)
    }
    Object.defineProperty(wrapped, 'name', { value: view.name, configurable: true })
    return wrapped
  }
  return guard as PermissionGuard
}

/**
 * What every permission can do; subclass it and implement `allows` for a
 * rule that is not a set of needs.
 *
 * @example
 * ```ts
 * class OwnerPermission extends BasePermission {
 *   constructor(private ownerId: string) { super() }
 *   allows(identity: Identity) { return identity.id === this.ownerId }
 * }
 * ```
 */
export abstract class BasePermission {
  /** Status of the error when denied (Flask-Principal's `http_exception`); default 403. */
  httpException: number | null = null

  /** Whether `identity` meets this permission. */
  abstract allows(identity: Identity): boolean

  /**
   * Whether the current identity meets this permission (Flask-Principal's
   * `permission.can()`, or `bool(permission)`).
   *
   * @example
   * ```ts
   * if (editPermission.can()) links.push('edit')
   * ```
   */
  can(): boolean {
    return this.allows(currentIdentity())
  }

  /**
   * Throws {@link PermissionDenied} (status `status`, default 403) unless the
   * current identity meets this permission (Flask-Principal's `test`).
   *
   * @example
   * ```ts
   * adminPermission.test()      // 403 when denied
   * adminPermission.test(404)   // hide the page instead
   * ```
   */
  test(status?: number): void {
    if (!this.can()) throw new PermissionDenied(this, status ?? this.httpException ?? 403)
  }

  /**
   * Requires this permission. With no function, returns a view wrapper that
   * is also a `beforeRequest` guard; with a function (a block), checks now,
   * then runs it and resolves to what it returns. Denied: throws (rejects
   * with) {@link PermissionDenied}, a 403 — or `status`.
   *
   * @example
   * ```ts
   * app.get('/admin', adminPermission.require()(function admin() { return 'hi' }))
   * app.get('/hidden', adminPermission.require(404)(function hidden() { return 'hi' }))
   * app.post('/posts/<int:id>/delete', async function del({ id }) {
   *   return await editPost(id).require(async () => { await posts.delete(id); return redirect('/') })
   * })
   * ```
   */
  require(status?: number): PermissionGuard
  require<T>(block: () => T): Promise<Awaited<T>>
  require<T>(status: number, block: () => T): Promise<Awaited<T>>
  require<T>(first?: number | (() => T), second?: () => T): PermissionGuard | Promise<Awaited<T>> {
    const block = typeof first === 'function' ? first : second
    const status = (typeof first === 'number' ? first : undefined) ?? this.httpException ?? 403
    if (block === undefined) {
      return makeGuard((identity) => {
        if (!this.allows(identity)) throw new PermissionDenied(this, status)
      })
    }
    return (async (): Promise<Awaited<T>> => {
      const identity = await ensureIdentity()
      if (!this.allows(identity)) throw new PermissionDenied(this, status)
      return await block()
    })()
  }
}

/**
 * A permission met by an identity that provides **any** of its needs (and
 * none of its excluded needs). An empty permission allows everyone.
 *
 * @example
 * ```ts
 * const adminPermission = new Permission(RoleNeed('admin'))
 * const staff = new Permission(RoleNeed('admin'), RoleNeed('editor')) // either role
 * ```
 */
export class Permission extends BasePermission {
  /** Each need's key to the need and whether it is required (true) or excluded (false). */
  protected readonly perms = new Map<string, { need: Need; allowed: boolean }>()

  constructor(...needs: Need[]) {
    super()
    for (const need of needs) this.set(need, true)
  }

  protected set(need: Need, allowed: boolean): void {
    this.perms.set(needKey(need), { need, allowed })
  }

  /** The needs of which one must be provided. */
  get needs(): NeedSet {
    return new NeedSet([...this.perms.values()].filter((p) => p.allowed).map((p) => p.need))
  }

  /** The needs none of which may be provided. */
  get excludes(): NeedSet {
    return new NeedSet([...this.perms.values()].filter((p) => !p.allowed).map((p) => p.need))
  }

  /** A permission with needs and excludes swapped. */
  reverse(): Permission {
    const p = new Permission()
    for (const { need, allowed } of this.perms.values()) p.set(need, !allowed)
    return p
  }

  /**
   * A permission with the needs (and excludes) of both (Flask-Principal's `|`).
   *
   * @example
   * ```ts
   * const staff = adminPermission.union(editorPermission)
   * ```
   */
  union(other: Permission): Permission {
    const p = new Permission()
    for (const need of [...this.needs, ...other.needs]) p.set(need, true)
    for (const need of [...this.excludes, ...other.excludes]) p.set(need, false)
    return p
  }

  /**
   * A permission with the needs (and excludes) of this one that `other` lacks (Flask-Principal's `-`).
   *
   * @example
   * ```ts
   * const onlyAdmins = staff.difference(editorPermission)
   * ```
   */
  difference(other: Permission): Permission {
    const p = new Permission()
    const otherNeeds = other.needs
    const otherExcludes = other.excludes
    for (const need of this.needs) if (!otherNeeds.has(need)) p.set(need, true)
    for (const need of this.excludes) if (!otherExcludes.has(need)) p.set(need, false)
    return p
  }

  /** Whether this permission's needs and excludes are all in `other`'s (`p in q`). */
  issubset(other: Permission): boolean {
    return this.needs.isSubsetOf(other.needs) && this.excludes.isSubsetOf(other.excludes)
  }

  allows(identity: Identity): boolean {
    const needs = this.needs
    if (needs.size > 0 && !needs.intersects(identity.provides)) return false
    const excludes = this.excludes
    if (excludes.size > 0 && excludes.intersects(identity.provides)) return false
    return true
  }

  override toString(): string {
    return `<Permission needs=${JSON.stringify(this.needs)} excludes=${JSON.stringify(this.excludes)}>`
  }
}

/**
 * A permission met by an identity that provides **none** of the needs (Flask-Principal's `Denial`).
 *
 * @example
 * ```ts
 * const notBanned = new Denial(RoleNeed('banned'))
 * ```
 */
export class Denial extends Permission {
  constructor(...excludes: Need[]) {
    super()
    for (const need of excludes) this.set(need, false)
  }
}
