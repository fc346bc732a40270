/**
 * The `SESSION_*` settings of server-side sessions: their types on
 * `app.config` and their defaults.
 */
import type { Config } from 'phial'

/**
 * Where sessions live: `cookie` (the core's signed cookie, the default),
 * `redis`, or `cache` (a `phial/caching` Cache: memory, Redis or Memcached).
 *
 * @example
 * ```ts
 * const type: SessionType = process.env.REDIS_URL ? 'redis' : 'cookie'
 * ```
 */
export type SessionType = 'cookie' | 'redis' | 'cache'

/**
 * The keys {@link SessionStore} reads.
 *
 * @example
 * ```ts
 * app.config.fromMapping({ SESSION_TYPE: 'redis', SESSION_REDIS: 'redis://127.0.0.1:6379/1' } satisfies Partial<SessionStoreConfigValues>)
 * ```
 */
export interface SessionStoreConfigValues {
  /** `cookie` (default), `redis` or `cache`. */
  SESSION_TYPE: SessionType
  /** Redis URL of the session store; `null` for `redis://127.0.0.1:6379`. Default `null`. */
  SESSION_REDIS: string | null
  /** ioredis options, passed through (sentinels, tls, db...). Default `null`. */
  SESSION_REDIS_OPTIONS: Record<string, unknown> | null
  /** Prefix of the store's keys, so apps can share a server. Default `'session:'`. */
  SESSION_KEY_PREFIX: string
  /** Random bytes in a session id (Flask-Session's default, 32: 256 bits). */
  SESSION_ID_LENGTH: number
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
