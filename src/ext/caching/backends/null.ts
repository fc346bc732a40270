/**
 * `CACHE_TYPE: 'null'`: caches nothing (Flask-Caching's NullCache), for
 * tests and for turning caching off without touching code.
 */
import type { CacheBackend } from './types.ts'

/**
 * A backend that stores nothing: every read misses, every write "succeeds".
 *
 * @example
 * ```ts
 * app.config.CACHE_TYPE = 'null'   // cache.cached() views always run
 * ```
 */
export class NullBackend implements CacheBackend {
  readonly type = 'null'
  readonly sync = { get: (): undefined => undefined, set: (): void => {} }
  async get(): Promise<undefined> {
    return undefined
  }
  async getMany(keys: readonly string[]): Promise<undefined[]> {
    return keys.map(() => undefined)
  }
  async set(): Promise<void> {}
  async add(): Promise<boolean> {
    return true
  }
  async setMany(): Promise<void> {}
  async delete(): Promise<boolean> {
    return false
  }
  async deleteMany(): Promise<number> {
    return 0
  }
  async has(): Promise<boolean> {
    return false
  }
  async clear(): Promise<void> {}
  async incr(_key: string, delta: number): Promise<number> {
    return delta
  }
  async close(): Promise<void> {}
}
