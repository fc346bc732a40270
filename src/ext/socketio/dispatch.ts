/**
 * Serving one app's connections: the namespace middleware that runs the
 * `connect` handler (and may refuse), the listener that runs each event's
 * handler inside a request context built from the handshake — with its
 * session and `currentUser` — and answers the acknowledgement, and the
 * `disconnect` handler.
 */
import { Response, type Context, type Phial, type Session } from 'phial'
import type { Namespace, Server, Socket } from 'socket.io'
import { ConnectionRefusedError } from './errors.ts'
import { setSocketEvent } from './event-context.ts'
import { connectionState } from './handshake.ts'

/** A handler of an event: its arguments are the client's; what it returns is the acknowledgement. */
export type EventHandler = (...args: any[]) => unknown
/** A handler of the errors event handlers throw; what it returns is the acknowledgement. */
export type ErrorHandler = (error: unknown) => unknown

/** Where the dispatcher finds the handlers (the SocketIO object). */
export interface HandlerSource {
  handler(namespace: string, event: string): EventHandler | undefined
  errorHandler(namespace: string): ErrorHandler | undefined
}

/** One app's Socket.IO server and settings. */
export interface AppState {
  readonly app: Phial
  readonly io: Server
  readonly manageSession: boolean
  readonly path: string
  readonly handlers: HandlerSource
  /** Closes what the state holds (the message queue's connections). */
  readonly closers: Array<() => Promise<void>>
}

type LoginModule = typeof import('phial/login')
let login: Promise<LoginModule> | null = null

/** Loads `currentUser` before the handler, as phial/login's beforeRequest hook does for views (an async userLoader is awaited here). */
async function preloadUser(ctx: Context): Promise<void> {
  login ??= import('phial/login')
  const { loadUser } = await login
  await loadUser(ctx)
}

function openSession(state: AppState, ctx: Context): Promise<Session> {
  return Promise.resolve(state.app.sessionInterface.openSession(state.app, ctx.request))
}

/**
 * Runs `fn` inside the context of `socket`'s handshake request, with the
 * connection's session (managed: the copy made at connect; unmanaged: the
 * store's, saved after `fn` when changed) and the user loaded.
 */
export function runInSocketContext<T>(state: AppState, socket: Socket, event: string, fn: () => T | Promise<T>): Promise<T> {
  const conn = connectionState(socket.conn, socket.request)
  return state.app.requestContext(conn.init, async (ctx) => {
    setSocketEvent(ctx, { socket, namespace: socket.nsp.name, event })
    let session: Session
    if (state.manageSession) {
      conn.session ??= openSession(state, ctx)
      session = await conn.session
    } else {
      session = await openSession(state, ctx)
    }
    ctx.openedSession = session
    if (state.app.extensions.login !== undefined) await preloadUser(ctx)
    const result = await fn()
    if (!state.manageSession && session.modified) {
      // the store persists it; the response (its cookie) has nowhere to go
      await state.app.sessionInterface.saveSession(state.app, session, new Response(''))
    }
    return result
  })
}

function logUnhandled(state: AppState, socket: Socket, event: string, err: unknown): void {
  state.app.logger.error({ err, sid: socket.id, namespace: socket.nsp.name, event }, `Exception in the Socket.IO handler of '${event}' (namespace ${socket.nsp.name})`)
}

/** Calls the handler; an error goes to the namespace's error handler (or the default one), whose value replaces the result. */
async function callHandler(state: AppState, socket: Socket, event: string, handler: EventHandler, args: unknown[]): Promise<{ ok: boolean; value: unknown }> {
  try {
    return { ok: true, value: await handler(...args) }
  } catch (err) {
    if (err instanceof ConnectionRefusedError && event === 'connect') throw err
    const onError = state.handlers.errorHandler(socket.nsp.name)
    if (onError === undefined) throw err
    return { ok: event !== 'connect', value: await onError(err) }
  }
}

function refusal(err: unknown): Error {
  const refused = err instanceof ConnectionRefusedError ? err : new ConnectionRefusedError()
  const out = new Error(refused.message) as Error & { data?: unknown }
  if (refused.data !== undefined) out.data = refused.data
  return out
}

async function onConnect(state: AppState, socket: Socket): Promise<void> {
  const handler = state.handlers.handler(socket.nsp.name, 'connect')
  // even without a handler: the managed session is the handshake's copy, taken now
  const outcome = await runInSocketContext(state, socket, 'connect', () =>
    handler === undefined ? { ok: true, value: undefined } : callHandler(state, socket, 'connect', handler, [socket.handshake.auth]),
  )
  if (!outcome.ok || outcome.value === false) throw new ConnectionRefusedError()
}

/** Runs an event's handler and acknowledges with its value when the client asked. */
async function onEvent(state: AppState, socket: Socket, event: string, args: unknown[]): Promise<void> {
  const ack = typeof args.at(-1) === 'function' ? (args.pop() as (...values: unknown[]) => void) : null
  let handler = state.handlers.handler(socket.nsp.name, event)
  if (handler === undefined) {
    // Flask-SocketIO's catch-all: on('*', (event, ...args) => ...)
    const any = state.handlers.handler(socket.nsp.name, '*')
    if (any === undefined) return
    handler = any
    args = [event, ...args]
  }
  try {
    const outcome = await runInSocketContext(state, socket, event, () => callHandler(state, socket, event, handler, args))
    // a client that left mid-handler: socket.io drops the packet
    if (ack !== null && outcome.ok) ack(...(outcome.value === undefined ? [] : [outcome.value]))
  } catch (err) {
    logUnhandled(state, socket, event, err)
  }
}

async function onDisconnect(state: AppState, socket: Socket, reason: string): Promise<void> {
  const handler = state.handlers.handler(socket.nsp.name, 'disconnect')
  if (handler === undefined) return
  try {
    await runInSocketContext(state, socket, 'disconnect', () => callHandler(state, socket, 'disconnect', handler, [reason]))
  } catch (err) {
    logUnhandled(state, socket, 'disconnect', err)
  }
}

const setUp = new WeakSet<Namespace>()

/**
 * Sets up a namespace of the app's server once: the connect middleware and
 * the event listeners of each connection.
 */
export function setUpNamespace(state: AppState, name: string): Namespace {
  const nsp = state.io.of(name)
  if (setUp.has(nsp)) return nsp
  setUp.add(nsp)
  nsp.use((socket, next) => {
    onConnect(state, socket).then(
      () => next(),
      (err: unknown) => {
        if (!(err instanceof ConnectionRefusedError)) logUnhandled(state, socket, 'connect', err)
        next(refusal(err))
      },
    )
  })
  nsp.on('connection', (socket: Socket) => {
    socket.onAny((event: string, ...args: unknown[]) => {
      // 'connect' and 'disconnect' are the server's to report, not a client's to send
      if (event === 'connect' || event === 'disconnect') return
      void onEvent(state, socket, event, args)
    })
    socket.on('disconnect', (reason: string) => {
      if (socket.connected) return // a client-sent 'disconnect' event, not the real one
      void onDisconnect(state, socket, reason)
    })
  })
  return nsp
}
