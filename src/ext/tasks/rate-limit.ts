/**
 * Per-task rate limits in Celery's notation (`'10/m'`), enforced per worker
 * process as Celery does: a token bucket that says how long to wait.
 */

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 }

/**
 * Parses `'10/s'`, `'100/m'`, `'1000/h'` (or a number: per second) into
 * tasks per millisecond window. Throws a `TypeError` that shows the format.
 *
 * @example
 * ```ts
 * parseRateLimit('30/m') // { count: 30, perMs: 60000 }
 * ```
 */
export function parseRateLimit(limit: string | number): { count: number; perMs: number } {
  if (typeof limit === 'number') {
    if (!(limit > 0) || !Number.isFinite(limit)) throw new TypeError(`rateLimit must be a positive number of tasks per second, or '10/m'; got ${limit}.`)
    return { count: limit, perMs: 1000 }
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*([smh]))?\s*$/.exec(limit)
  if (!match || Number(match[1]) <= 0) {
    throw new TypeError(`rateLimit '${limit}' is not a rate: use '<count>/s', '<count>/m' or '<count>/h' (e.g. '10/m').`)
  }
  return { count: Number(match[1]), perMs: UNITS[match[2] ?? 's']! }
}

/**
 * A token bucket: `count` tasks per `perMs`, refilled continuously.
 *
 * @example
 * ```ts
 * const bucket = new TokenBucket(parseRateLimit('2/s'))
 * bucket.take() // 0: go now
 * bucket.take() // 0
 * bucket.take() // ~500: wait that many ms, then try again
 * ```
 */
export class TokenBucket {
  #tokens: number
  #last = Date.now()
  readonly #capacity: number
  readonly #perMs: number

  constructor({ count, perMs }: { count: number; perMs: number }) {
    this.#capacity = Math.max(1, count)
    this.#tokens = this.#capacity
    this.#perMs = perMs / count
  }

  /** Takes a token and returns 0, or returns the milliseconds until one is free (taking nothing). */
  take(): number {
    const now = Date.now()
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) / this.#perMs)
    this.#last = now
    if (this.#tokens >= 1) {
      this.#tokens -= 1
      return 0
    }
    return Math.ceil((1 - this.#tokens) * this.#perMs)
  }
}
