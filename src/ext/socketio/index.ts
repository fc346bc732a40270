/**
 * `phial/socketio`: real-time events on Socket.IO that share the app's
 * session and current user (Flask-SocketIO) — `SocketIO` with `on`,
 * `onError`, `onErrorDefault`, `emit`, `send`, `to`, rooms and namespaces,
 * acknowledgements, `connect` handlers that may refuse, the Redis message
 * queue that joins processes, and a test client.
 *
 * @example
 * ```ts
 * import { SocketIO, emit, joinRoom } from 'phial/socketio'
 *
 * const socketio = new SocketIO(app)
 * socketio.on('join', async (room: string) => {
 *   await joinRoom(room)
 *   emit('status', `${session.get('name')} joined`, { to: room, broadcast: true })
 * })
 * await app.run({ port: 5000 })   // the Socket.IO endpoint is /socket.io/
 * ```
 *
 * @module
 */
export { SocketIO, type SocketIOOptions, type HandlerOptions } from './socketio.ts'
export { emit, send, joinRoom, leaveRoom, closeRoom, rooms, disconnect, type EmitOptions, type RoomOptions, type RoomEmitter } from './emitter.ts'
export { currentSocket, socketEvent, type SocketEvent } from './event-context.ts'
export { ConnectionRefusedError } from './errors.ts'
export { SocketIOTestClient, type SocketIOTestClientOptions, type ReceivedEvent } from './test-client.ts'
export { SOCKETIO_DEFAULTS, applySocketIODefaults } from './config.ts'
export { originAllowed } from './handshake.ts'
export type { EventHandler, ErrorHandler } from './dispatch.ts'
