/**
 * Which connection an event handler is serving: set on the event's context,
 * read by `currentSocket()` and the module-level `emit`, `send`, `joinRoom`…
 */
import { currentContext, hasContext, type Context } from 'phial'
import type { Socket } from 'socket.io'

/** What an event's context knows about its connection. */
export interface SocketEvent {
  /** The socket.io socket of the connection (its `id` is Flask-SocketIO's `request.sid`). */
  readonly socket: Socket
  /** The namespace of the connection (`'/'`, `'/chat'`). */
  readonly namespace: string
  /** The event being handled (`'connect'`, `'disconnect'`, `'message'`, …). */
  readonly event: string
}

/** The event's slot on its context: a property, not a WeakMap entry (one per event: a WeakMap's entries cost the GC far more). */
const EVENT = Symbol('phial.socketio.event')
type WithEvent = Context & { [EVENT]?: SocketEvent }

/** @internal */
export function setSocketEvent(ctx: Context, event: SocketEvent): void {
  ;(ctx as WithEvent)[EVENT] = event
}

/**
 * The Socket.IO event being handled in this context, or null outside an event
 * handler (a view, a task).
 *
 * @example
 * ```ts
 * const sid = socketEvent()?.socket.id
 * ```
 */
export function socketEvent(): SocketEvent | null {
  return hasContext() ? ((currentContext() as WithEvent)[EVENT] ?? null) : null
}

/**
 * The socket of the connection whose event is being handled: `socket.id` is
 * the session id (Flask-SocketIO's `request.sid`), `socket.nsp.name` the
 * namespace, `socket.handshake` the handshake. Throws outside an event
 * handler.
 *
 * @example
 * ```ts
 * socketio.on('whoami', () => currentSocket().id)
 * ```
 */
export function currentSocket(): Socket {
  const event = socketEvent()
  if (event === null) {
    throw new Error('currentSocket() works only inside a Socket.IO event handler (socketio.on(...)); elsewhere, emit through the SocketIO object.')
  }
  return event.socket
}
