/**
 * Picks and builds the backend a configuration names.
 */
import type { CacheConfigValues } from '../config.ts'
import type { RedisOptions } from 'ioredis'
import { MemcachedBackend } from './memcached.ts'
import { MemoryBackend } from './memory.ts'
import { NullBackend } from './null.ts'
import { RedisBackend } from './redis.ts'
import type { CacheBackend } from './types.ts'

/**
 * Builds the backend of `CACHE_TYPE` from the `CACHE_*` settings. No
 * connection is opened until the first command.
 *
 * @throws TypeError for an unknown `CACHE_TYPE`.
 *
 * @example
 * ```ts
 * const backend = createBackend({ ...CACHE_DEFAULTS, CACHE_TYPE: 'redis' }, (err) => app.logger.warn({ err }, 'Redis'))
 * ```
 */
export function createBackend(config: CacheConfigValues, onError?: (err: Error) => void): CacheBackend {
  const type = config.CACHE_TYPE
  switch (type) {
    case 'simple':
    case 'memory':
    case 'SimpleCache':
      return new MemoryBackend({ maxEntries: config.CACHE_THRESHOLD, maxSize: config.CACHE_MEMORY_MAX_SIZE })
    case 'null':
    case 'NullCache':
      return new NullBackend()
    case 'redis':
    case 'RedisCache':
      return new RedisBackend(config.CACHE_KEY_PREFIX, {
        url: config.CACHE_REDIS_URL,
        cluster: config.CACHE_REDIS_CLUSTER,
        options: config.CACHE_OPTIONS as RedisOptions | null,
        onError,
      })
    case 'memcached':
    case 'MemcachedCache':
      return new MemcachedBackend(config.CACHE_KEY_PREFIX, {
        servers: config.CACHE_MEMCACHED_SERVERS,
        username: config.CACHE_MEMCACHED_USERNAME,
        password: config.CACHE_MEMCACHED_PASSWORD,
        options: config.CACHE_OPTIONS,
      })
    default:
      throw new TypeError(
        `Unknown CACHE_TYPE ${JSON.stringify(type)}: use 'simple' (or 'memory'), 'redis', 'memcached' or 'null'.`,
      )
  }
}

export { MemoryBackend, NullBackend, RedisBackend, MemcachedBackend }
export type { CacheBackend, SyncCacheAccess } from './types.ts'
