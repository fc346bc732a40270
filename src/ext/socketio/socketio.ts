/**
 * `SocketIO` (Flask-SocketIO's): a Socket.IO server per app, sharing the
 * app's session and current user, with handlers registered Flask-SocketIO's
 * way and emits from anywhere.
 */
import type { Server as HttpServer } from 'node:http'
import { currentContext, hasContext, type Phial } from 'phial'
import { Server, type ServerOptions } from 'socket.io'
import { redisQueue } from './adapter.ts'
import { applySocketIODefaults } from './config.ts'
import { setUpNamespace, type AppState, type ErrorHandler, type EventHandler } from './dispatch.ts'
import { Emitter, type EmitOptions, type RoomOptions } from './emitter.ts'
import { originAllowed } from './handshake.ts'
import { connectTestClient, type SocketIOTestClient, type SocketIOTestClientOptions } from './test-client.ts'

/**
 * Options of {@link SocketIO} (Flask-SocketIO's keyword arguments); each
 * falls back to its `SOCKETIO_*` config key.
 *
 * @example
 * ```ts
 * new SocketIO(app, { corsAllowedOrigins: ['https://app.example.com'], messageQueue: 'redis://127.0.0.1:6379' })
 * ```
 */
export interface SocketIOOptions {
  /** `SOCKETIO_PATH`. */
  path?: string
  /** `SOCKETIO_CORS_ALLOWED_ORIGINS`: origins besides the page's own; `'*'` for any. */
  corsAllowedOrigins?: string[] | '*' | null
  /** `SOCKETIO_MESSAGE_QUEUE`: a Redis URL to join processes. */
  messageQueue?: string | null
  /** `SOCKETIO_CHANNEL`. */
  channel?: string
  /** `SOCKETIO_MANAGE_SESSION`. */
  manageSession?: boolean
  /** `SOCKETIO_MAX_HTTP_BUFFER_SIZE`. */
  maxHttpBufferSize?: number
  /** `SOCKETIO_PING_INTERVAL`. */
  pingInterval?: number
  /** `SOCKETIO_PING_TIMEOUT`. */
  pingTimeout?: number
  /** Transports accepted (default polling and websocket; `['websocket']` needs no sticky sessions). */
  transports?: ServerOptions['transports']
  /** Another socket.io adapter (cluster, streams…) instead of `messageQueue`. */
  adapter?: ServerOptions['adapter']
  /** More socket.io server options, passed as they are. */
  serverOptions?: Partial<ServerOptions>
}

/** Options of {@link SocketIO.on}. */
export interface HandlerOptions {
  /** The namespace (default `'/'`). */
  namespace?: string
}

/**
 * Flask-SocketIO's `SocketIO`: create one, register handlers with
 * {@link SocketIO.on}, and it serves on every server the app runs on
 * (`app.run`, `phial run`, `phial serve`). Handlers run inside the app
 * context of the connection's handshake: `session`, `currentUser`, `g`
 * and `urlFor` work. One instance serves many apps; each app's server
 * lives in `app.extensions.socketio`.
 *
 * @example
 * ```ts
 * const socketio = new SocketIO(app)
 * socketio.on('connect', () => currentUser.isAuthenticated)     // false refuses
 * socketio.on('message', (text: string) => { emit('echo', text) })
 * socketio.on('add', (a: number, b: number) => a + b)            // the ack's value
 * app.post('/notify', function notify() { socketio.emit('news', request.json); return 'sent' })
 * ```
 */
