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
import { setSocketEvent, type SocketEvent } from './event-context.ts'
import { connectionState, type ConnectionState } from './handshake.ts'

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
/** phial/login's `loadUser`, once its module is loaded: an app with a LoginManager has loaded it already. */
let loadUserOf: LoginModule['loadUser'] | null = null

/** A value's promise, if it is one (a session store, a loader or a handler may be sync or async). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function'
}

/** `fn(value)`: at once for a plain value, after it settles for a promise (no promise, no microtask, when nothing was async). */
function andThen<T, R>(value: T | PromiseLike<T>, fn: (value: T) => R | Promise<R>): R | Promise<R> {
  return isThenable(value) ? Promise.resolve(value).then(fn) : fn(value as T)
}

/**
 * Loads `currentUser` before the handler, as phial/login's beforeRequest
 * hook does for views (an async userLoader is awaited here). Synchronous
 * when the module is loaded and the loader is.
 */
function preloadUser(ctx: Context): unknown {
  if (loadUserOf !== null) return loadUserOf(ctx)
  login ??= import('phial/login')
  return login.then(({ loadUser }) => {
    loadUserOf = loadUser
    return loadUser(ctx)
  })
}

/** The connection's session as the store opens it (a promise only for an asynchronous store). */
function openSession(state: AppState, ctx: Context): Session | Promise<Session> {
  return state.app.sessionInterface.openSession(state.app, ctx.request)
}

/**
 * One event to run: what {@link runEvent} hands to the context's callback.
 * It is the event's {@link SocketEvent} too (one object per event, not two).
 */
class EventJob implements SocketEvent {
  readonly namespace: string
  constructor(
    readonly state: AppState,
    readonly socket: Socket,
    readonly event: string,
    /** null: no handler (a connect without one still takes the managed session). */
    readonly handler: EventHandler | null,
    readonly args: unknown[],
    readonly conn: ConnectionState,
  ) {
    this.namespace = socket.nsp.name
  }
}

/** The connection's state, kept on each of its sockets once looked up (a property read per event, not a WeakMap lookup). */
const CONN = Symbol('phial.socketio.connection')
type WithConn = Socket & { [CONN]?: ConnectionState }

/**
 * The job of the context being entered. `requestContext` calls its callback
 * at once, so a module-level slot hands the job over without a closure per
 * event (under tsx each closure also costs a `__name` call).
 */
let entering: EventJob | null = null

/**
 * Runs an event's handler inside the context of `socket`'s handshake
 * request, with the connection's session (managed: the copy made at connect;
 * unmanaged: the store's, saved after the handler when changed) and the user
 * loaded. Each event is a context of its own (its `g`), as Flask-SocketIO's
 * are; what the connection keeps is the request init and the managed
 * session. It returns a promise only when a step was asynchronous (an async
 * store, user loader or handler).
 */
export function runEvent(state: AppState, socket: Socket, event: string, handler: EventHandler | null, args: unknown[]): Outcome | Promise<Outcome> {
  const conn = ((socket as WithConn)[CONN] ??= connectionState(socket.conn, socket.request))
  entering = new EventJob(state, socket, event, handler, args, conn)
  return state.app.requestContext(conn.init, enterEvent)
}

function enterEvent(ctx: Context): Outcome | Promise<Outcome> {
  const job = entering!
  entering = null
  setSocketEvent(ctx, job)
  const { state, conn } = job
  if (!state.manageSession) {
    const session = openSession(state, ctx)
    if (isThenable(session)) return Promise.resolve(session).then((opened) => withSession(job, ctx, opened, true))
    return withSession(job, ctx, session, true)
  }
  if (conn.opened !== null) return withSession(job, ctx, conn.opened, false)
  if (conn.session === null) {
    const opened = openSession(state, ctx)
    conn.session = Promise.resolve(opened)
    if (!isThenable(opened)) return withSession(job, ctx, (conn.opened = opened), false)
    void conn.session.then((session) => (conn.opened = session), () => {})
  }
  return conn.session.then((session) => withSession(job, ctx, session, false))
}

function withSession(job: EventJob, ctx: Context, session: Session, save: boolean): Outcome | Promise<Outcome> {
  ctx.openedSession = session
  if (job.state.app.extensions.login !== undefined) {
    const user = preloadUser(ctx)
    if (isThenable(user)) return Promise.resolve(user).then(() => handle(job, session, save))
  }
  return handle(job, session, save)
}

