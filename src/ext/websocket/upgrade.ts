/**
 * Upgrades through the app: a server's `upgrade` event becomes an ordinary
 * request through `toNodeHandler` — the same URL map, converters,
 * `beforeRequest` hooks, session and context as HTTP routes. The response is
 * written on the upgrade's socket, so a hook's 401 or a 404 reaches the
 * client as HTTP; a WebSocket route's view takes the socket over instead.
 */
import type { IncomingMessage, Server } from 'node:http'
import { createRequire } from 'node:module'
import type { Duplex } from 'node:stream'
import { toNodeHandler, type Phial } from 'phial'

// required, not imported: an ES-module import of node:http loads undici on Node 24 (src/http/node-http.ts)
const { ServerResponse } = createRequire(import.meta.url)('node:http') as typeof import('node:http')
type ServerResponse = import('node:http').ServerResponse

/** An upgrade waiting for its WebSocket view. */
export interface PendingUpgrade {
  readonly socket: Duplex
  readonly head: Buffer
  readonly res: ServerResponse
  /** Set by the view once the socket is handed to `ws`. */
  upgraded: boolean
}

const pending = new WeakMap<IncomingMessage, PendingUpgrade>()

/**
 * The upgrade of `req` when it came through {@link handleUpgrades}, taken
 * over by the caller (its HTTP response is detached from the socket).
 *
 * @example
 * ```ts
 * const upgrade = takeUpgrade(request.raw)
 * ```
 */
export function takeUpgrade(req: IncomingMessage | null): PendingUpgrade | null {
  const upgrade = req === null ? undefined : pending.get(req)
  if (upgrade === undefined || upgrade.upgraded) return null
  upgrade.upgraded = true
  upgrade.res.detachSocket(upgrade.socket as never)
  return upgrade
}

const handlers = new WeakMap<Phial, ReturnType<typeof toNodeHandler>>()

/**
 * Adds the `upgrade` listener that dispatches upgrades through `app` (once
 * per server), leaving the Socket.IO endpoint to `phial/socketio`.
 *
 * @example
 * ```ts
 * handleUpgrades(app, server)
 * ```
 */
export function handleUpgrades(app: Phial, server: Server): void {
  const marked = server as Server & { [HANDLED]?: true }
  if (marked[HANDLED]) return
  marked[HANDLED] = true
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const socketio = app.extensions.socketio as { path?: string } | undefined
    if (socketio?.path !== undefined && (req.url ?? '').startsWith(`${socketio.path}/`)) return
    socket.on('error', () => socket.destroy())
    let handler = handlers.get(app)
    if (handler === undefined) handlers.set(app, (handler = toNodeHandler(app)))
    const res = new ServerResponse(req)
    res.shouldKeepAlive = false
    res.assignSocket(socket as never)
    const upgrade: PendingUpgrade = { socket, head, res, upgraded: false }
    pending.set(req, upgrade)
    // an HTTP answer (404, a hook's 401, the 400 of a non-WebSocket route): the connection ends with it
    res.on('finish', () => {
      if (!upgrade.upgraded) socket.end()
    })
    handler(req, res)
  })
}

const HANDLED = Symbol('phial.websocket.upgrades')