export class SocketIO extends Emitter {
  readonly #handlers = new Map<string, Map<string, EventHandler>>()
  readonly #errorHandlers = new Map<string, ErrorHandler>()
  #defaultErrorHandler: ErrorHandler | undefined
  readonly #options: SocketIOOptions
  readonly #states = new Set<AppState>()
  #app: Phial | null = null
  readonly #source = {
    handler: (namespace: string, event: string) => this.#handlers.get(namespace)?.get(event),
    errorHandler: (namespace: string) => this.#errorHandlers.get(namespace) ?? this.#defaultErrorHandler,
  }

  constructor(app?: Phial | null, options: SocketIOOptions = {}) {
    super()
    this.#options = options
    if (app) this.initApp(app)
  }

  /**
   * Sets the extension up for `app`: config defaults, the app's Socket.IO
   * server (created when first needed), and the hook that attaches it to
   * every server the app runs on.
   *
   * @example
   * ```ts
   * export const socketio = new SocketIO()
   * export function createApp() { const app = new Phial(import.meta.url); socketio.initApp(app); return app }
   * ```
   */
  initApp(app: Phial, options: SocketIOOptions = {}): void {
    if (app.extensions.socketio !== undefined) throw new Error('phial/socketio: initApp was already called for this app')
    applySocketIODefaults(app.config)
    this.#app ??= app
    const opts = { ...this.#options, ...options }
    const config = app.config
    let state: AppState | null = null
    const stateOf = (): AppState => (state ??= this.#createState(app, opts))
    // the server (and its Redis connections) is made on first use: a process that never serves nor emits pays nothing
    app.extensions.socketio = { socketio: this, path: opts.path ?? config.SOCKETIO_PATH, state: stateOf }
    app.serverHooks.push((server) => this.attach(server, app))
    // app.run's close(), a draining `phial serve` worker, or your own app.doShutdown(): clients reconnect elsewhere
    app.onShutdown(() => {
      if (state !== null) goAway(state.io)
    })
  }

  #createState(app: Phial, opts: SocketIOOptions): AppState {
    const config = app.config
    const allowed = opts.corsAllowedOrigins !== undefined ? opts.corsAllowedOrigins : config.SOCKETIO_CORS_ALLOWED_ORIGINS
    const io = new Server({
      path: opts.path ?? config.SOCKETIO_PATH,
      serveClient: false,
      maxHttpBufferSize: opts.maxHttpBufferSize ?? config.SOCKETIO_MAX_HTTP_BUFFER_SIZE,
      pingInterval: opts.pingInterval ?? config.SOCKETIO_PING_INTERVAL,
      pingTimeout: opts.pingTimeout ?? config.SOCKETIO_PING_TIMEOUT,
      ...(opts.transports ? { transports: opts.transports } : {}),
      ...(allowed === null ? {} : { cors: { origin: allowed === '*' ? true : allowed, credentials: true } }),
      // other upgrades belong to phial/websocket (or are refused by attach)
      destroyUpgrade: false,
      allowRequest: (req, callback) => {
        if (originAllowed(req.headers, allowed)) callback(null, true)
        else callback('Not an accepted origin.', false)
      },
      ...opts.serverOptions,
    })
    const closers: AppState['closers'] = []
    const queueUrl = opts.messageQueue !== undefined ? opts.messageQueue : config.SOCKETIO_MESSAGE_QUEUE
    if (opts.adapter) io.adapter(opts.adapter)
    else if (queueUrl) {
      const queue = redisQueue(queueUrl, opts.channel ?? config.SOCKETIO_CHANNEL, app.logger)
      io.adapter(queue.adapter as never)
      closers.push(() => queue.close())
    }
    const state: AppState = { app, io, manageSession: opts.manageSession ?? config.SOCKETIO_MANAGE_SESSION, path: io.path(), handlers: this.#source, closers }
    this.#states.add(state)
    setUpNamespace(state, '/')
    for (const namespace of this.#handlers.keys()) setUpNamespace(state, namespace)
    return state
  }

  /** @internal */
  protected stateFor(app?: Phial): AppState {
    const target = app ?? (hasContext() && currentContext().app.extensions.socketio !== undefined ? currentContext().app : this.#app)
    const entry = target?.extensions.socketio as { socketio: SocketIO; state: () => AppState } | undefined
    if (target === null || target === undefined || entry === undefined) {
      throw new Error('phial/socketio: no app: call socketio.initApp(app) (or new SocketIO(app)) first, or emit inside app.appContext(...)')
    }
    return entry.state()
  }

  /**
   * Registers the handler of an event (Flask-SocketIO's `@socketio.on`).
   * `'connect'` gets the client's `auth` and may refuse (return `false` or
   * throw {@link ConnectionRefusedError}); `'disconnect'` gets the reason;
   * `'*'` gets the events without a handler of their own, name first. The
   * value an event handler returns (or resolves to) is the acknowledgement.
   *
   * @example
   * ```ts
   * socketio.on('join', (room: string) => { joinRoom(room); return `joined ${room}` }, { namespace: '/chat' })
   * ```
   */
  on<H extends EventHandler>(event: string, handler: H, options: HandlerOptions = {}): H {
    if (typeof handler !== 'function') throw new TypeError(`socketio.on('${event}', handler): the handler must be a function`)
    const namespace = options.namespace ?? '/'
    if (!namespace.startsWith('/')) throw new TypeError(`socketio.on('${event}'): a namespace starts with '/' (got '${namespace}')`)
    let events = this.#handlers.get(namespace)
    if (events === undefined) this.#handlers.set(namespace, (events = new Map()))
    events.set(event, handler)
    for (const state of this.#states) setUpNamespace(state, namespace)
    return handler
  }

  /**
   * Registers the handler of errors thrown by a namespace's event handlers
   * (Flask-SocketIO's `@socketio.on_error(namespace)`). It runs in the
   * event's context; its value is the acknowledgement.
   *
   * @example
   * ```ts
   * socketio.onError((err) => ({ error: String(err) }), { namespace: '/chat' })
   * ```
   */
  onError<H extends ErrorHandler>(handler: H, options: HandlerOptions = {}): H {
    this.#errorHandlers.set(options.namespace ?? '/', handler)
    return handler
  }

  /**
   * Registers the handler of errors in namespaces without their own
   * (Flask-SocketIO's `@socketio.on_error_default`).
   *
   * @example
   * ```ts
   * socketio.onErrorDefault((err) => { currentApp.logger.warn({ err }, 'socket event failed') })
   * ```
   */
  onErrorDefault<H extends ErrorHandler>(handler: H): H {
    this.#defaultErrorHandler = handler
    return handler
  }

  /**
   * The app's socket.io `Server`, for what this API does not cover.
   *
   * @example
   * ```ts
   * const sockets = await socketio.server(app).fetchSockets()
   * ```
   */
  server(app?: Phial): Server {
    return this.stateFor(app).io
  }

  /**
   * Attaches the app's Socket.IO server to a `node:http` server of your own
   * (`createServer(toNodeHandler(app))`); `app.run`, `phial run` and
   * `phial serve` do it by themselves. Closing the server (`server.close()`)
   * or `app.doShutdown()` first ends the clients' connections (a WebSocket
   * with 1001, going away), and they reconnect elsewhere.
   *
   * @example
   * ```ts
   * const server = createServer(toNodeHandler(app))
   * socketio.attach(server, app)
   * server.listen(8000)
   * ```
   */
  attach(server: HttpServer, app?: Phial): void {
    const state = this.stateFor(app)
    const attached = server as HttpServer & { [ATTACHED]?: Set<Server> }
    const seen = (attached[ATTACHED] ??= new Set())
    if (seen.has(state.io)) return
    seen.add(state.io)
    state.io.attach(server)
    const close = server.close
    // an open WebSocket would hold server.close() until it ends: close the clients first
    server.close = function closeWithClients(this: HttpServer, callback?: (err?: Error) => void) {
      goAway(state.io)
      return close.call(this, callback)
    } as HttpServer['close']
    server.on('upgrade', (req, socket) => {
      if (state.app.extensions.websocket !== undefined) return // phial/websocket answers it
      if ((req.url ?? '').startsWith(`${state.path}/`)) return // engine.io's
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
    })
  }

  /**
   * A Socket.IO client for tests (Flask-SocketIO's `test_client`): a real
   * socket.io-client over loopback to a server of `app` started for the
   * tests (stopped when its last client disconnects). Pass `client` (a Phial
   * test client) to share its session: log in with it first.
   *
   * @example
   * ```ts
   * const http = app.testClient()
   * await http.post('/login', { form: { name: 'ada' } })
   * const sio = await socketio.testClient(app, { client: http, namespace: '/chat' })
   * expect(sio.isConnected()).toBe(true)
   * ```
   */
  testClient(app: Phial, options: SocketIOTestClientOptions = {}): Promise<SocketIOTestClient> {
    return connectTestClient(app, this.stateFor(app).path, options)
  }

  /**
   * Disconnects every client of this process and closes the message queue's
   * connections (Flask-SocketIO's `stop`). The app's HTTP servers stay up.
   *
   * @example
   * ```ts
   * afterAll(() => socketio.close())
   * ```
   */
  async close(app?: Phial): Promise<void> {
    const states = app ? [this.stateFor(app)] : [...this.#states]
    for (const state of states) {
      for (const nsp of state.io._nsps.values()) nsp.local.disconnectSockets(true)
      state.io.engine?.close()
      await Promise.all(state.closers.splice(0).map((close) => close()))
    }
  }
}

const ATTACHED = Symbol('phial.socketio.attached')

/** The engine.io WebSocket transport's socket (a `ws` WebSocket). */
interface EngineClient {
  transport?: { name?: string; socket?: { readyState: number; close(code: number, reason: string): void } }
}

/**
 * Ends every engine.io connection of this process, WebSockets with 1001
 * (going away; engine.io's own close sends no code, which clients see as
 * 1005). The clients' reason is 'transport close', so they reconnect, to
 * another worker; Socket.IO's `disconnectSockets` would tell them not to.
 */
function goAway(io: Server): void {
  const engine = io.engine as (Server['engine'] & { clients: Record<string, EngineClient> }) | undefined
  if (engine === undefined) return
  for (const client of Object.values(engine.clients)) {
    const transport = client.transport
    if (transport?.name === 'websocket' && transport.socket?.readyState === 1) transport.socket.close(1001, 'server shutting down')
  }
  engine.close()
}

export type { EmitOptions, RoomOptions }
