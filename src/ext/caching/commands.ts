/**
 * The key/value commands of a {@link Cache}: `get`, `set`, `add`,
 * `getMany`, `setMany`, `delete`, `deleteMany`, `has`, `clear`, `inc`, `dec`
 * and `getOrSet`, on whatever backend the cache picks for the current app.
 */
import type { CacheBackend } from './backends/types.ts'
import { getOrCompute } from './flight.ts'
import { forgetFragments } from './fragments.ts'
import { encodeValue, readStored } from './serializer.ts'

/**
 * Options of {@link Cache.getOrSet}.
 *
 * @example
 * ```ts
 * const options: GetOrSetOptions = { timeout: 60, forcedUpdate: () => request.args.has('refresh') }
 * ```
 */
export interface GetOrSetOptions {
  /** Seconds to keep the computed value (default `CACHE_DEFAULT_TIMEOUT`). */
  timeout?: number | null
  /** When it returns true, compute and store even though a value is cached. */
  forcedUpdate?: (() => boolean) | null
}

function checkKey(key: unknown, method: string): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new TypeError(`cache.${method}: a key must be a non-empty string, got ${typeof key === 'string' ? "''" : typeof key}`)
}

/**
 * The commands every cache has; {@link Cache} supplies the backend and the
 * default lifetime.
 *
 * @example
 * ```ts
 * const commands: CacheCommands = new Cache(app)
 * await commands.set('k', 1)
 * ```
 */
export abstract class CacheCommands {
  /** The backend commands go to now. */
  abstract backend(): CacheBackend

  /** Lifetime in seconds of `timeout` (default: the backend's default). */
  abstract ttl(backend: CacheBackend, timeout?: number | null): number

  /**
   * The value stored under `key`, or `undefined`.
   *
   * @example
   * ```ts
   * const user = await cache.get<User>(`user:${id}`)
   * ```
   */
  async get<T = unknown>(key: string): Promise<T | undefined> {
    checkKey(key, 'get')
    const stored = readStored(await this.backend().get(key))
    return stored.found ? (stored.value as T) : undefined
  }

  /**
   * The values of several keys, in order (`undefined` for a miss).
   *
   * @example
   * ```ts
   * const [a, b] = await cache.getMany(['a', 'b'])
   * ```
   */
  async getMany<T = unknown>(keys: readonly string[]): Promise<Array<T | undefined>> {
    for (const key of keys) checkKey(key, 'getMany')
    const texts = await this.backend().getMany(keys)
    return texts.map((text) => {
      const stored = readStored(text)
      return stored.found ? (stored.value as T) : undefined
    })
  }

  /**
   * Stores a value for `timeout` seconds (default `CACHE_DEFAULT_TIMEOUT`;
   * `0` keeps it until evicted).
   *
   * @example
   * ```ts
   * await cache.set('greeting', { text: 'hi', at: new Date() }, 60)
   * ```
   */
  async set(key: string, value: unknown, timeout?: number | null): Promise<void> {
    checkKey(key, 'set')
    const backend = this.backend()
    await backend.set(key, encodeValue(value), this.ttl(backend, timeout))
  }

  /**
   * Stores a value only when `key` holds none; true when it stored.
   *
   * @example
   * ```ts
   * if (await cache.add(`lock:${job}`, true, 30)) await runJob()
   * ```
   */
  async add(key: string, value: unknown, timeout?: number | null): Promise<boolean> {
    checkKey(key, 'add')
    const backend = this.backend()
    return backend.add(key, encodeValue(value), this.ttl(backend, timeout))
  }

  /**
   * Stores several values with one lifetime.
   *
   * @example
   * ```ts
   * await cache.setMany({ a: 1, b: [2, 3] }, 60)
   * ```
   */
  async setMany(values: Record<string, unknown> | Map<string, unknown>, timeout?: number | null): Promise<void> {
    const entries = values instanceof Map ? [...values] : Object.entries(values)
    for (const [key] of entries) checkKey(key, 'setMany')
    const backend = this.backend()
    await backend.setMany(
      entries.map(([key, value]) => [key, encodeValue(value)] as const),
      this.ttl(backend, timeout),
    )
  }

  /**
   * Removes a key; true when it was there.
   *
   * @example
   * ```ts
   * await cache.delete('view//posts')
   * ```
   */
  async delete(key: string): Promise<boolean> {
    checkKey(key, 'delete')
    const backend = this.backend()
    const deleted = await backend.delete(key)
    await forgetFragments(backend, [key])
    return deleted
  }

  /**
   * Removes several keys; returns how many were there.
   *
   * @example
   * ```ts
   * await cache.deleteMany(['a', 'b'])
   * ```
   */
  async deleteMany(keys: readonly string[]): Promise<number> {
    for (const key of keys) checkKey(key, 'deleteMany')
    const backend = this.backend()
    const deleted = await backend.deleteMany(keys)
    await forgetFragments(backend, keys)
    return deleted
  }

  /**
   * True when `key` holds a value.
   *
   * @example
   * ```ts
   * if (!(await cache.has('report'))) await buildReport()
   * ```
   */
  async has(key: string): Promise<boolean> {
    checkKey(key, 'has')
    return this.backend().has(key)
  }

  /**
   * Removes every key of this cache (Redis: the keys under
   * `CACHE_KEY_PREFIX`; Memcached: the whole server).
   *
   * @example
   * ```ts
   * await cache.clear()
   * ```
   */
  async clear(): Promise<void> {
    const backend = this.backend()
    await backend.clear()
    await forgetFragments(backend, ['*'])
  }

  /**
   * Adds `delta` to an integer (a missing key starts at 0), atomically on
   * Redis and Memcached; returns the new value. A key that holds something
   * else is a TypeError. The entry keeps its lifetime (a new one has none).
   *
   * @example
   * ```ts
   * const views = await cache.inc(`views:${post.id}`)
   * ```
   */
  async inc(key: string, delta = 1): Promise<number> {
    checkKey(key, 'inc')
    if (!Number.isSafeInteger(delta)) throw new TypeError(`cache.inc: delta must be an integer, got ${String(delta)}`)
    return this.backend().incr(key, delta)
  }

  /**
   * Subtracts `delta` (Memcached counters stop at 0).
   *
   * @example
   * ```ts
   * await cache.dec('stock:42')
   * ```
   */
  async dec(key: string, delta = 1): Promise<number> {
    if (!Number.isSafeInteger(delta)) throw new TypeError(`cache.dec: delta must be an integer, got ${String(delta)}`)
    return this.inc(key, -delta)
  }

  /**
   * The cached value of `key`, or `compute()`'s result, stored for
   * `timeout`. Concurrent calls for the same key in this process share one
   * computation (stampede protection).
   *
   * @example
   * ```ts
   * const stats = await cache.getOrSet('stats', () => db.computeStats(), { timeout: 600 })
   * ```
   */
  async getOrSet<T>(key: string, compute: () => T | Promise<T>, options: GetOrSetOptions = {}): Promise<T> {
    checkKey(key, 'getOrSet')
    const backend = this.backend()
    const ttl = this.ttl(backend, options.timeout)
    return getOrCompute(backend, key, ttl, compute, options.forcedUpdate?.() === true)
  }
}
