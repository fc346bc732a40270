/**
 * Emitting and rooms: the methods of `SocketIO` (usable from anywhere — a
 * view, a task, a command) and Flask-SocketIO's module-level `emit`, `send`,
 * `joinRoom`, `leaveRoom`, `closeRoom`, `rooms` and `disconnect`, which
 * default to the connection whose event is being handled.
 */
import { currentContext, type Phial } from 'phial'
import type { BroadcastOperator, Socket } from 'socket.io'
import { setUpNamespace, type AppState } from './dispatch.ts'
import { socketEvent } from './event-context.ts'

/**
 * Options of `emit` and `send`.
 *
 * @example
 * ```ts
 * socketio.emit('news', post, { to: 'subscribers', namespace: '/feed', skipSid: currentSocket().id })
 * ```
 */
export interface EmitOptions {
  /** A room or a session id (or several); omitted: everyone in the namespace (module-level `emit`: the sender). */
  to?: string | readonly string[]
  /** Default `'/'` (module-level: the namespace of the event). */
  namespace?: string
  /** Module-level `emit` only: everyone (in `to`), not just the sender. */
  broadcast?: boolean
  /** With `broadcast`: false leaves the sender out. Default true. */
  includeSelf?: boolean
  /** Session ids to leave out. */
  skipSid?: string | readonly string[]
  /** Called with the client's acknowledgement; needs `to` one session id connected to this process. */
  callback?: (...values: any[]) => void
  /** With `callback`: give up after this many ms (the callback gets an `Error`). */
  timeout?: number
  /** The app to emit through (default: the current one, else the one given to `new SocketIO(app)`). */
  app?: Phial
}

/**
 * Options of the room functions.
 *
 * @example
 * ```ts
 * joinRoom('admins', { sid, namespace: '/chat' })
 * ```
 */
export interface RoomOptions {
  /** The client (default: the one whose event is handled). */
  sid?: string
  /** Default: the event's namespace, else `'/'`. */
  namespace?: string
  /** The app (default: the current one). */
  app?: Phial
}

/** `socketio.to(room)`: emits to the rooms gathered so far. */
export interface RoomEmitter {
  /** One more room (or session id). */
  to(room: string): RoomEmitter
  emit(event: string, data?: unknown, options?: Omit<EmitOptions, 'to'>): void
  send(message: unknown, options?: Omit<EmitOptions, 'to'>): void
}

const asList = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value])

function emitIn(state: AppState, event: string, data: unknown, namespace: string, to: string[], skip: string[], options: EmitOptions): void {
  const nsp = setUpNamespace(state, namespace)
  const args = data === undefined ? [] : [data]
  const callback = options.callback
  if (callback !== undefined) {
    const socket = to.length === 1 ? nsp.sockets.get(to[0]!) : undefined
    if (socket === undefined) {
      throw new TypeError(`emit('${event}', …, { callback }): a callback needs 'to' one session id of a client connected to this process (got ${JSON.stringify(to)})`)
    }
    if (options.timeout === undefined) socket.emit(event, ...args, (...values: unknown[]) => callback(...values))
    else socket.timeout(options.timeout).emit(event, ...args, (err: Error | null, ...values: unknown[]) => (err ? callback(err) : callback(...values)))
    return
  }
  let target: BroadcastOperator<any, any> = to.length > 0 ? nsp.to(to) : (nsp as unknown as BroadcastOperator<any, any>)
  if (skip.length > 0) target = target.except(skip)
  target.emit(event, ...args)
}

/** Emits and manages rooms through an app's Socket.IO server. */
export abstract class Emitter {
  /** @internal */
  protected abstract stateFor(app?: Phial): AppState

