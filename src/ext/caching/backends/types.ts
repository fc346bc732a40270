/**
 * What a cache backend does: store text under keys with a lifetime. The
 * {@link Cache} encodes values before they get here and decodes them after,
 * so every backend keeps the same types.
 */

/**
 * A cache store. Keys arrive without the key prefix (the backend adds its
 * own); `ttl` is in seconds, `0` for no expiry. A backend whose server is down
 * rejects with `CacheUnavailable`.
 *
 * @example
 * ```ts
 * const backend: CacheBackend = new MemoryBackend({ maxEntries: 100, maxSize: 1 << 20 })
 * await backend.set('greeting', 'p1:"hi"', 60)
 * ```
 */
export interface CacheBackend {
  /** The `CACHE_TYPE` this backend implements. */
  readonly type: string
  /** The text stored under `key`, or undefined. */
  get(key: string): Promise<string | undefined>
  /** The texts of several keys, in order. */
  getMany(keys: readonly string[]): Promise<Array<string | undefined>>
  /** Stores `text` for `ttl` seconds (0: no expiry). */
  set(key: string, text: string, ttl: number): Promise<void>
  /** Stores only when the key is absent; true when it stored. */
  add(key: string, text: string, ttl: number): Promise<boolean>
  /** Stores several texts with one lifetime. */
  setMany(entries: ReadonlyArray<readonly [string, string]>, ttl: number): Promise<void>
  /** True when the key was there. */
  delete(key: string): Promise<boolean>
  /** How many of the keys were there. */
  deleteMany(keys: readonly string[]): Promise<number>
  /** True when `key` holds a value. */
  has(key: string): Promise<boolean>
  /** Removes this cache's keys (Memcached: every key of the server). */
  clear(): Promise<void>
  /** Adds `delta` to an integer value (a missing key counts as 0) and returns the result. */
  incr(key: string, delta: number): Promise<number>
  /** Closes connections; the backend is unusable afterwards. */
  close(): Promise<void>
  /** Synchronous access, for backends in this process (template fragments). */
  readonly sync?: SyncCacheAccess
  /** Messages to every process that uses the same server (Redis pub/sub). */
  readonly broadcast?: CacheBroadcast
}

/**
 * A channel to the other processes of a shared backend: the `{% cache %}`
 * tag uses it to drop its per-process copies of a fragment deleted anywhere.
 *
 * @example
 * ```ts
 * backend.broadcast?.subscribe((keys) => keys.forEach((k) => local.delete(k)), () => local.clear())
 * await backend.broadcast?.publish(['_template_fragment_cache_sidebar'])
 * ```
 */
export interface CacheBroadcast {
  /** Sends keys to every subscriber (this process's included); `['*']` means all. */
  publish(keys: readonly string[]): Promise<void>
  /**
   * Calls `handler` with the keys of each message, until the backend is
   * closed; `onSubscribed` each time the subscription is (re)established —
   * messages sent before then were missed.
   */
  subscribe(handler: (keys: string[]) => void, onSubscribed: () => void): void
}

/**
 * Synchronous get/set of an in-process backend.
 *
 * @example
 * ```ts
 * backend.sync?.set('k', 'p1:"v"', 60); backend.sync?.get('k') // 'p1:"v"'
 * ```
 */
export interface SyncCacheAccess {
  /** The text stored under `key`, or undefined. */
  get(key: string): string | undefined
  /** Stores `text` for `ttl` seconds (0: no expiry). */
  set(key: string, text: string, ttl: number): void
}
