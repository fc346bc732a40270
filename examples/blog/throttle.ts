/**
 * A login throttle (issue 18: 60 concurrent wrong-password logins kept the
 * thread pool busy hashing). After too many failed logins for one username,
 * or from one address, within a window, the login view answers 429 with
 * `Retry-After` before checking any password. In memory, per process: a
 * server with several workers would keep the counts in a shared store.
 *
 * Settings: `LOGIN_THROTTLE_PER_USER` (5), `LOGIN_THROTTLE_PER_ADDRESS`
 * (20), `LOGIN_THROTTLE_WINDOW` (900 seconds).
 */
import type { Phial } from 'phial'

interface Window {
  failures: number
  /** When the window ends, in ms since the epoch. */
  resetAt: number
}

/** Counts failed logins per key ('user:NAME', 'ip:ADDRESS') in fixed windows. */
export class LoginThrottle {
  readonly #windows = new Map<string, Window>()

  /**
   * @example
   * ```ts
   * const throttle = new LoginThrottle({ perUser: 5, perAddress: 20, windowSeconds: 900 })
   * ```
   */
  constructor(
    readonly limits: { perUser: number; perAddress: number; windowSeconds: number },
    readonly maxKeys = 10_000,
    readonly now: () => number = Date.now,
  ) {}

  #live(key: string): Window | undefined {
    const window = this.#windows.get(key)
    if (window && window.resetAt <= this.now()) {
      this.#windows.delete(key)
      return undefined
    }
    return window
  }

  /** Seconds to wait before `username` may try again from `address`, or 0. @example throttle.retryAfter('10.0.0.1', 'alice') */
  retryAfter(address: string, username: string): number {
    let wait = 0
    for (const [key, limit] of [[`user:${username}`, this.limits.perUser], [`ip:${address}`, this.limits.perAddress]] as const) {
      const window = this.#live(key)
      if (window && window.failures >= limit) wait = Math.max(wait, Math.ceil((window.resetAt - this.now()) / 1000))
    }
    return wait
  }

  /** Counts a failed login. @example throttle.failed('10.0.0.1', 'alice') */
  failed(address: string, username: string): void {
    for (const key of [`user:${username}`, `ip:${address}`]) {
      const window = this.#live(key)
      if (window) window.failures++
      else {
        // bounded memory: forget the oldest window when full (a Map iterates in insertion order)
        if (this.#windows.size >= this.maxKeys) this.#windows.delete(this.#windows.keys().next().value!)
        this.#windows.set(key, { failures: 1, resetAt: this.now() + this.limits.windowSeconds * 1000 })
      }
    }
  }

  /** A good login clears the user's count (not the address's). @example throttle.succeeded('alice') */
  succeeded(username: string): void {
    this.#windows.delete(`user:${username}`)
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

/** Gives the app its throttle (`app.extensions.loginThrottle`), from its settings. */
export function initApp(app: Phial): void {
  app.config.setDefault('LOGIN_THROTTLE_PER_USER', 5)
  app.config.setDefault('LOGIN_THROTTLE_PER_ADDRESS', 20)
  app.config.setDefault('LOGIN_THROTTLE_WINDOW', 900)
  app.extensions.loginThrottle = new LoginThrottle({
    perUser: Number(app.config.LOGIN_THROTTLE_PER_USER),
    perAddress: Number(app.config.LOGIN_THROTTLE_PER_ADDRESS),
    windowSeconds: Number(app.config.LOGIN_THROTTLE_WINDOW),
  })
}

/** The throttle of `app`. @example throttleOf(currentApp).retryAfter(ip, name) */
export function throttleOf(app: Phial): LoginThrottle {
  return app.extensions.loginThrottle as LoginThrottle
}
