/**
 * The map-like session object (Flask's `SecureCookieSession`) and the
 * null session used when no `SECRET_KEY` is configured.
 */

/**
 * The shape of your session data. Type it by declaration merging.
 *
 * @example
 * ```ts
 * declare module 'phial' { interface SessionData { userId?: number; cart?: string[] } }
 * session.get('userId') // number | undefined
 * ```
 */
export interface SessionData {
  [key: string]: unknown
}

type Key = keyof SessionData & string

const PERMANENT = '_permanent'

/**
 * A session: a map of JSON-serialisable values, with the flags the session
 * interface reads to decide whether to write a cookie.
 *
 * @example
 * ```ts
 * app.post('/cart', () => {
 *   const cart = session.get('cart') ?? []
 *   session.set('cart', [...cart, request.form.get('item')!])
 *   return redirect(urlFor('cart'))
 * })
 * ```
 */
export class Session {
  /** True when the data was changed (setting a key, deleting one, `clear`). */
  modified = false
  /** True when the data was read or changed (adds `Vary: Cookie`). */
  accessed = false
  /** True when the session was not loaded from the client (no or bad cookie). */
  readonly isNew: boolean
  protected readonly data: Record<string, unknown>

  constructor(initial?: Record<string, unknown> | null, isNew = initial == null) {
    this.data = Object.create(null) as Record<string, unknown>
    if (initial) {
      for (const key of Object.keys(initial)) {
        if (key !== '__proto__') this.data[key] = initial[key]
      }
    }
    this.isNew = isNew
  }

  /** The value stored under `key`, or `fallback`. */
  get<K extends Key>(key: K): SessionData[K] | undefined
  get<K extends Key>(key: K, fallback: NonNullable<SessionData[K]>): NonNullable<SessionData[K]>
  get(key: string, fallback?: unknown): unknown {
    this.accessed = true
    const value = this.data[key]
    return value === undefined ? fallback : value
  }

  /** Stores a JSON-serialisable value. */
  set<K extends Key>(key: K, value: SessionData[K]): this {
    this.beforeWrite()
    this.accessed = this.modified = true
    if (key === '__proto__') throw new TypeError('"__proto__" cannot be a session key')
    this.data[key] = value
    return this
  }

  /**
   * The value of `key`; when there is none, stores `value` first and
   * returns it (Python's `dict.setdefault`, Flask's `session.setdefault`).
   * Marks the session modified only when it stores; a `NullSession` refuses.
   *
   * @example
   * ```ts
   * const cart = session.setDefault('cart', [])   // [] stored on the first visit
   * ```
   */
  setDefault<K extends Key>(key: K, value: NonNullable<SessionData[K]>): NonNullable<SessionData[K]> {
    this.accessed = true
    const current = this.data[key]
    if (current !== undefined) return current as NonNullable<SessionData[K]>
    this.set(key, value)
    return value
  }

  /** True when `key` is stored. */
  has(key: Key): boolean {
    this.accessed = true
    return this.data[key] !== undefined
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: Key): boolean {
    // before the check: a NullSession refuses every write, even of a missing key (Flask's _fail)
    this.beforeWrite()
    this.accessed = true
    if (!(key in this.data)) return false
    delete this.data[key]
    this.modified = true
    return true
  }

  /** Removes and returns a value (Flask's `session.pop`). */
  pop<K extends Key>(key: K, fallback?: SessionData[K]): SessionData[K] | undefined {
    const value = this.get(key)
    this.delete(key)
    return (value === undefined ? fallback : value) as SessionData[K] | undefined
  }

  /** Removes everything. */
  clear(): void {
    this.beforeWrite()
    this.accessed = true
    const keys = Object.keys(this.data)
    if (keys.length === 0) return
    for (const key of keys) delete this.data[key]
    this.modified = true
  }

  /** The stored keys (the `permanent` flag excluded). */
  keys(): string[] {
    this.accessed = true
    return Object.keys(this.data).filter((k) => k !== PERMANENT)
  }

  /** Number of stored keys (the `permanent` flag excluded). */
  get size(): number {
    return this.keys().length
  }

  /**
   * A permanent session lives for `PERMANENT_SESSION_LIFETIME`; otherwise the
   * cookie ends with the browser session.
   */
  get permanent(): boolean {
    return this.data[PERMANENT] === true
  }

  set permanent(value: boolean) {
    this.beforeWrite()
    if (value === this.permanent) return
    if (value) this.data[PERMANENT] = true
    else delete this.data[PERMANENT]
    this.accessed = this.modified = true
  }

  /** True when nothing is stored. */
  get isEmpty(): boolean {
    for (const _ in this.data) return false
    return true
  }

  /** The stored data as a plain object (what the cookie serialises). */
  toJSON(): Record<string, unknown> {
    return { ...this.data }
  }

  /** Hook for sessions that refuse writes. */
  protected beforeWrite(): void {}
}

/**
 * The session given when the app has no `SECRET_KEY`: reads see an empty
 * session; every write (`set`, `delete`, `pop`, `clear`, `permanent = …`)
 * throws an error that names the setting, even one that would change nothing.
 *
 * @example
 * ```ts
 * // app.config.SECRET_KEY is null
 * session.get('userId')     // undefined
 * session.set('userId', 1)  // throws: "The session is unavailable because no secret key was set. …"
 * ```
 */
export class NullSession extends Session {
  protected override beforeWrite(): never {
    throw new Error(
      'The session is unavailable because no secret key was set. ' +
        "Set SECRET_KEY in the app's config to a long random string: app.config.SECRET_KEY = '...', " +
        'or from the environment with app.config.fromPrefixedEnv() and PHIAL_SECRET_KEY=... (the environment is read only when the app calls it).',
    )
  }
}
