/**
 * `Sock` (Flask-Sock's): WebSocket routes on the app's URL map, each served
 * by `ws` inside the request's context.
 */
import type { Server } from 'node:http'
import { BadRequest, Forbidden, Response, type Context, type Phial, type RouteOptions } from 'phial'
import { WebSocketServer, type WebSocket } from 'ws'
import { applyWebSocketDefaults, originAllowed } from './config.ts'
import { ConnectionClosed, WebSocketConnection } from './connection.ts'
import { connectTestWebSocket, type TestWebSocketOptions } from './test-client.ts'
import { handleUpgrades, takeUpgrade } from './upgrade.ts'

/**
 * A WebSocket route's handler: the connection, the URL's values, the
 * request's context. When it returns the connection closes with 1000; when
 * it throws, with 1011 (and the error is logged).
 */
export type WebSocketHandler<A = any> = (ws: WebSocketConnection, viewArgs: A, ctx: Context) => unknown

interface SockRoute {
  rule: string
  handler: WebSocketHandler
  options: Pick<RouteOptions, 'endpoint'>
}

interface SockState {
  readonly wss: WebSocketServer
  readonly connections: Set<WebSocketConnection>
}

function stateOf(app: Phial): SockState {
  const state = app.extensions.websocket as SockState | undefined
  if (state === undefined) throw new Error('phial/websocket is not set up for this app: create a Sock and call sock.initApp(app)')
  return state
}

/** Closes every WebSocket of the app with 1001 (going away): the server is shutting down. */
function goAway(state: SockState): void {
  for (const ws of state.connections) void ws.close(1001, 'server shutting down')
}

/** Pings every `interval` ms; cuts off a client that did not answer the previous ping. */
function keepAlive(raw: WebSocket, interval: number): void {
  if (interval <= 0) return
  let alive = true
  raw.on('pong', () => (alive = true))
  const timer = setInterval(() => {
    if (!alive) {
      raw.terminate()
      return
    }
    alive = false
    raw.ping()
  }, interval)
  timer.unref()
  raw.once('close', () => clearInterval(timer))
}

/**
 * The view of a WebSocket route: use it on a blueprint
 * (`bp.get(rule, websocket(handler))`); `sock.route` uses it for the app.
 * A request that is not a WebSocket handshake gets a 400.
 *
 * @example
 * ```ts
 * const live = new Blueprint('live', { urlPrefix: '/live' })
 * live.get('/feed', websocket(async function feed(ws) { ws.send('hello') }))
 * ```
 */
export function websocket<A = any>(handler: WebSocketHandler<A>): (viewArgs: A, ctx: Context) => Promise<Response> {
  const view = async (viewArgs: A, ctx: Context): Promise<Response> => {
    const app = ctx.app
    const state = stateOf(app)
    const req = ctx.request.raw
    const isHandshake = ctx.request.headers.get('upgrade')?.toLowerCase() === 'websocket'
    if (!isHandshake || req === null) throw new BadRequest('This URL takes WebSocket connections only: a GET with Upgrade: websocket.')
    if (!originAllowed(req.headers, app.config.WEBSOCKET_ALLOWED_ORIGINS)) throw new Forbidden('Not an accepted origin.')
    const upgrade = takeUpgrade(req)
    if (upgrade === null) throw new BadRequest('This server does not hand WebSocket upgrades to the app: call sock.attach(server) on your own node:http server.')
    const raw = await new Promise<WebSocket | null>((resolve) => {
      // an invalid handshake: ws answers 400 and closes the socket without calling back
      upgrade.socket.once('close', () => resolve(null))
      state.wss.handleUpgrade(req, upgrade.socket, upgrade.head, resolve)
    })
    if (raw === null) return new Response('', { status: 400 })
    keepAlive(raw, app.config.WEBSOCKET_PING_INTERVAL)
    const ws = new WebSocketConnection(raw)
    state.connections.add(ws)
    try {
      await handler(ws, viewArgs, ctx)
      await ws.close(1000)
    } catch (err) {
      if (!(err instanceof ConnectionClosed)) {
        app.logger.error({ err, path: ctx.request.path }, `Exception in the WebSocket handler of ${ctx.request.path}`)
        await ws.close(1011, 'internal error')
      }
    } finally {
      state.connections.delete(ws)
    }
    // written nowhere (the socket is ws's): it is what the access line and afterRequest hooks see
    return new Response('', { status: 101 })
  }
  Object.defineProperty(view, 'name', { value: handler.name })
  return view
}

