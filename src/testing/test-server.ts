/**
 * A real loopback server of an app for tests that need a socket (WebSocket
 * and Socket.IO clients, browsers): one `node:http` server per app, shared
 * by every test that asks for it and closed when the last one is done.
 *
 * @module
 */
import type { Server } from 'node:http'
import { nodeHttp } from '../http/node-http.ts'
import type { AddressInfo } from 'node:net'
import type { AppCore } from '../core/app-core.ts'
import { toNodeHandler } from '../server/node.ts'

/**
 * One use of an app's test server (see {@link acquireTestServer}); call
 * {@link TestServerLease.release} once done with it.
 *
 * @example
 * ```ts
 * const lease = await acquireTestServer(app)
 * const res = await fetch(`${lease.url}/`)
 * await lease.release()
 * ```
 */
export interface TestServerLease {
  /** The listening server (the same object for every lease of an app). */
  readonly server: Server
  /** The port it listens on (picked by the system, on 127.0.0.1). */
  readonly port: number
  /** `http://127.0.0.1:<port>`. */
  readonly url: string
  /**
   * Gives the lease back; the last one closes the server (its WebSockets
   * with them) and resolves once it is closed. Calling it again does nothing.
   */
  release(): Promise<void>
}

interface Running {
  readonly server: Server
  readonly port: number
  users: number
  closed: Promise<void> | null
}

const running = new WeakMap<AppCore, Promise<Running>>()

async function start(app: AppCore): Promise<Running> {
  const server = nodeHttp.createServer(toNodeHandler(app))
  // what app.run does: extensions that need the server (phial/socketio, phial/websocket) attach here
  for (const hook of app.serverHooks) hook(server)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  return { server, port: (server.address() as AddressInfo).port, users: 0, closed: null }
}

function stop(app: AppCore, state: Running): Promise<void> {
  running.delete(app)
  state.closed = new Promise<void>((resolve) => {
    state.server.close(() => resolve())
    // keep-alive connections of fetch() or a browser would hold close() until they time out
    state.server.closeIdleConnections()
  })
  return state.closed
}

/**
 * A loopback server of `app` for tests (pytest-flask's `live_server`, shared):
 * the first call starts `createServer(toNodeHandler(app))` with the app's
 * `serverHooks` on a free port of 127.0.0.1, later calls share it, and the
 * server closes when every lease is released. A call after that starts a
 * new one. The socket test clients of `phial/socketio` and `phial/websocket`
 * use it; so can a browser test.
 *
 * @example
 * ```ts
 * import { acquireTestServer } from 'phial'
 *
 * const lease = await acquireTestServer(app)
 * await page.goto(`${lease.url}/live`)
 * // …
 * await lease.release()
 * ```
 */
export async function acquireTestServer(app: AppCore): Promise<TestServerLease> {
  let pending = running.get(app)
  if (pending === undefined) {
    pending = start(app)
    running.set(app, pending)
    // a failed start is not kept: the next call tries again
    pending.catch(() => running.delete(app))
  }
  const state = await pending
  state.users++
  let released = false
  return {
    server: state.server,
    port: state.port,
    url: `http://127.0.0.1:${state.port}`,
    release(): Promise<void> {
      if (released) return state.closed ?? Promise.resolve()
      released = true
      if (--state.users > 0) return Promise.resolve()
      return stop(app, state)
    },
  }
}