function handle(job: EventJob, session: Session, save: boolean): Outcome | Promise<Outcome> {
  const outcome = job.handler === null ? undefined : callHandler(job.state, job.socket, job.event, job.handler, job.args)
  if (!save) return outcome
  return andThen(outcome, (done) => (session.modified ? saveSession(job.state, session, done) : done))
}

/** An unmanaged session changed by the handler: the store persists it (its cookie has no response to go to). */
function saveSession<T>(state: AppState, session: Session, result: T): T | Promise<T> {
  return andThen(state.app.sessionInterface.saveSession(state.app, session, new Response('')), () => result)
}

function logUnhandled(state: AppState, socket: Socket, event: string, err: unknown): void {
  state.app.logger.error({ err, sid: socket.id, namespace: socket.nsp.name, event }, `Exception in the Socket.IO handler of '${event}' (namespace ${socket.nsp.name})`)
}

/** A connect handler's error that the error handler answered: the connection is refused (its value is not an acknowledgement). */
class Failed {
  constructor(readonly value: unknown) {}
}

/**
 * What a handler came to: its value (the acknowledgement: never a promise,
 * which is awaited first), or {@link Failed}. A plain value, not a wrapper,
 * on success: no object per event.
 */
type Outcome = unknown

/** Calls the handler; an error goes to the namespace's error handler (or the default one), whose value replaces the result. */
function callHandler(state: AppState, socket: Socket, event: string, handler: EventHandler, args: unknown[]): Outcome | Promise<Outcome> {
  let value: unknown
  try {
    value = handler(...args)
  } catch (err) {
    return handleError(state, socket, event, err)
  }
  if (!isThenable(value)) return value
  return Promise.resolve(value).then(undefined, (err: unknown) => handleError(state, socket, event, err))
}

function handleError(state: AppState, socket: Socket, event: string, err: unknown): Outcome | Promise<Outcome> {
  if (err instanceof ConnectionRefusedError && event === 'connect') throw err
  const onError = state.handlers.errorHandler(socket.nsp.name)
  if (onError === undefined) throw err
  const value = onError(err)
  if (event !== 'connect') return isThenable(value) ? Promise.resolve(value) : value
  return andThen(value, (resolved): Outcome => new Failed(resolved))
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
  const outcome = await runEvent(state, socket, 'connect', handler ?? null, [socket.handshake.auth])
  if (outcome instanceof Failed || outcome === false) throw new ConnectionRefusedError()
}

/** Runs an event's handler and acknowledges with its value when the client asked: at once when nothing in the handler was asynchronous. */
function onEvent(state: AppState, socket: Socket, event: string, args: unknown[]): void {
  const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (...values: unknown[]) => void) : null
  let handler = state.handlers.handler(socket.nsp.name, event)
  if (handler === undefined) {
    // Flask-SocketIO's catch-all: on('*', (event, ...args) => ...)
    const any = state.handlers.handler(socket.nsp.name, '*')
    if (any === undefined) return
    handler = any
    args = [event, ...args]
  }
  let outcome: Outcome | Promise<Outcome>
  try {
    outcome = runEvent(state, socket, event, handler, args)
  } catch (err) {
    logUnhandled(state, socket, event, err)
    return
  }
  if (outcome instanceof Promise) outcome.then((done) => acknowledge(ack, done), (err: unknown) => logUnhandled(state, socket, event, err))
  else acknowledge(ack, outcome)
}

/** Answers the client's acknowledgement, if it asked for one and the event succeeded. */
function acknowledge(ack: ((...values: unknown[]) => void) | null, outcome: Outcome): void {
  // a client that left mid-handler: socket.io drops the packet
  if (ack === null || outcome instanceof Failed) return
  if (outcome === undefined) ack()
  else ack(outcome)
}

async function onDisconnect(state: AppState, socket: Socket, reason: string): Promise<void> {
  const handler = state.handlers.handler(socket.nsp.name, 'disconnect')
  if (handler === undefined) return
  try {
    await runEvent(state, socket, 'disconnect', handler, [reason])
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
      onEvent(state, socket, event, args)
    })
    socket.on('disconnect', (reason: string) => {
      if (socket.connected) return // a client-sent 'disconnect' event, not the real one
      void onDisconnect(state, socket, reason)
    })
  })
  return nsp
}
