/**
 * `SessionStore` (Flask-Session's `Session` extension): picks the session
 * store from `SESSION_TYPE` and installs it on the app.
 */
import type { Phial } from 'phial'
import type { Cache } from 'phial/caching'
import type { SQL } from 'phial/sql'
import { applySessionStoreDefaults } from './config.ts'
import { ServerSessionInterface } from './interface.ts'
import { SqlSessionStore } from './sql-store.ts'
import { CacheSessionStore, RedisSessionStore, type SessionRecordStore } from './stores.ts'

/**
 * Options of {@link SessionStore}.
 *
 * @example
 * ```ts
 * const options: SessionStoreOptions = { cache }   // for SESSION_TYPE 'cache'
 * ```
 */
export interface SessionStoreOptions {
  /** The Cache that holds sessions when `SESSION_TYPE` is `cache`. */
  cache?: Cache
  /** The `phial/sql` database that holds sessions when `SESSION_TYPE` is `sql` (Flask-Session's `SESSION_SQLALCHEMY`). */
  db?: SQL
  /** A record store of your own (SQL, ...); wins over `SESSION_TYPE`. */
  store?: SessionRecordStore
}

/**
 * Server-side sessions for one or many apps (Flask-Session's `Session`,
 * named so as not to be confused with the session object). `SESSION_TYPE`
 * picks the store: `cookie` keeps the core's signed cookie (the default),
 * `redis` keeps records in Redis (`SESSION_REDIS`), `cache` in a
 * `phial/caching` Cache given as an option, `sql` in a table of the
 * `phial/sql` database given as `db` (`SESSION_SQL_*`). The app's `session` keeps its
 * API; with a server-side store it also has `regenerate()`.
 *
 * @example
 * ```ts
 * import { SessionStore } from 'phial/session-store'
 *
 * const sessions = new SessionStore()
 * export function createApp() {
 *   const app = new Phial(import.meta.url)
 *   app.config.SECRET_KEY = process.env.SECRET_KEY!
 *   app.config.SESSION_TYPE = 'redis'
 *   app.config.SESSION_REDIS = process.env.REDIS_URL ?? null
 *   sessions.initApp(app)
 *   return app
 * }
 * ```
 */
export class SessionStore {
  readonly #options: SessionStoreOptions

  /**
   * @example
   * ```ts
   * new SessionStore(app)   // or new SessionStore() then sessions.initApp(app)
   * ```
   */
  constructor(app?: Phial, options: SessionStoreOptions = {}) {
    this.#options = options
    if (app !== undefined) this.initApp(app)
  }

  /**
   * Sets the `SESSION_*` defaults and, unless `SESSION_TYPE` is `cookie`,
   * replaces `app.sessionInterface` with a {@link ServerSessionInterface}.
   * No connection is opened until the first request with a session.
   *
   * @throws TypeError for an unknown `SESSION_TYPE`, `cache` without a cache, or `sql` without a db.
   *
   * @example
   * ```ts
   * sessions.initApp(app)
   * ```
   */
  initApp(app: Phial): void {
    applySessionStoreDefaults(app.config)
    app.extensions.sessionStore = this
    const config = app.config
    const store = this.#options.store ?? this.#storeFor(app)
    if (store === null) return
    app.sessionInterface = new ServerSessionInterface(store, { idLength: config.SESSION_ID_LENGTH })
  }

  #storeFor(app: Phial): SessionRecordStore | null {
    const config = app.config
    const type = config.SESSION_TYPE
    switch (type) {
      case 'cookie':
        return null
      case 'redis':
        return new RedisSessionStore(config.SESSION_KEY_PREFIX, {
          url: config.SESSION_REDIS,
          options: config.SESSION_REDIS_OPTIONS,
          onError: (err) => app.logger.warn({ err: err.message }, 'phial/session-store: cannot reach Redis; requests with a session get 503 until it is back'),
        })
      case 'cache':
        if (this.#options.cache === undefined) throw new TypeError("SESSION_TYPE 'cache' needs a Cache: new SessionStore(app, { cache })")
        return new CacheSessionStore(this.#options.cache, config.SESSION_KEY_PREFIX)
      case 'sql':
        if (this.#options.db === undefined) throw new TypeError("SESSION_TYPE 'sql' needs a phial/sql database: new SessionStore(app, { db })")
        return new SqlSessionStore(this.#options.db, app, {
          table: config.SESSION_SQL_TABLE,
          bind: config.SESSION_SQL_BIND_KEY,
          createTable: config.SESSION_SQL_CREATE_TABLE,
          cleanupEvery: config.SESSION_CLEANUP_N_REQUESTS,
        })
      default:
        throw new TypeError(`Unknown SESSION_TYPE ${JSON.stringify(type)}: use 'cookie', 'redis', 'cache' or 'sql'.`)
    }
  }
}
