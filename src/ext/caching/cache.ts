/**
 * `Cache` (Flask-Caching's): the extension object, its per-app backend, and
 * the key/value operations.
 */
import { currentContext, hasContext, type Context, type Phial } from 'phial'
import { createBackend } from './backends/index.ts'
import type { CacheBackend } from './backends/types.ts'
import { applyCacheDefaults, CACHE_DEFAULTS, type CacheConfigValues } from './config.ts'
import { singleFlight } from './flight.ts'
import { forgetFragments } from './fragments.ts'
import { deleteMemoizedFunction, memoizeFunction, type Memoized, type MemoizeOptions } from './memoize.ts'
import { registerCacheTag } from './template.ts'
import { cachedView, type CachedOptions, type CachedView } from './view.ts'
import { decodeValue, encodeValue, readStored } from './serializer.ts'

/**
 * Options of {@link Cache}.
 *
 * @example
 * ```ts
 * const options: CacheOptions = { config: { CACHE_TYPE: 'redis', CACHE_KEY_PREFIX: 'fragments:' } }
 * ```
 */
export interface CacheOptions {
  /** `CACHE_*` settings of this cache only, over the app's (Flask-Caching's `Cache(config=...)`). */
  config?: Partial<CacheConfigValues>
  /**
   * Back the `{% cache %}` template tag with this cache. By default the first
   * cache set up on an app does; `true` takes the tag over, `false` never.
   */
  templateTag?: boolean
}

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

type Registry = Map<Cache, CacheBackend>
/** An app as a context holds it (a `Phial`). */
type App = Context['app']

function registry(app: App): Registry | undefined {
  return app.extensions.cache as Registry | undefined
}

function checkKey(key: unknown, method: string): asserts key is string {
  if (typeof key !== 'string' || key === '') throw new TypeError(`cache.${method}: a key must be a non-empty string, got ${typeof key === 'string' ? "''" : typeof key}`)
}

/**
 * Seconds to keep an entry: the given timeout, else the default; `0` means
 * no expiry. A negative or non-number timeout is a TypeError.
 */
export function ttlOf(timeout: number | null | undefined, fallback: number): number {
  const t = timeout ?? fallback
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw new TypeError(`A cache timeout is a number of seconds ≥ 0 (0: no expiry), got ${String(t)}`)
  }
  return Math.ceil(t)
}

/**
 * A cache for one or many apps (Flask-Caching's `Cache`). Each app gets the
 * backend its `CACHE_TYPE` names — `simple` (in memory, the default),
 * `redis`, `memcached` or `null`; in a request, a command goes to the current
 * app's backend, outside one to the last app set up. Values keep their types
 * (Date, Buffer, Map, Set, BigInt) and reading never runs code. Every method
 * is asynchronous; while Redis or Memcached is down they reject with a
 * `CacheUnavailable` (a 503) within about a second.
 *
 * @example
 * ```ts
 * import { Cache } from 'phial/caching'
 *
 * export const cache = new Cache()
 * export function createApp() {
 *   const app = new Phial(import.meta.url)
 *   app.config.CACHE_TYPE = 'redis'
 *   cache.initApp(app)
 *   app.get('/count', async function count() { return { visits: await cache.inc('visits') } })
 *   return app
 * }
 * ```
 */
export class Cache {
  readonly #options: CacheOptions
  readonly #apps = new Set<App>()
  readonly #defaults = new WeakMap<CacheBackend, number>()
  #lastApp: App | null = null

