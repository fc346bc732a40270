/**
 * `phial/websocket`: plain WebSocket routes (Flask-Sock) on `ws`, with the
 * app's routing, converters, `urlFor`, `beforeRequest` hooks, session and
 * context; a message size limit, ping/pong keep-alive, clean close codes,
 * and a test connection.
 *
 * @example
 * ```ts
 * import { Sock } from 'phial/websocket'
 *
 * const sock = new Sock(app)
 * sock.route('/echo', async function echo(ws) {
 *   for await (const message of ws) ws.send(message)
 * })
 * await app.run({ port: 5000 })   // ws://127.0.0.1:5000/echo
 * ```
 *
 * @module
 */
export { Sock, websocket, type WebSocketHandler } from './sock.ts'
export { WebSocketConnection, ConnectionClosed, type Message } from './connection.ts'
export { HandshakeRefused, type TestWebSocketOptions } from './test-client.ts'
export { WEBSOCKET_DEFAULTS, applyWebSocketDefaults, originAllowed } from './config.ts'
