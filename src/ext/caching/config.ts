/**
 * The `CACHE_*` settings: their types on `app.config` and their defaults.
 */
import type { Config } from 'phial'

/**
 * A cache backend name. `memory` is an alias of `simple`; Flask-Caching 2's
 * class names (`SimpleCache`, `RedisCache`, `MemcachedCache`, `NullCache`)
 * are accepted too, so a ported config keeps working.
 *
 * @example
 * ```ts
 * const type: CacheType = process.env.REDIS_URL ? 'redis' : 'simple'
 * ```
 */
export type CacheType = 'simple' | 'memory' | 'redis' | 'memcached' | 'null' | 'SimpleCache' | 'RedisCache' | 'MemcachedCache' | 'NullCache'

/**
 * The `CACHE_*` keys {@link Cache} reads.
 *
 * @example
 * ```ts
 * const settings: Partial<CacheConfigValues> = { CACHE_TYPE: 'redis', CACHE_DEFAULT_TIMEOUT: 60 }
 * new Cache(app, { config: settings })
 * ```
 */
export interface CacheConfigValues {
  /** The backend: `simple`/`memory` (in this process, the default), `redis`, `memcached` or `null` (caches nothing). */
  CACHE_TYPE: CacheType
  /** Lifetime of an entry in seconds when a call gives none; `0` keeps entries until evicted. Default `300`. */
  CACHE_DEFAULT_TIMEOUT: number
  /** Prefix of every key in Redis/Memcached, so apps can share a server. Default `'phial_cache:'`. */
  CACHE_KEY_PREFIX: string
  /** Memory backend: most entries (Flask-Caching's threshold). Default `500`. */
  CACHE_THRESHOLD: number
  /** Memory backend: most characters stored, all entries together. Default 64 MiB. */
  CACHE_MEMORY_MAX_SIZE: number
  /** Redis: `redis://[user:password@]host:port/db`. Default `'redis://127.0.0.1:6379'`. */
  CACHE_REDIS_URL: string
  /** Redis Cluster start-up nodes (`[{ host, port }]`); `null` for a single server or sentinels. Default `null`. */
  CACHE_REDIS_CLUSTER: Array<{ host: string; port: number }> | null
  /** Memcached servers, `host:port` each. Default `['127.0.0.1:11211']`. */
  CACHE_MEMCACHED_SERVERS: string[]
  /** Memcached SASL user name. Default `null`. */
  CACHE_MEMCACHED_USERNAME: string | null
  /** Memcached SASL password. Default `null`. */
  CACHE_MEMCACHED_PASSWORD: string | null
  /** Client options passed through to ioredis (sentinels, tls, db, timeouts...) or memjs. Default `null`. */
  CACHE_OPTIONS: Record<string, unknown> | null
}

declare module 'phial' {
  interface ConfigValues extends CacheConfigValues {}
}

/**
 * The defaults `Cache.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * CACHE_DEFAULTS.CACHE_DEFAULT_TIMEOUT // 300
 * ```
 */
export const CACHE_DEFAULTS: Readonly<CacheConfigValues> = Object.freeze({
  CACHE_TYPE: 'simple',
  CACHE_DEFAULT_TIMEOUT: 300,
  CACHE_KEY_PREFIX: 'phial_cache:',
  CACHE_THRESHOLD: 500,
  CACHE_MEMORY_MAX_SIZE: 64 * 1024 * 1024,
  CACHE_REDIS_URL: 'redis://127.0.0.1:6379',
  CACHE_REDIS_CLUSTER: null,
  CACHE_MEMCACHED_SERVERS: ['127.0.0.1:11211'],
  CACHE_MEMCACHED_USERNAME: null,
  CACHE_MEMCACHED_PASSWORD: null,
  CACHE_OPTIONS: null,
})

/**
 * Sets each `CACHE_*` key that is not set yet to its default.
 *
 * @example
 * ```ts
 * applyCacheDefaults(app.config)
 * app.config.CACHE_TYPE // 'simple'
 * ```
 */
export function applyCacheDefaults(config: Config): void {
  for (const [key, value] of Object.entries(CACHE_DEFAULTS)) {
    config.setDefault(key, Array.isArray(value) ? [...value] : value)
  }
}

/**
 * Seconds to keep an entry: the given timeout, else the default; `0` means
 * no expiry. A negative or non-number timeout is a TypeError.
 *
 * @example
 * ```ts
 * ttlOf(undefined, 300) // 300
 * ttlOf(1.2, 300)       // 2
 * ```
 */
export function ttlOf(timeout: number | null | undefined, fallback: number): number {
  const t = timeout ?? fallback
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new TypeError(`A cache timeout is a number of seconds ≥ 0 (0: no expiry), got ${String(t)}`)
  }
  return Math.ceil(t)
}

/**
 * The settings of one cache: `overrides` (a cache's own `config`) over the
 * app's `CACHE_*` keys.
 *
 * @example
 * ```ts
 * cacheSettings(app.config, { CACHE_TYPE: 'simple' }).CACHE_TYPE // 'simple'
 * ```
 */
export function cacheSettings(config: Config, overrides: Partial<CacheConfigValues> = {}): CacheConfigValues {
  const settings = {} as Record<string, unknown>
  for (const key of Object.keys(CACHE_DEFAULTS)) {
    settings[key] = key in overrides ? overrides[key as keyof CacheConfigValues] : config[key]
  }
  return settings as unknown as CacheConfigValues
}
