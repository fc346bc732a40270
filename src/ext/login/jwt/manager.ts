/**
 * `JWTManager` (Flask-JWT-Extended's): token settings and callbacks, and the
 * bridge that makes a token's user `currentUser`.
 */
import type { Context, Phial } from 'phial'
import type { MaybeUser, TokenUserSource } from '../load.ts'
import type { LoginManager } from '../manager.ts'
import { applyJwtDefaults } from './config.ts'
import { JWTError } from './errors.ts'
import { checkRequestToken } from './request.ts'
import type { JwtClaims } from './tokens.ts'

/**
 * Loads the user a token names; null (or undefined) when they no longer exist.
 *
 * @example
 * ```ts
 * const lookup: UserLookup = async (identity) => db.users.findOneBy({ id: Number(identity) })
 * ```
 */
export type UserLookup = (identity: string, claims: JwtClaims) => MaybeUser | Promise<MaybeUser>

/**
 * Token auth for an API (Flask-JWT-Extended's `JWTManager`). With a
 * `LoginManager` on the same app, a valid token's user is `currentUser`
 * (its `userLoader` looks the identity up unless you set
 * `userLookupLoader`), so `loginRequired` and templates treat token and
 * session users alike. One instance serves many apps: `app.extensions.jwt`.
 *
 * @example
 * ```ts
 * import { JWTManager, createAccessToken, jwtRequired, currentUser } from 'phial/login'
 *
 * const jwt = new JWTManager(app)
 * jwt.userLookupLoader((identity) => users.get(identity) ?? null)
 * app.post('/api/token', async function token() { return { access_token: await createAccessToken('1') } })
 * app.get('/api/me', jwtRequired()(function me() { return { id: currentUser.getId() } }))
 * ```
 */
export class JWTManager implements TokenUserSource {
  #lookup: UserLookup | null = null
  #identity: ((identity: unknown) => unknown) | null = null
  #claims: ((identity: unknown) => Record<string, unknown>) | null = null
  #blocklist: ((claims: JwtClaims) => boolean | Promise<boolean>) | null = null
  #app: Phial | null = null

  /**
   * @example
   * ```ts
   * const jwt = new JWTManager(app)   // or new JWTManager() then jwt.initApp(app)
   * ```
   */
  constructor(app?: Phial) {
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Stores this manager in `app.extensions.jwt` and fills in the `JWT_*` settings.
   *
   * @example
   * ```ts
   * jwt.initApp(app)
   * ```
   */
  initApp(app: Phial): void {
    app.extensions.jwt = this
    applyJwtDefaults(app.config)
    this.#app ??= app
  }

  /**
   * Sets the function that turns a token's identity into a user (Flask-JWT-Extended's
   * `user_lookup_loader`). A token whose user it cannot find is refused with a 401.
   *
   * @example
   * ```ts
   * jwt.userLookupLoader(async (identity) => User.findOneBy({ id: Number(identity) }))
   * ```
   */
  userLookupLoader<F extends UserLookup>(fn: F): F {
    this.#lookup = fn
    return fn
  }

  /**
   * Sets how what you pass to `createAccessToken` becomes the identity
   * (default: a string or number as is, a user object's id).
   *
   * @example
   * ```ts
   * jwt.userIdentityLoader((user) => (user as User).username)
   * ```
   */
  userIdentityLoader<F extends (identity: unknown) => unknown>(fn: F): F {
    this.#identity = fn
    return fn
  }

  /**
   * Sets claims added to every new token (Flask-JWT-Extended's `additional_claims_loader`).
   *
   * @example
   * ```ts
   * jwt.additionalClaimsLoader((identity) => ({ aud_hint: 'web' }))
   * ```
   */
  additionalClaimsLoader<F extends (identity: unknown) => Record<string, unknown>>(fn: F): F {
    this.#claims = fn
    return fn
  }

  /**
   * Sets the check for revoked tokens (Flask-JWT-Extended's `token_in_blocklist_loader`):
   * true refuses the token with "Token has been revoked".
   *
   * @example
   * ```ts
   * jwt.tokenInBlocklistLoader(async (claims) => (await redis.exists(`revoked:${claims.jti}`)) === 1)
   * ```
   */
  tokenInBlocklistLoader<F extends (claims: JwtClaims) => boolean | Promise<boolean>>(fn: F): F {
    this.#blocklist = fn
    return fn
  }

  /** What `createAccessToken` stores for `identity`. */
  identityOf(identity: unknown): unknown {
    return this.#identity === null ? identity : this.#identity(identity)
  }

  /** The claims `additionalClaimsLoader` adds for `identity`. */
  additionalClaimsFor(identity: unknown): Record<string, unknown> {
    return this.#claims === null ? {} : this.#claims(identity)
  }

  /** True when the blocklist refuses the token. */
  async isRevoked(claims: JwtClaims): Promise<boolean> {
    return this.#blocklist === null ? false : (await this.#blocklist(claims)) === true
  }

  /** True when a token's identity can be turned into a user (a lookup loader, or the LoginManager's userLoader). */
  get hasUserLookup(): boolean {
    return this.#lookup !== null || this.#loginManager()?.userCallback != null
  }

  /** The user a token names, via `userLookupLoader` or the LoginManager's `userLoader`. */
  async lookupUser(identity: string, claims: JwtClaims): Promise<MaybeUser> {
    if (this.#lookup !== null) return this.#lookup(identity, claims)
    const loader = this.#loginManager()?.userCallback
    return loader ? ((await loader(identity)) as MaybeUser) : null
  }

  #loginManager(ctx?: Context): LoginManager | undefined {
    const app = ctx?.app ?? this.#app
    return app?.extensions.login as LoginManager | undefined
  }

  /**
   * Whether the request carries a token where `JWT_TOKEN_LOCATION` looks
   * (the header or the access-token cookie), without checking it.
   *
   * @example
   * ```ts
   * if (jwt.hasCredentials(ctx)) await verifyJwtInRequest()
   * ```
   */
  hasCredentials(ctx: Context): boolean {
    const config = ctx.app.config
    const request = ctx.request
    const locations = config.JWT_TOKEN_LOCATION
    return (
      (locations.includes('headers') && request.headers.get(config.JWT_HEADER_NAME) !== null) ||
      (locations.includes('cookies') && request.cookies[config.JWT_ACCESS_COOKIE_NAME] !== undefined)
    )
  }

  /**
   * The user of a request's token for `currentUser`, or null when it has no
   * token or a refused one (`jwtRequired` reports why). Called by the
   * LoginManager after its request loaders.
   *
   * @example
   * ```ts
   * const user = await jwt.userFromRequest(ctx)
   * ```
   */
  userFromRequest(ctx: Context): MaybeUser | Promise<MaybeUser> {
    if (!this.hasCredentials(ctx)) return null
    return checkRequestToken(this, ctx, { optional: true }).then(
      (state) => state?.user ?? null,
      (err: unknown) => {
        if (err instanceof JWTError) return null
        throw err
      },
    )
  }
}
