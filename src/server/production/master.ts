/**
 * The `phial serve` master (node:cluster primary). It never loads the app;
 * it keeps `workers` workers listening on one port:
 *
 * - a worker that dies after it listened is replaced at once (a request that
 *   crashes a worker must not starve the pool); one that dies while booting
 *   is retried later and later while boots keep failing; if no worker ever
 *   booted, the master gives up with exit code 3;
 * - SIGTERM / SIGINT: workers drain (in-flight requests finish, up to the
 *   graceful timeout), then the master exits 0; a second signal kills them;
 * - SIGHUP: each worker in turn is replaced: the new one is started, and
 *   once it listens the old one drains — no request is refused or dropped;
 * - `--max-requests`: a worker that served that many is replaced the same way.
 */
import cluster, { type Worker } from 'node:cluster'
import { RestartBackoff } from './backoff.ts'
import { WORKER_CONFIG_ENV, isMessage, type ClusterMessage, type WorkerConfig } from './config.ts'

/**
 * Options of {@link runMaster}; times in ms.
 *
 * @example
 * ```ts
 * await runMaster({ workers: 2, exec: binPath, host: '127.0.0.1', port: 8000, keepAliveTimeout: 5000,
 *   headersTimeout: 20000, requestTimeout: 120000, gracefulTimeout: 30000, maxRequests: 0, trustProxy: 1 } satisfies MasterOptions)
 * ```
 */
export interface MasterOptions extends WorkerConfig {
  /** How many workers (at least 1). */
  workers: number
  /** A random 0…jitter added to each worker's `maxRequests`, so they do not all recycle at once. */
  maxRequestsJitter?: number
  /** The script the workers run (bin/phial.mjs). */
  exec: string
  /** Node flags of the workers (default: the master's). */
  execArgv?: string[]
  /** How long a worker may take to listen before it is killed (default 60 s). */
  bootTimeout?: number
  /** Prints a line (default: stderr). */
  log?: (message: string) => void
}

type State = 'booting' | 'ready' | 'draining'

/** The errors of a write to a worker whose IPC channel is closing or closed. */
const IPC_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED'])

interface Slot {
  worker: Worker
  state: State
  started: number
  /** A replacement is on its way (reload or recycle). */
  replacing: boolean
  /** Started to replace another worker: if it fails to boot, the old one stays. */
  replacement: boolean
}

/**
 * Runs the cluster until it is stopped; resolves with the exit code.
 *
 * @example
 * ```ts
 * const code = await runMaster({ workers: 4, exec: binPath, host: '127.0.0.1', port: 8000, ...timeouts })
 * process.exit(code)
 * ```
 */
