/**
 * Errors of `phial/socketio`.
 */

/**
 * Thrown from a `connect` handler to refuse the connection (Flask-SocketIO's
 * `ConnectionRefusedError`); returning `false` does the same with the default
 * message. The client's `connect_error` event gets the message and `data`.
 *
 * @example
 * ```ts
 * socketio.on('connect', () => {
 *   if (!currentUser.isAuthenticated) throw new ConnectionRefusedError('unauthorized', { login: '/login' })
 * })
 * ```
 */
export class ConnectionRefusedError extends Error {
  override name = 'ConnectionRefusedError'
  /** Sent to the client with the message (socket.io's `err.data`). */
  readonly data: unknown

  constructor(message = 'Connection refused by the server', data?: unknown) {
    super(message)
    this.data = data
  }
}