  /**
   * @example
   * ```ts
   * const cache = new Cache(app)   // or new Cache() then cache.initApp(app)
   * const fragments = new Cache(app, { config: { CACHE_TYPE: 'simple', CACHE_THRESHOLD: 100 } })
   * ```
   */
  constructor(app?: Phial, options: CacheOptions = {}) {
    this.#options = options
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Sets up an app: the `CACHE_*` defaults, then the backend (no connection
   * is opened until the first command). One app may hold several caches.
   *
   * @example
   * ```ts
   * cache.initApp(app, { config: { CACHE_KEY_PREFIX: 'blog:' } })
   * ```
   */
  initApp(app: Phial, options: CacheOptions = {}): void {
    applyCacheDefaults(app.config)
    const config = { ...this.#options.config, ...options.config }
    const settings = {} as Record<string, unknown>
    for (const key of Object.keys(CACHE_DEFAULTS)) settings[key] = key in config ? config[key as keyof CacheConfigValues] : app.config[key]
    const backend = createBackend(settings as unknown as CacheConfigValues, (err) =>
      app.logger.warn({ err: err.message }, 'phial/caching: cannot reach the cache server; cache calls fail with 503 until it is back'),
    )
    let caches = registry(app)
    if (caches === undefined) {
      caches = new Map()
      app.extensions.cache = caches
    }
    caches.get(this)?.close().catch(() => {})
    caches.set(this, backend)
    this.#lastApp = app
    this.#apps.add(app)
    const tag = options.templateTag ?? this.#options.templateTag
    if (tag !== false) registerCacheTag(app, this, tag === true)
    this.#defaults.set(backend, ttlOf(settings.CACHE_DEFAULT_TIMEOUT as number, 0))
  }

  /** The app whose backend a command uses now. */
  #app(): App {
    const app = hasContext() ? currentContext().app : this.#lastApp
    if (app === null) throw new Error('This cache is not set up: call cache.initApp(app) first.')
    return app
  }

  /**
   * The backend of the current app (or of `app`).
   *
   * @example
   * ```ts
   * cache.backend().type // 'redis'
   * ```
   */
  backend(app: App = this.#app()): CacheBackend {
    const backend = registry(app)?.get(this)
    if (backend === undefined) throw new Error('This cache is not set up for this app: call cache.initApp(app) first.')
    return backend
  }

  /** Lifetime in seconds of `timeout` for this backend. */
  ttl(backend: CacheBackend, timeout?: number | null): number {
    return ttlOf(timeout, this.#defaults.get(backend) ?? CACHE_DEFAULTS.CACHE_DEFAULT_TIMEOUT)
  }

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
    const forced = options.forcedUpdate?.() === true
    const { result, leader } = await singleFlight(backend, key, async () => {
      if (!forced) {
        const text = await backend.get(key)
        if (readStored(text).found) return { text: text!, value: undefined as T, computed: false }
      }
      const value = await compute()
      const text = encodeValue(value)
      await backend.set(key, text, ttl)
      return { text, value, computed: true }
    })
    // the one who computed keeps its value; everyone else decodes a copy of their own
    if (leader && result.computed) return result.value
    return decodeValue(result.text) as T
  }

  /**
   * A decorator for views (Flask-Caching's `@cache.cached`): GET and HEAD
   * responses are served from the cache under `view/<path>` (plus a hash of
   * the sorted query string). It never stores a response that sets a
   * cookie, is `private`/`no-store`/`no-cache`, varies on `Cookie`, comes from
   * a view that read the session, answers a request with an `Authorization`
   * header, or has a status other than 200 (change that with
   * `responseFilter`). Concurrent misses of one key run the view once. While
   * the cache server is down the view runs uncached.
   *
   * @example
   * ```ts
   * app.get('/posts', cache.cached({ timeout: 60 })(async function posts() {
   *   return renderTemplate('posts.html', { posts: await Post.all() })
   * }))
   * ```
   */
  cached(options: CachedOptions = {}): <V extends (args: never, ctx: Context) => unknown>(view: V) => CachedView<V> {
    return (view) => cachedView(this, options, view)
  }

  /**
   * A decorator for functions (Flask-Caching's `@cache.memoize`): results are
   * cached by argument list (encoded like values, so `1` and `'1'` differ).
   * The wrapped function always returns a promise.
   *
   * @example
   * ```ts
   * const userPosts = cache.memoize({ timeout: 120 })(async function userPosts(userId: number) {
   *   return db.query('select * from post where author_id = $1', [userId])
   * })
   * await userPosts(42)
   * await cache.deleteMemoized(userPosts, 42)   // after a new post by 42
   * ```
   */
  memoize(options: MemoizeOptions = {}): <A extends unknown[], R>(fn: (...args: A) => R) => Memoized<A, R> {
    return (fn) => memoizeFunction(this, options, fn)
  }

  /**
   * Forgets a memoized result: `fn(...args)`'s, or every result of `fn`
   * when no arguments are given.
   *
   * @example
   * ```ts
   * await cache.deleteMemoized(userPosts, 42)
   * await cache.deleteMemoized(userPosts)      // all users
   * ```
   */
  async deleteMemoized(fn: object, ...args: unknown[]): Promise<void> {
    await deleteMemoizedFunction(this, fn, args)
  }

  /**
   * Closes the backend connections of `app` (default: every app of this
   * cache). Call it when the app shuts down, and in tests.
   *
   * @example
   * ```ts
   * process.once('SIGTERM', () => cache.close())
   * ```
   */
  async close(app?: App): Promise<void> {
    const apps = app ? [app] : [...this.#apps]
    for (const a of apps) {
      this.#apps.delete(a)
      const backend = registry(a)?.get(this)
      if (backend !== undefined) await backend.close()
    }
  }
}
