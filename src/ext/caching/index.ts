/**
 * `phial/caching`: Flask-Caching for Phial — a `Cache` with in-memory
 * (default), Redis, Memcached and null backends, `cached()` views,
 * `memoize()` functions, the `{% cache %}` template tag and stampede
 * protection.
 *
 * @example
 * ```ts
 * import { Phial } from 'phial'
 * import { Cache } from 'phial/caching'
 *
 * const app = new Phial(import.meta.url)
 * app.config.CACHE_TYPE = 'simple'
 * const cache = new Cache(app)
 *
 * app.get('/', cache.cached({ timeout: 50 })(function index() {
 *   return `Rendered at ${new Date().toISOString()}`
 * }))
 * ```
 *
 * @module
 */
export { Cache, type CacheOptions } from './cache.ts'
export { CacheCommands, type GetOrSetOptions } from './commands.ts'
export { CacheUnavailable } from './errors.ts'
export { CACHE_DEFAULTS, applyCacheDefaults, type CacheConfigValues, type CacheType } from './config.ts'
export { viewCacheKey, type CachedOptions, type CachedView } from './view.ts'
export type { MemoizeOptions, Memoized } from './memoize.ts'
export { makeTemplateFragmentKey, TEMPLATE_FRAGMENT_KEY_PREFIX } from './template.ts'
export { encodeValue, decodeValue, CacheDecodeError } from './serializer.ts'
export { createBackend, MemoryBackend, NullBackend, RedisBackend, MemcachedBackend, type CacheBackend, type SyncCacheAccess } from './backends/index.ts'
export { RedisConnection, REDIS_DEFAULTS, loadIoredis, type RedisConnectionOptions } from './redis-connection.ts'
export { inFlight } from './flight.ts'