  /**
   * Emits an event (Flask-SocketIO's `socketio.emit`): to everyone in the
   * namespace, or to `to`. Works anywhere: a view, a task, a command; with a
   * message queue, it reaches clients of every process.
   *
   * @example
   * ```ts
   * socketio.emit('status', { online: 3 })
   * socketio.emit('dm', text, { to: `user:${id}` })
   * ```
   */
  emit(event: string, data?: unknown, options: EmitOptions = {}): void {
    const current = socketEvent()
    const skip = asList(options.skipSid)
    if (options.includeSelf === false && current !== null) skip.push(current.socket.id)
    emitIn(this.stateFor(options.app), event, data, options.namespace ?? '/', asList(options.to), skip, options)
  }

  /**
   * Sends a `'message'` event (Flask-SocketIO's `socketio.send`).
   *
   * @example
   * ```ts
   * socketio.send('the server restarts in 5 minutes')
   * ```
   */
  send(message: unknown, options: EmitOptions = {}): void {
    this.emit('message', message, options)
  }

  /**
   * Emits to a room (or session id); chain `.to()` for more.
   *
   * @example
   * ```ts
   * socketio.to('room:1').to('room:2').emit('update', data)
   * ```
   */
  to(room: string, rooms: string[] = []): RoomEmitter {
    const all = [...rooms, room]
    return {
      to: (next) => this.to(next, all),
      emit: (event, data, options = {}) => this.emit(event, data, { ...options, to: all }),
      send: (message, options = {}) => this.emit('message', message, { ...options, to: all }),
    }
  }

  #target(options: RoomOptions, what: string): { state: AppState; namespace: string; sid: string; socket: Socket | undefined } {
    const current = socketEvent()
    const state = this.stateFor(options.app)
    const namespace = options.namespace ?? current?.namespace ?? '/'
    const sid = options.sid ?? current?.socket.id
    if (sid === undefined) throw new TypeError(`${what}: outside a Socket.IO event handler, say which client with { sid }`)
    const socket = current?.socket.id === sid && current.namespace === namespace ? current.socket : setUpNamespace(state, namespace).sockets.get(sid)
    return { state, namespace, sid, socket }
  }

  /**
   * Puts a client in a room (Flask-SocketIO's `join_room`): the current
   * one inside a handler, else `{ sid }` (on any process, through the queue).
   *
   * @example
   * ```ts
   * socketio.on('join', (room: string) => { socketio.joinRoom(room) })
   * ```
   */
  async joinRoom(room: string, options: RoomOptions = {}): Promise<void> {
    const { state, namespace, sid, socket } = this.#target(options, `joinRoom('${room}')`)
    if (socket !== undefined) await socket.join(room)
    else setUpNamespace(state, namespace).in(sid).socketsJoin(room)
  }

  /**
   * Takes a client out of a room (Flask-SocketIO's `leave_room`).
   *
   * @example
   * ```ts
   * socketio.on('leave', (room: string) => socketio.leaveRoom(room))
   * ```
   */
  async leaveRoom(room: string, options: RoomOptions = {}): Promise<void> {
    const { state, namespace, sid, socket } = this.#target(options, `leaveRoom('${room}')`)
    if (socket !== undefined) await socket.leave(room)
    else setUpNamespace(state, namespace).in(sid).socketsLeave(room)
  }

  /**
   * Empties a room: every client leaves it (Flask-SocketIO's `close_room`).
   *
   * @example
   * ```ts
   * socketio.closeRoom('game:42', { namespace: '/games' })
   * ```
   */
  closeRoom(room: string, options: Omit<RoomOptions, 'sid'> = {}): void {
    const state = this.stateFor(options.app)
    setUpNamespace(state, options.namespace ?? socketEvent()?.namespace ?? '/').in(room).socketsLeave(room)
  }

  /**
   * The rooms of a client of this process (its own session id among them).
   *
   * @example
   * ```ts
   * socketio.on('my rooms', () => socketio.rooms())
   * ```
   */
  rooms(options: RoomOptions = {}): string[] {
    const { socket } = this.#target(options, 'rooms()')
    return socket === undefined ? [] : [...socket.rooms]
  }

  /**
   * Disconnects a client from a namespace (Flask-SocketIO's `disconnect`):
   * the current one inside a handler, else `{ sid }`.
   *
   * @example
   * ```ts
   * socketio.on('bye', () => socketio.disconnect())
   * ```
   */
  disconnect(options: RoomOptions = {}): void {
    const { state, namespace, sid, socket } = this.#target(options, 'disconnect()')
    if (socket !== undefined) socket.disconnect()
    else setUpNamespace(state, namespace).in(sid).disconnectSockets()
  }
}

