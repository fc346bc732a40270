/**
 * Needs (Flask-Principal's): what an identity provides and a permission asks
 * for — `(method, value)` pairs such as `('role', 'admin')`, compared by
 * value, and the set that holds them.
 */

/**
 * A need: `method` says what kind (`'role'`, `'id'`, `'action'`…), `value`
 * which one. Two needs with the same method and value are the same need.
 *
 * @example
 * ```ts
 * const need: Need = Need('role', 'admin')
 * ```
 */
export interface Need {
  readonly method: string
  readonly value: unknown
  /** Item needs only: the kind of item (`'posts'`). */
  readonly type?: string
}

/**
 * Makes a need (Flask-Principal's `Need(method, value)`).
 *
 * @example
 * ```ts
 * identity.provides.add(Need('action', 'publish'))
 * ```
 */
export function Need(method: string, value: unknown): Need {
  return Object.freeze({ method, value })
}

/**
 * A role need: `Need('role', name)`.
 *
 * @example
 * ```ts
 * const adminPermission = new Permission(RoleNeed('admin'))
 * ```
 */
export function RoleNeed(role: string): Need {
  return Need('role', role)
}

/**
 * A user need: `Need('id', id)`.
 *
 * @example
 * ```ts
 * identity.provides.add(UserNeed(user.id))
 * ```
 */
export function UserNeed(id: unknown): Need {
  return Need('id', id)
}

/**
 * A type need: `Need('type', name)`.
 *
 * @example
 * ```ts
 * identity.provides.add(TypeNeed('staff'))
 * ```
 */
export function TypeNeed(type: string): Need {
  return Need('type', type)
}

/**
 * An action need: `Need('action', name)`.
 *
 * @example
 * ```ts
 * const publish = new Permission(ActionNeed('publish'))
 * ```
 */
export function ActionNeed(action: string): Need {
  return Need('action', action)
}

/**
 * A need about one item (Flask-Principal's `ItemNeed(method, value, type)`):
 * `ItemNeed('update', 27, 'posts')` is "may update post 27".
 *
 * @example
 * ```ts
 * const editPost = (id: number) => new Permission(ItemNeed('update', id, 'posts'))
 * identity.provides.add(ItemNeed('update', post.id, 'posts'))
 * ```
 */
export function ItemNeed(method: string, value: unknown, type: string): Need {
  return Object.freeze({ method, value, type })
}

/**
 * The comparison key of a need: equal needs have equal keys (`1` and `'1'` differ, as in Python).
 *
 * @example
 * ```ts
 * needKey(RoleNeed('admin')) === needKey(Need('role', 'admin')) // true
 * ```
 */
export function needKey(need: Need): string {
  const value = typeof need.value === 'bigint' ? `${need.value}n` : need.value
  return JSON.stringify(need.type === undefined ? [need.method, value] : [need.method, value, need.type])
}

/**
 * A set of needs compared by value (Python's `set` of named tuples).
 *
 * @example
 * ```ts
 * const provides = new NeedSet([RoleNeed('admin')])
 * provides.has(Need('role', 'admin')) // true
 * ```
 */
export class NeedSet implements Iterable<Need> {
  readonly #needs = new Map<string, Need>()

  constructor(needs: Iterable<Need> = []) {
    for (const need of needs) this.add(need)
  }

  /** Adds a need; returns the set. */
  add(need: Need): this {
    this.#needs.set(needKey(need), need)
    return this
  }

  /** True when the set holds an equal need. */
  has(need: Need): boolean {
    return this.#needs.has(needKey(need))
  }

  /** Removes an equal need; returns whether it was there. */
  delete(need: Need): boolean {
    return this.#needs.delete(needKey(need))
  }

  /** Removes every need. */
  clear(): void {
    this.#needs.clear()
  }

  /** Number of needs. */
  get size(): number {
    return this.#needs.size
  }

  /** True when the sets share a need. */
  intersects(other: Iterable<Need>): boolean {
    for (const need of other) if (this.has(need)) return true
    return false
  }

  /** True when every need of this set is in `other`. */
  isSubsetOf(other: NeedSet): boolean {
    for (const need of this) if (!other.has(need)) return false
    return true
  }

  [Symbol.iterator](): Iterator<Need> {
    return this.#needs.values()
  }

  /** The needs as an array (for logs and JSON). */
  toJSON(): Need[] {
    return [...this.#needs.values()]
  }
}
