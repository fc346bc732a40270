/**
 * Where server-side session records live: Redis, or any `phial/caching`
 * Cache. A record is the session's data as JSON, with the store's expiry.
 */
import type { Cache } from 'phial/caching'
import { RedisConnection, type RedisConnectionOptions } from 'phial/caching'

/**
 * A place to keep session records by id. `ttl` is in seconds.
 *
 * @example
 * ```ts
 * class MemoryRecords implements SessionRecordStore {
 *   map = new Map<string, Record<string, unknown>>()
 *   async load(sid: string) { return this.map.get(sid) ?? null }
 *   async save(sid: string, data: Record<string, unknown>) { this.map.set(sid, data) }
 *   async destroy(sid: string) { this.map.delete(sid) }
 * }
 * ```
 */
export interface SessionRecordStore {
  /** The record of `sid`, or null when there is none (never was, expired, deleted). */
  load(sid: string): Promise<Record<string, unknown> | null>
  save(sid: string, data: Record<string, unknown>, ttl: number): Promise<void>
  destroy(sid: string): Promise<void>
  /** Closes connections. */
  close?(): Promise<void>
}

function parseRecord(text: string | null | undefined): Record<string, unknown> | null {
  if (text == null) return null
  try {
    const data: unknown = JSON.parse(text)
    return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/**
 * Session records in Redis under `prefix + sid`, expiring with Redis' own
 * `EX`. While Redis is down each call fails within about a second with a
 * `CacheUnavailable` (503).
 *
 * @example
 * ```ts
 * const store = new RedisSessionStore('session:', { url: 'redis://127.0.0.1:6379/1' })
 * ```
 */
export class RedisSessionStore implements SessionRecordStore {
  readonly prefix: string
  readonly connection: RedisConnection

  constructor(prefix: string, options: RedisConnectionOptions = {}) {
    this.prefix = prefix
    this.connection = new RedisConnection({
      label: 'redis sessions',
      unavailableMessage: 'The session store is unavailable. Please try again in a moment.',
      ...options,
    })
  }

  load(sid: string): Promise<Record<string, unknown> | null> {
    return this.connection.run(async (c) => parseRecord(await c.get(this.prefix + sid)))
  }

  save(sid: string, data: Record<string, unknown>, ttl: number): Promise<void> {
    return this.connection.run(async (c) => {
      await c.set(this.prefix + sid, JSON.stringify(data), 'EX', Math.max(1, Math.ceil(ttl)))
    })
  }

  destroy(sid: string): Promise<void> {
    return this.connection.run(async (c) => {
      await c.del(this.prefix + sid)
    })
  }

  close(): Promise<void> {
    return this.connection.close()
  }
}

/**
 * Session records in a `phial/caching` Cache (memory for development, or
 * Memcached/Redis), under `prefix + sid`.
 *
 * @example
 * ```ts
 * const store = new CacheSessionStore(cache, 'session:')
 * ```
 */
export class CacheSessionStore implements SessionRecordStore {
  readonly cache: Cache
  readonly prefix: string

  constructor(cache: Cache, prefix = 'session:') {
    this.cache = cache
    this.prefix = prefix
  }

  async load(sid: string): Promise<Record<string, unknown> | null> {
    return parseRecord(await this.cache.get<string>(this.prefix + sid))
  }

  async save(sid: string, data: Record<string, unknown>, ttl: number): Promise<void> {
    await this.cache.set(this.prefix + sid, JSON.stringify(data), Math.max(1, Math.ceil(ttl)))
  }

  async destroy(sid: string): Promise<void> {
    await this.cache.delete(this.prefix + sid)
  }
}