function current(what: string): { socketio: Emitter; namespace: string; sid: string } {
  const event = socketEvent()
  if (event === null) throw new Error(`${what} works only inside a Socket.IO event handler; elsewhere use the SocketIO object (socketio.emit(...), { to })`)
  const entry = currentContext().app.extensions.socketio as { socketio: Emitter }
  return { socketio: entry.socketio, namespace: event.namespace, sid: event.socket.id }
}

/**
 * Emits from inside an event handler (Flask-SocketIO's `emit`): to the
 * sender by default; `{ broadcast: true }` to everyone in the namespace (or
 * in `to`), `includeSelf: false` leaving the sender out.
 *
 * @example
 * ```ts
 * socketio.on('chat', (text: string) => { emit('chat', { text, from: currentUser.name }, { broadcast: true, to: 'lobby' }) })
 * ```
 */
export function emit(event: string, data?: unknown, options: EmitOptions = {}): void {
  const { socketio, namespace, sid } = current(`emit('${event}')`)
  const to = options.broadcast || options.to !== undefined ? options.to : sid
  const skip = asList(options.skipSid)
  if (options.broadcast && options.includeSelf === false) skip.push(sid)
  socketio.emit(event, data, { ...options, to, skipSid: skip, includeSelf: true, namespace: options.namespace ?? namespace })
}

/**
 * Sends a `'message'` event from inside an event handler (Flask-SocketIO's `send`).
 *
 * @example
 * ```ts
 * socketio.on('message', (text: string) => { send(text.toUpperCase()) })
 * ```
 */
export function send(message: unknown, options: EmitOptions = {}): void {
  emit('message', message, options)
}

/**
 * Puts the current client (or `{ sid }`) in a room.
 *
 * @example
 * ```ts
 * socketio.on('join', async (room: string) => { await joinRoom(room); emit('status', `joined ${room}`, { to: room }) })
 * ```
 */
export function joinRoom(room: string, options: RoomOptions = {}): Promise<void> {
  return current(`joinRoom('${room}')`).socketio.joinRoom(room, options)
}

/**
 * Takes the current client (or `{ sid }`) out of a room.
 *
 * @example
 * ```ts
 * socketio.on('leave', (room: string) => leaveRoom(room))
 * ```
 */
export function leaveRoom(room: string, options: RoomOptions = {}): Promise<void> {
  return current(`leaveRoom('${room}')`).socketio.leaveRoom(room, options)
}

/**
 * Empties a room of the current namespace.
 *
 * @example
 * ```ts
 * socketio.on('end game', (id: string) => closeRoom(`game:${id}`))
 * ```
 */
export function closeRoom(room: string, options: Omit<RoomOptions, 'sid'> = {}): void {
  current(`closeRoom('${room}')`).socketio.closeRoom(room, options)
}

/**
 * The rooms of the current client.
 *
 * @example
 * ```ts
 * socketio.on('rooms', () => rooms())
 * ```
 */
export function rooms(options: RoomOptions = {}): string[] {
  return current('rooms()').socketio.rooms(options)
}

/**
 * Disconnects the current client (or `{ sid }`) from its namespace.
 *
 * @example
 * ```ts
 * socketio.on('quit', () => disconnect())
 * ```
 */
export function disconnect(options: RoomOptions = {}): void {
  current('disconnect()').socketio.disconnect(options)
}
