/**
 * How long to wait before starting a worker again after one failed to boot:
 * exponentially longer while boots keep failing, back to none once a boot
 * succeeds. (A worker that booted and was then killed, by a crashing request
 * say, is replaced at once by the master without asking this.)
 */

/**
 * Options of {@link RestartBackoff}.
 *
 * @example
 * ```ts
 * new RestartBackoff({ base: 250, max: 60_000 } satisfies BackoffOptions)
 * ```
 */
export interface BackoffOptions {
  /** First delay after a young death, ms (default 100). */
  base?: number
  /** Longest delay, ms (default 30 s). */
  max?: number
  /** A worker that lived this long resets the count, ms (default 10 s). */
  stableAfter?: number
}

/**
 * The restart delay of crashed workers.
 *
 * @example
 * ```ts
 * const backoff = new RestartBackoff()
 * backoff.next(60_000) // 0: it ran for a minute
 * backoff.next(50)     // 100
 * backoff.next(50)     // 200
 * ```
 */
export class RestartBackoff {
  readonly base: number
  readonly max: number
  readonly stableAfter: number
  #failures = 0

  constructor(options: BackoffOptions = {}) {
    this.base = options.base ?? 100
    this.max = options.max ?? 30_000
    this.stableAfter = options.stableAfter ?? 10_000
  }

  /** The delay before replacing a worker that lived `lifetime` ms. @example backoff.next(Date.now() - started) */
  next(lifetime: number): number {
    if (lifetime >= this.stableAfter) {
      this.#failures = 0
      return 0
    }
    this.#failures++
    return Math.min(this.max, this.base * 2 ** (this.#failures - 1))
  }

  /** A boot succeeded: the next failure starts from `base` again. @example backoff.reset() */
  reset(): void {
    this.#failures = 0
  }

  /** Consecutive young deaths so far. @example backoff.failures // 2 */
  get failures(): number {
    return this.#failures
  }
}
