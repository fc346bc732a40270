/**
 * The `SESSION_*` settings of server-side sessions: their types on
 * `app.config` and their defaults.
 */
import type { Config } from 'phial'

/**
 * Where sessions live: `cookie` (the core's signed cookie, the default),
 * `redis`, `cache` (a `phial/caching` Cache: memory, Redis or Memcached), or
 * `sql` (a table of a `phial/sql` database: Flask-Session's `sqlalchemy`).
 *
 * @example
 * ```ts
 * const type: SessionType = process.env.REDIS_URL ? 'redis' : 'cookie'
 * ```
 */
export type SessionType = 'cookie' | 'redis' | 'cache' | 'sql'

/**
 * The keys {@link SessionStore} reads.
 *
 * @example
 * ```ts
 * app.config.fromMapping({ SESSION_TYPE: 'redis', SESSION_REDIS: 'redis://127.0.0.1:6379/1' } satisfies Partial<SessionStoreConfigValues>)
 * ```
 */
export interface SessionStoreConfigValues {
  /** `cookie` (default), `redis`, `cache` or `sql`. */
  SESSION_TYPE: SessionType
  /** Redis URL of the session store; `null` for `redis://127.0.0.1:6379`. Default `null`. */
  SESSION_REDIS: string | null
  /** ioredis options, passed through (sentinels, tls, db...). Default `null`. */
  SESSION_REDIS_OPTIONS: Record<string, unknown> | null
  /** Prefix of the store's keys, so apps can share a server. Default `'session:'`. */
  SESSION_KEY_PREFIX: string
  /** Random bytes in a session id (Flask-Session's default, 32: 256 bits). */
  SESSION_ID_LENGTH: number
  /** `sql`: the table of the sessions (Flask-Session's `SESSION_SQLALCHEMY_TABLE`). Default `'sessions'`. */
  SESSION_SQL_TABLE: string
  /** `sql`: the `phial/sql` bind of the table (`SESSION_SQLALCHEMY_BIND_KEY`); `null` for the default database. */
  SESSION_SQL_BIND_KEY: string | null
  /** `sql`: create the table if missing on first use; `false` when a migration of yours makes it. Default `true`. */
  SESSION_SQL_CREATE_TABLE: boolean
  /** `sql`: delete expired rows about every N session loads; `0` never (Flask-Session's, whose default is none). Default `1000`. */
  SESSION_CLEANUP_N_REQUESTS: number
}

declare module 'phial' {
  interface ConfigValues extends SessionStoreConfigValues {}
}

/**
 * The defaults `SessionStore.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * SESSION_STORE_DEFAULTS.SESSION_KEY_PREFIX // 'session:'
 * ```
 */
export const SESSION_STORE_DEFAULTS: Readonly<SessionStoreConfigValues> = Object.freeze({
  SESSION_TYPE: 'cookie',
  SESSION_REDIS: null,
  SESSION_REDIS_OPTIONS: null,
  SESSION_KEY_PREFIX: 'session:',
  SESSION_ID_LENGTH: 32,
  SESSION_SQL_TABLE: 'sessions',
  SESSION_SQL_BIND_KEY: null,
  SESSION_SQL_CREATE_TABLE: true,
  SESSION_CLEANUP_N_REQUESTS: 1000,
})

/**
 * Sets each `SESSION_*` key of the store that is not set yet to its default.
 *
 * @example
 * ```ts
 * applySessionStoreDefaults(app.config)
 * ```
 */
export function applySessionStoreDefaults(config: Config): void {
  for (const [key, value] of Object.entries(SESSION_STORE_DEFAULTS)) config.setDefault(key, value)
}
