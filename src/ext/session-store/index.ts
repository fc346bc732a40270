/**
 * `phial/session-store`: server-side sessions (Flask-Session). The session
 * data lives in Redis, a `phial/caching` Cache or a SQL table (`phial/sql`); the cookie carries only a
 * signed random id. The signed cookie stays the core's default.
 *
 * @example
 * ```ts
 * import { SessionStore } from 'phial/session-store'
 *
 * app.config.SESSION_TYPE = 'redis'
 * new SessionStore(app)
 * app.post('/login', () => { (session as ServerSession).regenerate(); session.set('userId', 1); return redirect('/') })
 * ```
 *
 * @module
 */
export { SessionStore, type SessionStoreOptions } from './extension.ts'
export { ServerSessionInterface, SESSION_ID_SALT, type ServerSessionOptions } from './interface.ts'
export { ServerSession, newSessionId, SESSION_ID_PATTERN } from './session.ts'
export { RedisSessionStore, CacheSessionStore, type SessionRecordStore } from './stores.ts'
export { SqlSessionStore, sessionTableDdl, type SqlSessionStoreOptions } from './sql-store.ts'
export { SESSION_STORE_DEFAULTS, applySessionStoreDefaults, type SessionStoreConfigValues, type SessionType } from './config.ts'
