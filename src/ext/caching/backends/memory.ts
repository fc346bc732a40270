/**
 * `CACHE_TYPE: 'simple'` / `'memory'`: an LRU in this process, bounded by
 * entry count and total size, with a lifetime per entry (lru-cache).
 */
import { LRUCache } from 'lru-cache'
import type { CacheBackend, SyncCacheAccess } from './types.ts'

/**
 * Options of {@link MemoryBackend}.
 *
 * @example
 * ```ts
 * const options: MemoryBackendOptions = { maxEntries: 500, maxSize: 64 * 1024 * 1024 }
 * ```
 */
export interface MemoryBackendOptions {
  /** Most entries kept (Flask-Caching's `CACHE_THRESHOLD`). */
  maxEntries: number
  /** Most characters of encoded values kept, all entries together. */
  maxSize: number
}

/**
 * The in-process backend. Values are stored encoded, so a caller that
 * mutates an object after `set` (or after `get`) does not change the cache.
 *
 * @example
 * ```ts
 * const backend = new MemoryBackend({ maxEntries: 100, maxSize: 1 << 20 })
 * ```
 */
export class MemoryBackend implements CacheBackend {
  readonly type = 'simple'
  readonly #lru: LRUCache<string, string>
  readonly sync: SyncCacheAccess

  constructor(options: MemoryBackendOptions) {
    this.#lru = new LRUCache<string, string>({
      max: options.maxEntries,
      maxSize: options.maxSize,
      // an entry larger than the whole cache is simply not stored
      maxEntrySize: options.maxSize,
      sizeCalculation: (value, key) => value.length + key.length,
      ttlAutopurge: false,
    })
    this.sync = { get: (key) => this.#lru.get(key), set: (key, text, ttl) => this.#set(key, text, ttl) }
  }

  #set(key: string, text: string, ttl: number): void {
    this.#lru.set(key, text, { ttl: ttl > 0 ? ttl * 1000 : 0 })
  }

  async get(key: string): Promise<string | undefined> {
    return this.#lru.get(key)
  }

  async getMany(keys: readonly string[]): Promise<Array<string | undefined>> {
    return keys.map((key) => this.#lru.get(key))
  }

  async set(key: string, text: string, ttl: number): Promise<void> {
    this.#set(key, text, ttl)
  }

  async add(key: string, text: string, ttl: number): Promise<boolean> {
    if (this.#lru.has(key)) return false
    this.#set(key, text, ttl)
    return true
  }

  async setMany(entries: ReadonlyArray<readonly [string, string]>, ttl: number): Promise<void> {
    for (const [key, text] of entries) this.#set(key, text, ttl)
  }

  async delete(key: string): Promise<boolean> {
    return this.#lru.delete(key)
  }

  async deleteMany(keys: readonly string[]): Promise<number> {
    let n = 0
    for (const key of keys) if (this.#lru.delete(key)) n++
    return n
  }

  async has(key: string): Promise<boolean> {
    return this.#lru.has(key)
  }

  async clear(): Promise<void> {
    this.#lru.clear()
  }

  async incr(key: string, delta: number): Promise<number> {
    // read-modify-write without an await in between: atomic in this process
    const current = this.#lru.get(key)
    const base = current === undefined ? 0 : Number(current)
    if (!Number.isSafeInteger(base) || (current !== undefined && !/^-?\d+$/.test(current))) {
      throw new TypeError(`cache.inc: the value of ${JSON.stringify(key)} is not an integer`)
    }
    const next = base + delta
    const remaining = this.#lru.getRemainingTTL(key)
    this.#lru.set(key, String(next), { ttl: Number.isFinite(remaining) && remaining > 0 ? remaining : 0 })
    return next
  }

  async close(): Promise<void> {
    this.#lru.clear()
  }
}
