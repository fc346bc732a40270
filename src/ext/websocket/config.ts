/**
 * The `WEBSOCKET_*` settings: their types on `app.config` and their defaults.
 */
import type { Config } from 'phial'

declare module 'phial' {
  interface ConfigValues {
    /** Largest message a client may send, in bytes; a larger one closes the connection with 1009. Default 1 MiB. */
    WEBSOCKET_MAX_MESSAGE_SIZE: number
    /** Ping every this many ms; a client that has not answered the previous ping is cut off. 0 turns it off. Default `25_000`. */
    WEBSOCKET_PING_INTERVAL: number
    /** Origins allowed besides the page's own: a list, `'*'`, or null for same-origin only. Default `null`. */
    WEBSOCKET_ALLOWED_ORIGINS: string[] | '*' | null
  }
}

/**
 * The defaults `Sock.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * WEBSOCKET_DEFAULTS.WEBSOCKET_MAX_MESSAGE_SIZE // 1048576
 * ```
 */
export const WEBSOCKET_DEFAULTS = Object.freeze({
  WEBSOCKET_MAX_MESSAGE_SIZE: 1024 * 1024,
  WEBSOCKET_PING_INTERVAL: 25_000,
  WEBSOCKET_ALLOWED_ORIGINS: null,
} as const)

/**
 * Puts the `WEBSOCKET_*` defaults into a config, keeping keys already set.
 *
 * @example
 * ```ts
 * applyWebSocketDefaults(app.config)
 * ```
 */
export function applyWebSocketDefaults(config: Config): void {
  for (const [key, value] of Object.entries(WEBSOCKET_DEFAULTS)) config.setDefault(key as keyof typeof WEBSOCKET_DEFAULTS, value as never)
}

/**
 * Whether a handshake's `Origin` is acceptable: none (not a browser), the
 * page's own host, or one of `allowed`. Browsers send cookies with
 * cross-site WebSocket handshakes: accepting any origin by default would let
 * another site talk as the logged-in user.
 *
 * @example
 * ```ts
 * originAllowed({ origin: 'https://a.example', host: 'a.example' }, null) // true
 * ```
 */
export function originAllowed(headers: { origin?: string; host?: string }, allowed: readonly string[] | '*' | null): boolean {
  const origin = headers.origin
  if (origin === undefined || allowed === '*') return true
  if (allowed !== null && allowed.includes(origin)) return true
  try {
    return new URL(origin).host === headers.host
  } catch {
    return false
  }
}
