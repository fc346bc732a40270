/**
 * The WebSocket test connection: a `ws` client over loopback to a server of
 * the app started for the tests, with a Phial test client's cookies.
 */
import { acquireTestServer, type Phial, type TestClient } from 'phial'
import { WebSocket } from 'ws'
import { WebSocketConnection } from './connection.ts'

/**
 * Options of `sock.testClient`.
 *
 * @example
 * ```ts
 * await sock.testClient(app, '/ws/lobby', { client: app.testClient(), headers: { origin: 'http://localhost' } })
 * ```
 */
export interface TestWebSocketOptions {
  /** A Phial test client whose session cookie the handshake sends. */
  client?: TestClient
  /** More handshake headers. */
  headers?: Record<string, string>
}

/** A refused handshake: the HTTP status and body the app answered. */
export class HandshakeRefused extends Error {
  override name = 'HandshakeRefused'
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`The WebSocket handshake was refused with HTTP ${status}: ${body}`)
  }
}

/**
 * Opens a test connection (see `sock.testClient`).
 *
 * @example
 * ```ts
 * const ws = await connectTestWebSocket(app, '/echo')
 * ```
 */
export async function connectTestWebSocket(app: Phial, path: string, options: TestWebSocketOptions = {}): Promise<WebSocketConnection> {
  const running = await acquireTestServer(app)
  const headers: Record<string, string> = { ...options.headers }
  const name = app.config.SESSION_COOKIE_NAME
  const cookie = options.client?.getCookie(name)
  if (cookie !== undefined) headers.cookie = `${name}=${cookie}`
  const raw = new WebSocket(`${running.url.replace(/^http/, 'ws')}${path}`, { headers })
  // listening from the start: the first message can come in the same chunk as the 101
  const connection = new WebSocketConnection(raw)
  // a lease is released once, whichever comes first
  const releaseOnce = (): void => void running.release()
  raw.once('close', releaseOnce)
  try {
    await new Promise<void>((resolve, reject) => {
      raw.once('open', () => resolve())
      raw.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (c: Buffer) => (body += c.toString()))
        res.on('end', () => reject(new HandshakeRefused(res.statusCode ?? 0, body)))
        res.on('error', () => reject(new HandshakeRefused(res.statusCode ?? 0, body)))
      })
      raw.once('error', reject)
    })
  } catch (err) {
    raw.terminate()
    releaseOnce()
    throw err
  }
  return connection
}
