/**
 * A login throttle (issue 18: 60 concurrent wrong-password logins kept the
 * thread pool busy hashing). After too many failed logins for one username,
 * or from one address, within a window, the login view answers 429 with
 * `Retry-After` before checking any password.
 *
 * The counts live in the blog's `phial/caching` store (cache.ts): in memory
 * by default (bounded by the cache's LRU), in Redis with `CACHE_TYPE:
 * 'redis'`, where every worker and server shares them. A window is two
 * entries with the window's lifetime, both created with `cache.add` (atomic
 * on Redis): the failure counter, raised with `cache.inc`, and the time the
 * window ends, which `Retry-After` is computed from. While the store is
 * down, a login is a 503 (`CacheUnavailable`), never an unthrottled check.
 *
 * Settings: `LOGIN_THROTTLE_PER_USER` (5), `LOGIN_THROTTLE_PER_ADDRESS`
 * (20), `LOGIN_THROTTLE_WINDOW` (900 seconds).
 */
import type { Phial } from 'phial'
import type { CacheCommands } from 'phial/caching'
import { cache } from './cache.ts'

/** The limits of a {@link LoginThrottle}. */
export interface ThrottleLimits {
  /** Failed logins allowed per username in a window. */
  perUser: number
  /** Failed logins allowed per client address in a window. */
  perAddress: number
  /** The window, in seconds. */
  windowSeconds: number
}

const PREFIX = 'login-throttle:'

/** The counter keys of one attempt: per user, then per address (encoded: a name cannot reach another key). */
function keysOf(address: string, username: string): Array<[string, 'perUser' | 'perAddress']> {
  return [
    [`${PREFIX}user:${encodeURIComponent(username)}`, 'perUser'],
    [`${PREFIX}ip:${encodeURIComponent(address)}`, 'perAddress'],
  ]
}

/** Counts failed logins per user and per address in fixed windows, in a cache. */
export class LoginThrottle {
  /**
   * @example
   * ```ts
   * const throttle = new LoginThrottle(cache, { perUser: 5, perAddress: 20, windowSeconds: 900 })
   * ```
   */
  constructor(
    readonly store: CacheCommands,
    readonly limits: ThrottleLimits,
    readonly now: () => number = Date.now,
  ) {}

  /**
   * Seconds to wait before `username` may try again from `address`, or 0:
   * from the end of the longest window whose count reached its limit.
   *
   * @example
   * ```ts
   * const wait = await throttle.retryAfter('10.0.0.1', 'alice')
   * ```
   */
  async retryAfter(address: string, username: string): Promise<number> {
    const keys = keysOf(address, username)
    const values = await this.store.getMany<number>(keys.flatMap(([key]) => [key, `${key}:until`]))
    let wait = 0
    keys.forEach(([, limit], i) => {
      const failures = values[2 * i]
      const until = values[2 * i + 1]
      if (typeof failures === 'number' && failures >= this.limits[limit] && typeof until === 'number') {
        wait = Math.max(wait, Math.max(1, Math.ceil((until - this.now()) / 1000)))
      }
    })
    return wait
  }

  /**
   * Counts a failed login, for the user and for the address. The first
   * failure of a window opens it (its counter and end, both expiring with it).
   *
   * @example
   * ```ts
   * await throttle.failed('10.0.0.1', 'alice')
   * ```
   */
  async failed(address: string, username: string): Promise<void> {
    const window = this.limits.windowSeconds
    for (const [key] of keysOf(address, username)) {
      await this.store.add(`${key}:until`, this.now() + window * 1000, window)
      await this.store.add(key, 0, window)
      await this.store.inc(key)
    }
  }

  /**
   * A good login clears the user's count (not the address's).
   *
   * @example
   * ```ts
   * await throttle.succeeded('alice')
   * ```
   */
  async succeeded(username: string): Promise<void> {
    const [[key]] = keysOf('', username)
    await this.store.deleteMany([key!, `${key}:until`])
  }
}

declare module 'phial' {
  interface ConfigValues {
    /** Failed logins allowed per username in a window (default 5). */
    LOGIN_THROTTLE_PER_USER: number
    /** Failed logins allowed per client address in a window (default 20). */
    LOGIN_THROTTLE_PER_ADDRESS: number
    /** The window, in seconds (default 900). */
    LOGIN_THROTTLE_WINDOW: number
  }
}

/** Gives the app its throttle (`app.extensions.loginThrottle`), on the blog's cache. Call after `cache.initApp`. */
export function initApp(app: Phial): void {
  app.config.setDefault('LOGIN_THROTTLE_PER_USER', 5)
  app.config.setDefault('LOGIN_THROTTLE_PER_ADDRESS', 20)
  app.config.setDefault('LOGIN_THROTTLE_WINDOW', 900)
  app.extensions.loginThrottle = new LoginThrottle(cache, {
    perUser: Number(app.config.LOGIN_THROTTLE_PER_USER),
    perAddress: Number(app.config.LOGIN_THROTTLE_PER_ADDRESS),
    windowSeconds: Number(app.config.LOGIN_THROTTLE_WINDOW),
  })
}

/** The throttle of `app`. @example await throttleOf(currentApp).retryAfter(ip, name) */
export function throttleOf(app: Phial): LoginThrottle {
  return app.extensions.loginThrottle as LoginThrottle
}