export function runMaster(options: MasterOptions): Promise<number> {
  const log = options.log ?? ((m: string) => process.stderr.write(`[phial master ${process.pid}] ${m}\n`))
  const bootTimeout = options.bootTimeout ?? 60_000
  const slots = new Map<number, Slot>()
  const backoff = new RestartBackoff()
  const timers = new Set<NodeJS.Timeout>()
  let phase: 'running' | 'stopping' = 'running'
  let everReady = false
  let reloading = false
  let reloadAgain = false
  let finish: (code: number) => void = () => {}
  let exitCode = 0

  cluster.setupPrimary({ exec: options.exec, args: [], execArgv: options.execArgv ?? process.execArgv })

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }

  function workerConfig(): WorkerConfig {
    const jitter = options.maxRequestsJitter ?? 0
    return {
      appSpec: options.appSpec,
      host: options.host,
      port: options.port,
      keepAliveTimeout: options.keepAliveTimeout,
      headersTimeout: options.headersTimeout,
      requestTimeout: options.requestTimeout,
      gracefulTimeout: options.gracefulTimeout,
      maxRequests: options.maxRequests > 0 ? options.maxRequests + Math.floor(Math.random() * (jitter + 1)) : 0,
      trustProxy: options.trustProxy,
    }
  }

  /** Starts a worker; resolves once it listens, rejects if it exits or hangs first. */
  function fork(replacement = false): Promise<Slot> {
    const worker = cluster.fork({ [WORKER_CONFIG_ENV]: JSON.stringify(workerConfig()) })
    const slot: Slot = { worker, state: 'booting', started: Date.now(), replacing: false, replacement }
    slots.set(worker.id, slot)
    // A failed IPC write to a worker that is exiting (EPIPE: it died, and the
    // master handles its exit before the EOF on its channel) is emitted as
    // 'error' on the worker; unhandled, it would kill the master with exit
    // code 1 (two workers failing to boot at once, a loaded machine). The
    // worker's exit is what the master acts on, so the error only matters
    // while it is still alive.
    worker.on('error', (err: NodeJS.ErrnoException) => {
      if (worker.isDead() || IPC_GONE.has(err.code ?? '')) return
      log(`worker ${worker.process.pid}: ${err.message}`)
    })
    worker.on('message', (message: unknown) => {
      if (isMessage(message, 'recycle') && phase === 'running') {
        log(`worker ${worker.process.pid} served its max requests; replacing it`)
        void replace(slot)
      } else if (isMessage(message, 'crashed') && phase === 'running') {
        // it keeps serving until its replacement listens, so the port is never without a worker
        log(`worker ${worker.process.pid} had an uncaught error; replacing it`)
        void replace(slot)
      }
    })
    return new Promise<Slot>((resolve, reject) => {
      const timer = setTimeout(() => {
        log(`worker ${worker.process.pid} did not listen within ${bootTimeout / 1000}s; killing it`)
        worker.process.kill('SIGKILL')
      }, bootTimeout)
      worker.once('listening', () => {
        clearTimeout(timer)
        slot.state = 'ready'
        backoff.reset() // the app boots: a later death is the request's fault, not the boot's
        if (!everReady) {
          everReady = true
          const host = options.host.includes(':') ? `[${options.host}]` : options.host
          log(`Listening at http://${host}:${options.port} (${options.workers} worker${options.workers === 1 ? '' : 's'}, master pid ${process.pid})`)
        }
        log(`worker ${worker.process.pid} ready`)
        resolve(slot)
      })
      worker.once('exit', () => {
        clearTimeout(timer)
        reject(new Error(`worker ${worker.process.pid} exited before it listened`))
      })
    })
  }

  function drain(slot: Slot): void {
    if (slot.state === 'draining') return
    slot.state = 'draining'
    // isConnected() is still true for a worker that has died when the EOF of
    // its channel is not read yet (its exit is handled first when two die at
    // once): the write then fails (EPIPE), reported to the callback rather
    // than as an 'error' event; SIGTERM does the same as 'drain' to a worker
    // that is still alive, and nothing to one that is gone
    const term = (): void => void slot.worker.process.kill('SIGTERM')
    if (slot.worker.isConnected()) slot.worker.send({ phial: 'drain' } satisfies ClusterMessage, (err) => err && term())
    else term()
    const t = setTimeout(() => slot.worker.process.kill('SIGKILL'), options.gracefulTimeout + 5_000)
    slot.worker.once('exit', () => clearTimeout(t))
  }

  /** Starts a replacement, waits until it listens, then drains the old worker. */
  async function replace(old: Slot): Promise<void> {
    if (phase !== 'running' || old.state !== 'ready' || old.replacing) return
    old.replacing = true
    try {
      await fork(true)
    } catch (err) {
      old.replacing = false
      if (slots.has(old.worker.id)) {
        log(`the replacement of worker ${old.worker.process.pid} failed (${(err as Error).message}); keeping the old one`)
      } else if (phase === 'running') {
        log(`the replacement of worker ${old.worker.process.pid} failed (${(err as Error).message}), and the old one is gone`)
        later(backoff.next(0), () => phase === 'running' && respawn())
      }
      return
    }
    if (phase === 'running') drain(old)
  }

  async function reload(): Promise<void> {
    if (reloading) {
      reloadAgain = true
      return
    }
    reloading = true
    log('SIGHUP: replacing the workers one at a time')
    for (const slot of [...slots.values()].filter((s) => s.state === 'ready')) {
      if (phase !== 'running') break
      await replace(slot)
    }
    reloading = false
    if (reloadAgain && phase === 'running') {
      reloadAgain = false
      void reload()
    }
  }

  function respawn(): void {
    fork().catch(() => {
      /* its exit is handled below */
    })
  }

  function onExit(worker: Worker, code: number | null, signal: string | null): void {
    const slot = slots.get(worker.id)
    slots.delete(worker.id)
    if (phase === 'stopping') {
      if (slots.size === 0) finish(exitCode)
      return
    }
    if (!slot || slot.state === 'draining') return
    const how = signal ? `signal ${signal}` : `code ${code}`
    if (!everReady) {
      log(`worker ${worker.process.pid} failed to boot (${how}); stopping`)
      exitCode = 3
      stop('boot failure')
      return
    }
    if (slot.replacing || (slot.replacement && slot.state === 'booting')) {
      log(`worker ${worker.process.pid} died (${how}) ${slot.replacing ? 'while being replaced' : 'while booting'}`)
      return
    }
    // Back-off only for a failed boot: a worker that listened and then died
    // (a crashing request) is replaced at once, while the others keep serving.
    const delay = slot.state === 'booting' ? backoff.next(Date.now() - slot.started) : 0
    log(`worker ${worker.process.pid} died (${how}); ${delay ? `starting a new one in ${delay / 1000}s` : 'starting a new one'}`)
    if (delay === 0) respawn()
    else later(delay, () => phase === 'running' && respawn())
  }

  function stop(reason: string): void {
    if (phase === 'stopping') {
      log(`${reason} again: killing the workers`)
      for (const slot of slots.values()) slot.worker.process.kill('SIGKILL')
      exitCode = exitCode || 1
      return
    }
    phase = 'stopping'
    for (const t of timers) clearTimeout(t)
    timers.clear()
    if (reason !== 'boot failure') log(`${reason}: stopping gracefully (up to ${options.gracefulTimeout / 1000}s)`)
    for (const slot of slots.values()) drain(slot)
    if (slots.size === 0) finish(exitCode)
  }

  const onTerm = (): void => stop('SIGTERM')
  const onInt = (): void => stop('SIGINT')
  const onHup = (): void => void (phase === 'running' && reload())

  return new Promise<number>((resolve) => {
    finish = (code) => {
      process.off('SIGTERM', onTerm)
      process.off('SIGINT', onInt)
      process.off('SIGHUP', onHup)
      cluster.off('exit', onExit)
      for (const t of timers) clearTimeout(t)
      if (code === 0) log('stopped')
      resolve(code)
    }
    process.on('SIGTERM', onTerm)
    process.on('SIGINT', onInt)
    process.on('SIGHUP', onHup)
    cluster.on('exit', onExit)
    for (let i = 0; i < Math.max(1, options.workers); i++) respawn()
  })
}
