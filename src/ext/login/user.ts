/**
 * User objects: the mixins (Flask-Login's `UserMixin` / `AnonymousUserMixin`),
 * the types `currentUser` is written against, and the defaults that let a
 * plain object be a user.
 */

/**
 * Your user types, declared by interface merging: `user` is what your
 * `userLoader` returns, `anonymous` (optional) your anonymous-user class.
 *
 * @example
 * ```ts
 * declare module 'phial/login' {
 *   interface UserTypes { user: User }
 * }
 * if (currentUser.isAuthenticated) currentUser.username // typed as User
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface UserTypes {}

/**
 * The logged-in user type: `UserTypes['user']` when declared, else any object.
 *
 * @example
 * ```ts
 * const loader = (id: string): AppUser | null => users.get(id) ?? null
 * ```
 */
export type AppUser = UserTypes extends { user: infer U } ? U : Record<string, unknown>

/**
 * The anonymous-user type: `UserTypes['anonymous']` when declared, else {@link AnonymousUserMixin}.
 *
 * @example
 * ```ts
 * const guest: AppAnonymousUser = new AnonymousUserMixin()
 * ```
 */
export type AppAnonymousUser = UserTypes extends { anonymous: infer A } ? A : AnonymousUserMixin

/**
 * What every logged-in user answers (from the user object, or the defaults).
 *
 * @example
 * ```ts
 * function greet(user: AuthenticatedUserState) { return user.getId() }
 * ```
 */
export interface AuthenticatedUserState {
  readonly isAuthenticated: true
  readonly isAnonymous: false
  readonly isActive: boolean
  getId(): string
  /** Jinja spelling of `isAuthenticated`, for templates moved from Flask. */
  readonly is_authenticated: true
  readonly is_anonymous: false
  readonly is_active: boolean
  get_id(): string
}

/**
 * What the anonymous user answers.
 *
 * @example
 * ```ts
 * if (!currentUser.isAuthenticated) currentUser.getId() // null
 * ```
 */
export interface AnonymousUserState {
  readonly isAuthenticated: false
  readonly isAnonymous: true
  readonly isActive: false
  getId(): null
  readonly is_authenticated: false
  readonly is_anonymous: true
  readonly is_active: false
  get_id(): null
}

/**
 * The type of `currentUser`: your user or the anonymous user, told apart by
 * `isAuthenticated`.
 *
 * @example
 * ```ts
 * const who = (u: CurrentUser) => (u.isAuthenticated ? u.getId() : 'anonymous')
 * ```
 */
export type CurrentUser = (AppUser & AuthenticatedUserState) | (AppAnonymousUser & AnonymousUserState)

/**
 * A base class for user models (Flask-Login's `UserMixin`): active and
 * authenticated, with `getId()` returning `String(this.id)`.
 *
 * @example
 * ```ts
 * class User extends UserMixin { constructor(public id: number, public name: string) { super() } }
 * new User(1, 'ada').getId() // '1'
 * ```
 */
export class UserMixin {
  /** False refuses the login (`loginUser` returns false unless `force`). */
  get isActive(): boolean {
    return true
  }
  get isAuthenticated(): boolean {
    return true
  }
  get isAnonymous(): boolean {
    return false
  }
  /** The id kept in the session and the remember-me cookie; by default `String(this.id)`. */
  getId(): string {
    const id = (this as { id?: unknown }).id
    if (id === undefined || id === null) throw new TypeError('UserMixin.getId(): the user has no `id`; override getId()')
    return String(id)
  }
}

/**
 * The user when nobody is logged in (Flask-Login's `AnonymousUserMixin`).
 * Give `loginManager.anonymousUser` your own subclass to add attributes.
 *
 * @example
 * ```ts
 * class Guest extends AnonymousUserMixin { readonly name = 'Guest' }
 * login.anonymousUser = Guest
 * ```
 */
export class AnonymousUserMixin {
  get isAuthenticated(): false {
    return false
  }
  get isActive(): false {
    return false
  }
  get isAnonymous(): true {
    return true
  }
  getId(): null {
    return null
  }
}

const SNAKE_ALIASES: Readonly<Record<string, string>> = {
  is_authenticated: 'isAuthenticated',
  is_active: 'isActive',
  is_anonymous: 'isAnonymous',
  get_id: 'getId',
}

/** The default id of a user object without `getId`: its `id`. */
function defaultId(user: object): string {
  const id = (user as { id?: unknown }).id
  if (id === undefined || id === null || (typeof id !== 'string' && typeof id !== 'number' && typeof id !== 'bigint')) {
    throw new TypeError('phial/login: a user object needs an `id` (string or number) or a getId() method')
  }
  return String(id)
}

/**
 * A property of a user object, falling back to the mixin defaults for a
 * loaded user that lacks it (a plain `{ id, name }` object is an active,
 * authenticated user) and answering the Jinja spellings (`is_authenticated`).
 * Functions come back bound to the user.
 *
 * @example
 * ```ts
 * userAttribute({ id: 3 }, 'isAuthenticated') // true
 * userAttribute({ id: 3 }, 'get_id')()        // '3'
 * ```
 */
export function userAttribute(user: object, prop: string | symbol): any {
  if (prop in user) {
    const value = Reflect.get(user, prop, user)
    return typeof value === 'function' ? value.bind(user) : value
  }
  if (typeof prop !== 'string') return undefined
  const alias = SNAKE_ALIASES[prop]
  if (alias !== undefined) return userAttribute(user, alias)
  switch (prop) {
    case 'isAuthenticated':
    case 'isActive':
      return true
    case 'isAnonymous':
      return false
    case 'getId':
      return () => defaultId(user)
    default:
      return undefined
  }
}

/**
 * True when `user` is a logged-in user (its `isAuthenticated`, default true).
 *
 * @example
 * ```ts
 * isAuthenticatedUser(new AnonymousUserMixin()) // false
 * ```
 */
export function isAuthenticatedUser(user: object): boolean {
  return userAttribute(user, 'isAuthenticated') === true
}

/**
 * The id of a user as a string (its `getId()`, default `String(user.id)`).
 *
 * @example
 * ```ts
 * userIdOf({ id: 7 }) // '7'
 * ```
 */
export function userIdOf(user: object): string {
  const id: unknown = userAttribute(user, 'getId')()
  if (id === null || id === undefined || id === '') throw new TypeError('phial/login: the user has no id (getId() returned nothing)')
  return String(id)
}
