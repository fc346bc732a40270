/**
 * A node:http server around the app, with timeouts that protect against slow
 * clients and a clean close that lets in-flight requests finish.
 */
import type { Server } from 'node:http'
import { nodeHttp } from '../http/node-http.ts'
import type { AddressInfo } from 'node:net'
import type { AppCore } from '../core/app-core.ts'
import { weakSecretKeyReason } from '../config/secret-key.ts'
import { toNodeContinueHandler, toNodeHandler } from './node.ts'

/**
 * An app the CLI and the production workers can serve: the app core plus
 * its own `run` (they call the app's method, not {@link serve}, so that an
 * app importing another copy of Phial is served by its own copy).
 */
export interface RunnableApp extends AppCore {
  run(options?: ServeOptions & { debug?: boolean }): Promise<RunningServer>
}

/**
 * Options of `app.run()` and {@link serve}.
 *
 * @example
 * ```ts
 * await app.run({ host: '0.0.0.0', port: 8000, keepAliveTimeout: 5_000, gracefulTimeout: 10_000 })
 * ```
 */
export interface ServeOptions {
  /** Default `127.0.0.1`. */
  host?: string
  /** Default 5000; 0 picks a free port. */
  port?: number
  /** Time to receive the request headers, ms (default 20 s; slowloris guard). */
  headersTimeout?: number
  /** Time to receive the whole request, ms (default 120 s). */
  requestTimeout?: number
  /** Idle keep-alive time, ms (default 5 s). */
  keepAliveTimeout?: number
  /** How long `close()` waits for in-flight requests before cutting them, ms (default 10 s). */
  gracefulTimeout?: number
  /** Print the "Running on" line (default true). */
  announce?: boolean
}

/**
 * A listening server.
 *
 * @example
 * ```ts
 * const server = await app.run({ port: 0, announce: false })
 * await fetch(server.url + '/')   // server.port is the port picked
 * await server.close()
 * ```
 */
export interface RunningServer {
  readonly server: Server
  readonly host: string
  readonly port: number
  /** `http://host:port` */
  readonly url: string
  /** Runs the app's `onShutdown` hooks, stops accepting, lets in-flight requests finish, then closes every connection. */
  close(): Promise<void>
}

/**
 * What `app.run()` resolves to when it is ignored (under the `phial`
 * command): a server that does not listen, port 0, and a `close` with
 * nothing to do.
 */
export function idleServer(): RunningServer {
  return { server: nodeHttp.createServer(), host: '', port: 0, url: '', close: async () => {} }
}

/** The safe defaults of the server timeouts. */
export const SERVER_TIMEOUTS = { headersTimeout: 20_000, requestTimeout: 120_000, keepAliveTimeout: 5_000 } as const

/**
 * Applies Phial's timeouts to a Node server.
 *
 * @example
 * ```ts
 * const server = createServer(toNodeHandler(app))
 * applyTimeouts(server, { keepAliveTimeout: 65_000 })
 * ```
 */
export function applyTimeouts(server: Server, options: ServeOptions = {}): void {
  server.headersTimeout = options.headersTimeout ?? SERVER_TIMEOUTS.headersTimeout
  server.requestTimeout = options.requestTimeout ?? SERVER_TIMEOUTS.requestTimeout
  server.keepAliveTimeout = options.keepAliveTimeout ?? SERVER_TIMEOUTS.keepAliveTimeout
}

/**
 * Closes a server gracefully: no new connections, idle ones closed now,
 * busy ones when their request ends or after `timeout` ms.
 *
 * @example
 * ```ts
 * const server = createServer(toNodeHandler(app)).listen(8000)
 * process.once('SIGTERM', () => closeGracefully(server, 30_000).then(() => process.exit(0)))
 * ```
 */
export function closeGracefully(server: Server, timeout = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve()
      return
    }
    const timer = setTimeout(() => server.closeAllConnections(), timeout)
    timer.unref()
    // a keep-alive connection whose in-flight request has finished is idle: close it then, not at keepAliveTimeout
    const sweep = setInterval(() => server.closeIdleConnections(), 25)
    sweep.unref()
    server.close((err) => {
      clearTimeout(timer)
      clearInterval(sweep)
      if (err) reject(err)
      else resolve()
    })
    server.closeIdleConnections()
  })
}

/**
 * Serves the app on a port. `app.run()` calls this.
 *
 * @example
 * ```ts
 * const running = await serve(app, { port: 0 })
 * await fetch(running.url + '/')
 * await running.close()
 * ```
 */
export async function serve(app: AppCore, options: ServeOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  // Node checks headersTimeout/requestTimeout only every connectionsCheckingInterval (30 s by default)
  const checkEvery = Math.min(1000, Math.max(50, Math.floor((options.headersTimeout ?? SERVER_TIMEOUTS.headersTimeout) / 2)))
  const handler = toNodeHandler(app)
  const server = nodeHttp.createServer({ connectionsCheckingInterval: checkEvery }, handler)
  // `Expect: 100-continue`: 100 only once the app reads the body, so a refused one is never sent
  server.on('checkContinue', toNodeContinueHandler(app, handler))
  // extensions that need the server itself (WebSocket upgrades) attach before it listens
  for (const hook of app.serverHooks) hook(server)
  applyTimeouts(server, options)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 5000, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${shownHost}:${port}`
  if (options.announce !== false) {
    app.logger.info(`Running on ${url} (debug: ${app.debug ? 'on' : 'off'}); press Ctrl+C to quit`)
  }
  warnOfWeakSecretKey(app)
  return {
    server,
    host,
    port,
    url,
    close: async () => {
      // the app's shutdown hooks first: WebSockets would hold the graceful close until it times out
      const hooks = app.doShutdown()
      await closeGracefully(server, options.gracefulTimeout)
      // a hook that never settles does not hold close() past the graceful timeout either
      await Promise.race([hooks, new Promise<void>((resolve) => setTimeout(resolve, options.gracefulTimeout ?? 10_000).unref())])
    },
  }
}

/**
 * Outside debug and testing, a published or short `SECRET_KEY` is logged as a warning when
 * the app starts serving (once per app): sessions signed with it can be forged.
 */
function warnOfWeakSecretKey(app: AppCore): void {
  if (app.debug || app.config.TESTING || warnedApps.has(app)) return
  const reason = weakSecretKeyReason(app.config.SECRET_KEY)
  if (reason === null) return
  warnedApps.add(app)
  app.logger.warn(reason)
}
const warnedApps = new WeakSet<AppCore>()
