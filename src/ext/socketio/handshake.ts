/**
 * The handshake of a connection as Phial sees it: the request init every
 * event's context is built from, the origin check, and the session the
 * connection keeps.
 */
import type { IncomingMessage } from 'node:http'
import type { TLSSocket } from 'node:tls'
import type { RequestInit, Session } from 'phial'

/**
 * What one engine connection (all its namespaces) keeps: the request its
 * events run in, and the session opened from the handshake's cookie.
 */
export interface ConnectionState {
  readonly init: RequestInit
  /** The managed session: opened at the first connect, kept for the connection. */
  session: Promise<Session> | null
  /** The same session once opened, so that an event need not wait for a promise. */
  opened: Session | null
}

const connections = new WeakMap<object, ConnectionState>()

/**
 * The state of the engine connection `conn` (a socket.io `socket.conn`),
 * made from its handshake request on first use.
 *
 * @example
 * ```ts
 * const state = connectionState(socket.conn, socket.request)
 * ```
 */
export function connectionState(conn: object, req: IncomingMessage): ConnectionState {
  let state = connections.get(conn)
  if (state === undefined) {
    state = { init: requestInitOf(req), session: null, opened: null }
    connections.set(conn, state)
  }
  return state
}

/**
 * The init of a Phial `Request` for a handshake request: its method, URL,
 * headers (the cookie with the session) and client address.
 *
 * @example
 * ```ts
 * app.requestContext(requestInitOf(socket.request), () => session.get('userId'))
 * ```
 */
export function requestInitOf(req: IncomingMessage): RequestInit {
  return {
    method: 'GET',
    url: req.url ?? '/',
    headers: req.headers,
    remoteAddr: req.socket?.remoteAddress ?? null,
    secure: (req.socket as TLSSocket | undefined)?.encrypted === true,
  }
}

/**
 * Whether a handshake's `Origin` is acceptable: no Origin (not a browser),
 * the page's own host, or one of `allowed` (`'*'` allows any). Browsers send
 * cookies with cross-site WebSocket handshakes, so accepting any origin by
 * default would let another site act as the logged-in user.
 *
 * @example
 * ```ts
 * originAllowed(req.headers, null) // true only for same-origin pages
 * ```
 */
export function originAllowed(headers: IncomingMessage['headers'], allowed: readonly string[] | '*' | null): boolean {
  const origin = headers.origin
  if (origin === undefined || allowed === '*') return true
  if (allowed !== null && allowed.includes(origin)) return true
  try {
    return new URL(origin).host === headers.host
  } catch {
    return false
  }
}