/**
 * Flask-Sock's `Sock`: WebSocket routes with the app's routing (converters,
 * `urlFor`), `beforeRequest` hooks, session and `currentUser`. It serves on
 * every server the app runs on (`app.run`, `phial run`, `phial serve`), and
 * closes its connections with 1001 (going away) on the app's shutdown
 * (`app.onShutdown`).
 *
 * @example
 * ```ts
 * const sock = new Sock(app)
 * sock.route('/ws/<room>', async function chat(ws, { room }: { room: string }) {
 *   for await (const message of ws) ws.send(`${room}: ${message}`)
 * })
 * ```
 */
export class Sock {
  readonly #routes: SockRoute[] = []
  readonly #apps = new Set<Phial>()

  constructor(app?: Phial | null) {
    if (app) this.initApp(app)
  }

  /**
   * Sets the extension up for `app`: config defaults, its routes, and the
   * hook that hands every server's upgrades to the app.
   *
   * @example
   * ```ts
   * export const sock = new Sock()
   * export function createApp() { const app = new Phial(import.meta.url); sock.initApp(app); return app }
   * ```
   */
  initApp(app: Phial): void {
    if (app.extensions.websocket !== undefined) throw new Error('phial/websocket: initApp was already called for this app')
    applyWebSocketDefaults(app.config)
    const wss = new WebSocketServer({ noServer: true, maxPayload: app.config.WEBSOCKET_MAX_MESSAGE_SIZE, perMessageDeflate: false, clientTracking: false })
    const state: SockState = { wss, connections: new Set() }
    app.extensions.websocket = state
    app.serverHooks.push((server) => this.attach(server, app))
    // app.run's close(), a draining `phial serve` worker, or your own app.doShutdown()
    app.onShutdown(() => goAway(state))
    this.#apps.add(app)
    for (const route of this.#routes) this.#register(app, route)
  }

  #register(app: Phial, route: SockRoute): void {
    app.route(route.rule, { methods: ['GET'], ...route.options }, websocket(route.handler) as never)
  }

  /**
   * Adds a WebSocket route (Flask-Sock's `@sock.route`). The endpoint is
   * the handler's name unless `endpoint` is given; `urlFor` builds its URL.
   *
   * @example
   * ```ts
   * sock.route('/echo', async function echo(ws) { for await (const m of ws) ws.send(m) })
   * ```
   */
  route<A = any>(rule: string, handler: WebSocketHandler<A>, options: Pick<RouteOptions, 'endpoint'> = {}): WebSocketHandler<A> {
    if (typeof handler !== 'function') throw new TypeError(`sock.route('${rule}', handler): the handler must be a function`)
    const route = { rule, handler: handler as WebSocketHandler, options }
    this.#routes.push(route)
    for (const app of this.#apps) this.#register(app, route)
    return handler
  }

  /**
   * Hands the upgrades of a `node:http` server of your own
   * (`createServer(toNodeHandler(app))`) to the app; `app.run`, `phial run`
   * and `phial serve` do it by themselves. Closing the server first closes
   * the app's WebSockets with 1001 (going away), as `app.doShutdown()` does.
   *
   * @example
   * ```ts
   * const server = createServer(toNodeHandler(app))
   * sock.attach(server, app)
   * server.listen(8000)
   * ```
   */
  attach(server: Server, app: Phial): void {
    const state = stateOf(app)
    const marked = server as Server & { [ATTACHED]?: true }
    if (marked[ATTACHED]) return
    marked[ATTACHED] = true
    handleUpgrades(app, server)
    const close = server.close
    // an open WebSocket would hold server.close() until it ends
    server.close = function closeWithSockets(this: Server, callback?: (err?: Error) => void) {
      goAway(state)
      return close.call(this, callback)
    } as Server['close']
  }

  /**
   * A WebSocket client for tests: a real `ws` connection over loopback to a
   * server of `app` started for the tests, sending the cookies of a Phial
   * test client (`client`) so that it shares its session. Refused
   * handshakes reject with the HTTP status.
   *
   * @example
   * ```ts
   * const ws = await sock.testClient(app, '/echo')
   * ws.send('hi')
   * expect(await ws.receive()).toBe('hi')
   * await ws.close()
   * ```
   */
  testClient(app: Phial, path: string, options: TestWebSocketOptions = {}): Promise<WebSocketConnection> {
    stateOf(app)
    return connectTestWebSocket(app, path, options)
  }
}

const ATTACHED = Symbol('phial.websocket.attached')
