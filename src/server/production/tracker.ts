/**
 * Graceful draining of a Node HTTP server without the keep-alive race.
 *
 * `server.close()` closes idle keep-alive connections at once; a client that
 * sent its next request on one at that moment sees a reset. Draining here
 * instead stops accepting, answers every further request on an open
 * connection with `Connection: close` (so the client reconnects, to another
 * worker), closes a connection only after it has been idle for a moment, and
 * cuts what is left after the graceful timeout.
 */
import { Server as NetServer, type Socket } from 'node:net'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'

interface SocketState {
  active: Set<ServerResponse>
  idleTimer: NodeJS.Timeout | null
}

/**
 * Options of {@link ConnectionTracker}.
 *
 * @example
 * ```ts
 * new ConnectionTracker(server, { idleGrace: 500 } satisfies TrackerOptions)
 * ```
 */
export interface TrackerOptions {
  /** While draining, how long a connection may stay idle before it is closed, ms (default 1000). */
  idleGrace?: number
}

/**
 * Tracks a server's connections and requests, and drains it.
 *
 * @example
 * ```ts
 * const server = createServer(toNodeHandler(app))
 * const tracker = new ConnectionTracker(server)
 * server.listen(8000)
 * process.on('SIGTERM', async () => { await tracker.drain(30_000); process.exit(0) })
 * ```
 */
export class ConnectionTracker {
  readonly #server: Server
  readonly #sockets = new Map<Socket, SocketState>()
  readonly #idleGrace: number
  #draining = false
  #requests = 0
  #emptyWaiters: Array<() => void> = []

  constructor(server: Server, options: TrackerOptions = {}) {
    this.#server = server
    this.#idleGrace = options.idleGrace ?? 1000
    server.on('connection', (socket: Socket) => {
      const state: SocketState = { active: new Set(), idleTimer: null }
      this.#sockets.set(socket, state)
      socket.once('close', () => {
        if (state.idleTimer) clearTimeout(state.idleTimer)
        this.#sockets.delete(socket)
        if (this.#sockets.size === 0) for (const wake of this.#emptyWaiters.splice(0)) wake()
      })
      if (this.#draining) this.#scheduleIdleClose(socket, state)
    })
    // before the app's listener, so that a drain can still change the response
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res))
  }

  /** True once {@link drain} was called. @example if (tracker.draining) ... */
  get draining(): boolean {
    return this.#draining
  }

  /** Requests being handled now. @example tracker.inFlight // 3 */
  get inFlight(): number {
    let n = 0
    for (const state of this.#sockets.values()) n += state.active.size
    return n
  }

  /** Requests received so far. @example tracker.requests // 1042 */
  get requests(): number {
    return this.#requests
  }

  /** Open connections. @example tracker.connections // 20 */
  get connections(): number {
    return this.#sockets.size
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#requests++
    const socket = req.socket
    const state = this.#sockets.get(socket)
    if (this.#draining) res.shouldKeepAlive = false
    if (!state) return
    if (state.idleTimer) {
      clearTimeout(state.idleTimer)
      state.idleTimer = null
    }
    state.active.add(res)
    const done = (): void => {
      if (!state.active.delete(res)) return
      if (this.#draining && state.active.size === 0) this.#scheduleIdleClose(socket, state)
    }
    res.once('finish', done)
    res.once('close', done)
  }

  #scheduleIdleClose(socket: Socket, state: SocketState): void {
    if (state.idleTimer || socket.destroyed) return
    state.idleTimer = setTimeout(() => {
      state.idleTimer = null
      if (state.active.size > 0) return
      socket.end()
      setTimeout(() => socket.destroy(), 1000).unref()
    }, this.#idleGrace)
    state.idleTimer.unref()
  }

  /**
   * Stops accepting connections and resolves once every connection is
   * closed; in-flight requests finish (their responses say
   * `Connection: close`), and whatever is still open after `timeout` ms is
   * cut.
   *
   * @example
   * ```ts
   * await tracker.drain(30_000)
   * ```
   */
  drain(timeout = 30_000): Promise<void> {
    const server = this.#server
    const noSockets = (): Promise<void> =>
      this.#sockets.size === 0 ? Promise.resolve() : new Promise((resolve) => this.#emptyWaiters.push(resolve))
    // net's close, not http's: http's closes idle keep-alive connections at once
    const stopped = server.listening
      ? new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()))
      : Promise.resolve()
    const closed = stopped.then(noSockets)
    if (!this.#draining) {
      this.#draining = true
      for (const [socket, state] of this.#sockets) {
        for (const res of state.active) if (!res.headersSent) res.shouldKeepAlive = false
        if (state.active.size === 0) this.#scheduleIdleClose(socket, state)
      }
    }
    const timer = setTimeout(() => {
      for (const socket of this.#sockets.keys()) socket.destroy()
    }, timeout)
    timer.unref()
    return closed.finally(() => clearTimeout(timer))
  }
}
