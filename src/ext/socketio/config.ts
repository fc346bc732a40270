/**
 * The `SOCKETIO_*` settings: their types on `app.config` and their defaults.
 * Options given to `new SocketIO(app, options)` win over them.
 */
import type { Config } from 'phial'

declare module 'phial' {
  interface ConfigValues {
    /** Redis URL of the message queue that joins processes (Flask-SocketIO's `message_queue`); null: this process only. Default `null`. */
    SOCKETIO_MESSAGE_QUEUE: string | null
    /** Key prefix of the Redis channels (Flask-SocketIO's `channel`). Default `'phial-socketio'`. */
    SOCKETIO_CHANNEL: string
    /** Origins allowed to connect besides the page's own: a list, `'*'`, or null for same-origin only. Default `null`. */
    SOCKETIO_CORS_ALLOWED_ORIGINS: string[] | '*' | null
    /** Keep a per-connection copy of the handshake's session (true), or open and save the app's session on every event (false, for server-side stores). Default `true`. */
    SOCKETIO_MANAGE_SESSION: boolean
    /** The URL path of the Socket.IO endpoint. Default `'/socket.io'`. */
    SOCKETIO_PATH: string
    /** Largest message a client may send, in bytes; a larger one closes its connection. Default `1_000_000`. */
    SOCKETIO_MAX_HTTP_BUFFER_SIZE: number
    /** Heartbeat interval, ms. Default `25_000`. */
    SOCKETIO_PING_INTERVAL: number
    /** How long a heartbeat may go unanswered before the connection is closed, ms. Default `20_000`. */
    SOCKETIO_PING_TIMEOUT: number
  }
}

/**
 * The defaults `SocketIO.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * SOCKETIO_DEFAULTS.SOCKETIO_PATH // '/socket.io'
 * ```
 */
export const SOCKETIO_DEFAULTS = Object.freeze({
  SOCKETIO_MESSAGE_QUEUE: null,
  SOCKETIO_CHANNEL: 'phial-socketio',
  SOCKETIO_CORS_ALLOWED_ORIGINS: null,
  SOCKETIO_MANAGE_SESSION: true,
  SOCKETIO_PATH: '/socket.io',
  SOCKETIO_MAX_HTTP_BUFFER_SIZE: 1_000_000,
  SOCKETIO_PING_INTERVAL: 25_000,
  SOCKETIO_PING_TIMEOUT: 20_000,
} as const)

/**
 * Puts the `SOCKETIO_*` defaults into a config, keeping keys already set.
 *
 * @example
 * ```ts
 * applySocketIODefaults(app.config)
 * ```
 */
export function applySocketIODefaults(config: Config): void {
  for (const [key, value] of Object.entries(SOCKETIO_DEFAULTS)) config.setDefault(key as keyof typeof SOCKETIO_DEFAULTS, value as never)
}
