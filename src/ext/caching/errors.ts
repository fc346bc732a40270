/**
 * The error a cache backend raises when its server cannot be reached.
 */
import { ServiceUnavailable } from 'phial'

/**
 * The cache server (Redis, Memcached) did not answer in time or refused the
 * connection. It is a 503 with `Retry-After: 1`, so a view that calls
 * `cache.get(...)` while Redis is down answers "try again" instead of
 * hanging or crashing; `cause` holds the client's error (logged, never shown
 * to the client).
 *
 * @example
 * ```ts
 * import { CacheUnavailable } from 'phial/caching'
 *
 * app.errorHandler(CacheUnavailable, () => ['Busy, try again in a moment', 503, { 'Retry-After': '1' }])
 * ```
 */
export class CacheUnavailable extends ServiceUnavailable {
  static override description = 'The cache service is unavailable. Please try again in a moment.'
  /** Which backend failed: `'redis'` or `'memcached'`. */
  readonly backend: string

  /**
   * @param description - what the client reads (default: the class's description).
   *
   * @example
   * ```ts
   * throw new CacheUnavailable('redis', err, 'The session store is unavailable.')
   * ```
   */
  constructor(backend: string, cause: unknown, description?: string) {
    super(description, { retryAfter: 1, cause })
    this.backend = backend
  }
}
