/**
 * A `phial serve` worker: loads the app, serves it on the port the cluster
 * shares, drains on the master's word (or SIGTERM/SIGINT, or when the
 * master is gone), and asks to be replaced after `--max-requests`.
 */
import type { RunnableApp as Phial } from '../serve.ts'
import { isMessage, type ClusterMessage, type WorkerConfig } from './config.ts'
import { ConnectionTracker } from './tracker.ts'
import { flushSpooledUploads, sweepStaleUploads } from '../../http/spool.ts'

/**
 * Options of {@link runWorker}.
 *
 * @example
 * ```ts
 * await runWorker(config, { loadApp: async (spec) => (await loadApp(spec)).app } satisfies WorkerHooks)
 * ```
 */
export interface WorkerHooks {
  /** Loads the app (the CLI's discovery). */
  loadApp(spec: string | undefined): Promise<Phial>
  /** Prints an error line (default: stderr). */
  error?: (message: string) => void
}

/**
 * Runs a worker until it has drained, then exits the process with 0 (1 when
 * the app cannot be loaded or the port cannot be used).
 *
 * @example
 * ```ts
 * if (cluster.isWorker) await runWorker(JSON.parse(process.env.PHIAL_WORKER_CONFIG!), { loadApp })
 * ```
 */
export async function runWorker(config: WorkerConfig, hooks: WorkerHooks): Promise<never> {
  const error = hooks.error ?? ((m: string) => process.stderr.write(`[phial worker ${process.pid}] ${m}\n`))
  let drain: (() => void) | null = null
  let drainRequested = false
  const requestDrain = (): void => {
    if (drain) drain()
    else drainRequested = true
  }
  process.on('message', (message: unknown) => {
    if (isMessage(message, 'drain')) requestDrain()
  })
  process.on('SIGTERM', requestDrain)
  process.on('SIGINT', requestDrain)
  process.on('disconnect', requestDrain)

  // upload spool files a killed worker (or an older run) left behind
  void sweepStaleUploads().catch(() => 0)

  let app: Phial
  try {
    app = await hooks.loadApp(config.appSpec)
  } catch (err) {
    error(`Could not load the app: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  }
  if (drainRequested) process.exit(0)
  if (config.trustProxy !== null) app.config.TRUST_PROXY = config.trustProxy
  if (app.debug) error('DEBUG is on: the traceback page shows source code to anyone. Turn it off in production.')

  // app.run: the server of the app's own copy of Phial (its context storage)
  let server
  try {
    ;({ server } = await app.run({
      host: config.host,
      port: config.port,
      announce: false,
      keepAliveTimeout: config.keepAliveTimeout,
      headersTimeout: config.headersTimeout,
      requestTimeout: config.requestTimeout,
    }))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    error(`Could not listen on ${config.host}:${config.port}: ${e.code === 'EADDRINUSE' ? 'the address is already in use' : e.message}`)
    process.exit(1)
  }
  // attached in the same tick as the listen callback: before any connection
  const tracker = new ConnectionTracker(server, { idleGrace: Math.min(1000, config.keepAliveTimeout) })
  if (config.maxRequests > 0) {
    let asked = false
    server.on('request', () => {
      if (!asked && tracker.requests >= config.maxRequests) {
        asked = true
        process.send?.({ phial: 'recycle' } satisfies ClusterMessage)
      }
    })
  }

  // An uncaught error (a request's callback that throws) would kill the
  // worker at once, with every request it holds, and if the other workers
  // die the same way the port is closed until one boots. Instead it asks the
  // master for a replacement and keeps serving until that one listens and
  // the master drains it; a worker in an unknown state does not live on
  // past a deadline.
  let crashed = false
  process.on('uncaughtException', (err) => {
    error(`Uncaught error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    if (crashed) return
    crashed = true
    if (process.connected && process.send) process.send({ phial: 'crashed' } satisfies ClusterMessage)
    else requestDrain()
    setTimeout(() => process.exit(1), config.gracefulTimeout + 10_000).unref()
  })

  let draining: Promise<void> | null = null
  drain = () => {
    // the last responses' upload files are removed before the exit, not after
    const exit = (): Promise<never> => flushSpooledUploads().then(() => process.exit(0), () => process.exit(0))
    if (draining) return
    // the app's shutdown hooks (WebSockets closed with 1001) start with the drain; an app of an older Phial has none
    const hooks = typeof app.doShutdown === 'function' ? app.doShutdown() : Promise.resolve()
    // a hook that never settles does not keep the worker past the graceful timeout
    const hooksDone = Promise.race([hooks, new Promise<void>((resolve) => setTimeout(resolve, config.gracefulTimeout).unref())])
    draining = Promise.all([tracker.drain(config.gracefulTimeout), hooksDone]).then(exit, exit)
  }
  if (drainRequested) drain()
  return new Promise<never>(() => {})
}
