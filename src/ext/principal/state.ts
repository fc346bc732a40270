/**
 * The identity of the current request, loaded on first use.
 */
import { currentContext, type Context } from 'phial'
import { loadUser } from 'phial/login'
import { AnonymousIdentity, type Identity } from './identity.ts'
import type { Principal } from './principal.ts'

const identities = new WeakMap<Context, Identity>()

/**
 * The app's {@link Principal}; throws an error that says how to set one up.
 *
 * @example
 * ```ts
 * principalOf(currentApp).setIdentity(new Identity('42'))
 * ```
 */
export function principalOf(app: Context['app']): Principal {
  const principal = app.extensions.principal as Principal | undefined
  if (principal === undefined) throw new Error('phial/principal is not set up for this app: create a Principal and call principal.initApp(app).')
  return principal
}

/** @internal Sets the identity of a context (use `principal.setIdentity`). */
export function storeIdentity(ctx: Context, identity: Identity): void {
  identities.set(ctx, identity)
}

/** @internal The identity of a context if it was loaded. */
export function storedIdentity(ctx: Context): Identity | undefined {
  return identities.get(ctx)
}

/**
 * The identity of the current request (Flask-Principal's `g.identity`, which
 * Phial also sets): loaded by the identity loaders on first use, the
 * anonymous identity when none finds one. Outside a request: anonymous.
 *
 * @example
 * ```ts
 * currentIdentity().provides.has(RoleNeed('admin'))
 * ```
 */
export function currentIdentity(ctx: Context = currentContext()): Identity {
  const known = identities.get(ctx)
  if (known !== undefined) return known
  if (!ctx.hasRequest) return new AnonymousIdentity()
  return principalOf(ctx.app).loadIdentity(ctx)
}

/**
 * The identity once the user is loaded — waits for an asynchronous
 * `userLoader` of `phial/login` first. Permission checks in views use it.
 *
 * @example
 * ```ts
 * const identity = await ensureIdentity(ctx)
 * ```
 */
export function ensureIdentity(ctx: Context = currentContext()): Identity | Promise<Identity> {
  const known = identities.get(ctx)
  if (known !== undefined) return known
  if (ctx.hasRequest && ctx.app.extensions.login !== undefined) {
    const user = loadUser(ctx)
    if (user instanceof Promise) return user.then(() => currentIdentity(ctx))
  }
  return currentIdentity(ctx)
}
