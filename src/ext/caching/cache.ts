/**
 * `Cache` (Flask-Caching's): the extension object, its per-app backend, and
 * the key/value operations.
 */
import { currentContext, hasContext, type Context, type Phial } from 'phial'
import { createBackend } from './backends/index.ts'
import type { CacheBackend } from './backends/types.ts'
import { applyCacheDefaults, CACHE_DEFAULTS, cacheSettings, ttlOf, type CacheConfigValues } from './config.ts'
import { deleteMemoizedFunction, memoizeFunction, type Memoized, type MemoizeOptions } from './memoize.ts'
import { CacheCommands } from './commands.ts'
import { registerCacheTag } from './template.ts'
import { cachedView, type CachedOptions, type CachedView } from './view.ts'

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

type Registry = Map<Cache, CacheBackend>
/** An app as a context holds it (a `Phial`). */
type App = Context['app']

function registry(app: App): Registry | undefined {
  return app.extensions.cache as Registry | undefined
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
export class Cache extends CacheCommands {
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
    super()
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
    const settings = cacheSettings(app.config, { ...this.#options.config, ...options.config })
    const backend = createBackend(settings, (err) =>
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
    this.#defaults.set(backend, ttlOf(settings.CACHE_DEFAULT_TIMEOUT, 0))
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
  override backend(app: App = this.#app()): CacheBackend {
    const backend = registry(app)?.get(this)
    if (backend === undefined) throw new Error('This cache is not set up for this app: call cache.initApp(app) first.')
    return backend
  }

  /** Lifetime in seconds of `timeout` for this backend. */
  override ttl(backend: CacheBackend, timeout?: number | null): number {
    return ttlOf(timeout, this.#defaults.get(backend) ?? CACHE_DEFAULTS.CACHE_DEFAULT_TIMEOUT)
  }

  /**
   * A decorator for views (Flask-Caching's `@cache.cached`): GET and HEAD
   * responses served from the cache under `view/<path>` (+ a hash of the
   * sorted query string). Visitors whose session holds data, or who send
   * `Authorization`, get the view itself; personal responses (cookies,
   * `private`, data put in the session) and non-200 ones are never stored;
   * concurrent misses run the view once; while the cache server is down the
   * view runs uncached. See docs/caching.md for the rules and options.
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
