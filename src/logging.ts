/**
 * The app's logger (pino, as Flask's logging.py sits below its app): readable
 * output in development, JSON lines otherwise. It reads only the config, so
 * the app core creates it on first use; the per-request access line lives
 * with the servers (server/access-log.ts).
 *
 * @module
 */
import { tracingChannel } from 'node:diagnostics_channel'
import { writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { DestinationStream, Logger } from 'pino'
import type { PrettyOptions } from 'pino-pretty'
import type { Config } from './config/index.ts'

declare module './config/keys.ts' {
  interface ConfigValues {
    /**
     * `'pretty'` or `'json'`; `null` decides from the environment (the
     * `LOG_FORMAT` variable, `DEBUG`, `NODE_ENV` and whether stdout is a
     * terminal). Default `null`. Phial only.
     */
    LOG_FORMAT: 'pretty' | 'json' | null
    /** One info line per request (method, path, status, duration, request id, client). Default `true`. Phial only. */
    ACCESS_LOG: boolean
    /**
     * Response header that echoes the request id (e.g. `'X-Request-ID'`); `null`
     * sends none. Default `null`: the echo costs ~5% of a bare route's work and
     * neither Flask nor Fastify sends one. Phial only.
     */
    REQUEST_ID_HEADER: string | null
  }
}

/**
 * The logging settings' defaults, set on every app's config.
 *
 * @example
 * ```ts
 * LOGGING_DEFAULTS.ACCESS_LOG // true
 * ```
 */
export const LOGGING_DEFAULTS = Object.freeze({
  LOG_FORMAT: null,
  ACCESS_LOG: true,
  REQUEST_ID_HEADER: null,
} as const)

/**
 * Sets the logging keys that are not set yet to their defaults.
 *
 * @example
 * ```ts
 * applyLoggingDefaults(app.config)
 * ```
 */
export function applyLoggingDefaults(config: Config): void {
  for (const [key, value] of Object.entries(LOGGING_DEFAULTS)) config.setDefault(key, value)
}

/**
 * Whether the app logs readable lines (pino-pretty) rather than JSON: never
 * with `LOG_FORMAT` `'json'`; otherwise only in development (`DEBUG`, or
 * `NODE_ENV` other than `production`) and when stdout is a terminal or
 * `LOG_FORMAT` is `'pretty'`. `LOG_FORMAT` is the config key, else the
 * environment variable.
 *
 * @example
 * ```ts
 * wantsPrettyLogs(app, { NODE_ENV: 'production' }, true) // false
 * wantsPrettyLogs(app, { LOG_FORMAT: 'pretty' }, false)  // true
 * ```
 */
export function wantsPrettyLogs(
  app: LoggerSource,
  env: Record<string, string | undefined> = process.env,
  stdoutIsTTY: boolean = process.stdout.isTTY === true,
): boolean {
  const format = app.config.get('LOG_FORMAT') ?? env.LOG_FORMAT
  if (format === 'json') return false
  const development = app.debug || env.NODE_ENV !== 'production'
  return development && (stdoutIsTTY || format === 'pretty')
}

/** What the logger is made from: an app's name, config and debug flag. */
export interface LoggerSource {
  readonly name: string
  readonly config: Config
  readonly debug: boolean
}

const require = createRequire(import.meta.url)

/** pino, loaded when the first logger is made (not at import: ~25 ms of startup an app may never need). */
function loadPino(): typeof import('pino') {
  return require('pino') as typeof import('pino')
}

/** What {@link writeJsonLine} needs of a logger {@link createLogger} made for JSON lines. */
interface JsonLineTarget {
  stream: DestinationStream
  time: () => string
  chindings: symbol
  level: number
}

/** The JSON-line loggers {@link createLogger} made, with what {@link writeJsonLine} writes through. */
const jsonLoggers = new WeakMap<Logger, JsonLineTarget>()

/** pino's own tracing of its serializer: while anyone listens, every line goes through pino. */
const pinoTracing = tracingChannel('pino_asJson')

/** pino-pretty as a synchronous stream on stdout (loaded only when used). */
function prettyStream(colorize: boolean): DestinationStream {
  const pretty = require('pino-pretty') as (options: PrettyOptions) => DestinationStream
  return pretty({ sync: true, colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
}

/**
 * The bytes the JSON lines are written in: a pipe takes a write of at most
 * PIPE_BUF (4096 bytes on Linux) whole or not at all, so whole lines written
 * in chunks this size never interleave with those of other processes sharing
 * the pipe (`phial serve`'s workers).
 */
const CHUNK = 4096

/** How long a line may wait for others before it is written, at the most. */
const FLUSH_MS = 100

/** How long a full pipe is given before the write is tried again. */
const RETRY_MS = 10

/**
 * The destination of the default JSON logger: pino's line strings gathered
 * in memory and written to a file descriptor with one `write(2)` per 4 KiB
 * of whole lines, from the main thread. pino's default destination (an
 * asynchronous sonic-boom) sends every write through libuv's thread pool —
 * a thread wake-up and an event-loop wake-up each, a small batch each under
 * load — which cost a third of a busy server's throughput; here the cost of
 * a line is copying it into the buffer (bench/OPTIMISATIONS.md).
 *
 * A line is written when the lines after it fill a chunk, at the latest
 * {@link FLUSH_MS} after the first unwritten one, at once for `error` and
 * `fatal` lines (pino's `fatal` also calls {@link flushSync}), and when the
 * process exits or gets SIGTERM (see {@link stdoutLines}). A full
 * non-blocking pipe (EAGAIN) keeps the lines in memory and tries again
 * {@link RETRY_MS} later, as pino's destination does; a closed one (EPIPE)
 * or another error stops the writing (pino stops on EPIPE too).
 */
class LineBuffer implements DestinationStream {
  readonly fd: number
  /** The unwritten lines: bytes `[0, #len)`. Room for a chunk and a line of up to 4 KiB characters. */
  #buf = Buffer.allocUnsafe(CHUNK * 4)
  #len = 0
  /** Copies of what the descriptor did not take (a full pipe), written first and in order. */
  #backlog: Buffer[] = []
  #timer: NodeJS.Timeout | null = null
  #direct = false
  #stopped = false

  constructor(fd: number) {
    this.fd = fd
  }

  /** Takes one line (pino writes whole lines). */
  write(line: string): boolean {
    if (this.#stopped) return true
    let at = this.#len
    if (at + line.length * 3 > this.#buf.length) {
      // a very long line: what is buffered goes first, the line on its own
      this.#out(0, at)
      this.#len = at = 0
      if (line.length * 3 > this.#buf.length) {
        this.#send(Buffer.from(line))
        return true
      }
    }
    const end = at + this.#buf.write(line, at)
    if (end > CHUNK && at > 0) {
      // the chunk is full without this line: the lines before it go out, the line stays
      this.#out(0, at)
      this.#buf.copyWithin(0, at, end)
      this.#len = end - at
    } else this.#len = end
    // {"level":50… and {"level":60…: error and fatal lines are not held back
    const c = line.charCodeAt(9)
    if (this.#len >= CHUNK || this.#direct || (c >= 53 && c <= 57 && line.charCodeAt(11) === 44)) this.#flush()
    // one timer per FLUSH_MS at most: a chunk written meanwhile leaves it running
    else this.#timer ??= setTimeout(flushLater, FLUSH_MS, this).unref()
    return true
  }

  /** Writes what is buffered now (pino's `logger.flush()`); a full pipe keeps its backlog for later. */
  flush(cb?: (err?: Error) => void): void {
    this.#flush()
    if (cb) process.nextTick(cb)
  }

  /** Writes everything before returning, waiting for a full pipe (5 s at most): for `fatal` and the process's exit. */
  flushSync(): void {
    this.#flush()
    for (let waited = 0; this.#backlog.length > 0 && !this.#stopped && waited < 5000; waited++) {
      Atomics.wait(pause, 0, 0, 1)
      this.#drain()
    }
  }

  /** From now on every line is written at once (the process is exiting: no timer will run). */
  writeThrough(): void {
    this.#direct = true
    this.flushSync()
  }

  /** Called by the flush timer. */
  timeUp(): void {
    this.#timer = null
    this.#flush()
  }

  #flush(): void {
    if (this.#len > 0) this.#out(0, this.#len)
    this.#len = 0
  }

  /** Writes bytes `[start, end)` of the buffer, or copies them to the backlog. */
  #out(start: number, end: number): void {
    if (end > start) this.#send(this.#buf.subarray(start, end))
  }

  /** Writes `bytes` (a view that may be reused after this returns) after the backlog; keeps a copy of what is not taken. */
  #send(bytes: Buffer): void {
    if (this.#stopped) return
    if (this.#backlog.length === 0) {
      const n = this.#try(bytes)
      if (n === bytes.length || n < 0) return
      bytes = bytes.subarray(n)
    }
    this.#backlog.push(Buffer.from(bytes))
    if (this.#backlog.length === 1) setTimeout(retryLater, RETRY_MS, this).unref()
  }

  /** Writes the backlog until the descriptor takes no more; true when it is empty. */
  #drain(): boolean {
    while (this.#backlog.length > 0 && !this.#stopped) {
      const head = this.#backlog[0]!
      const n = this.#try(head)
      if (n === head.length) this.#backlog.shift()
      else if (n >= 0) {
        this.#backlog[0] = head.subarray(n)
        if (n === 0) return false
      }
    }
    return true
  }

  /** Called by the retry timer. */
  retry(): void {
    if (!this.#drain() && !this.#stopped) setTimeout(retryLater, RETRY_MS, this).unref()
  }

  /** `write(2)` once: the bytes taken, 0 for a full pipe, -1 when the writing stopped. */
  #try(bytes: Buffer): number {
    try {
      return writeSync(this.fd, bytes)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') return 0
      this.#stopped = true
      this.#backlog = []
      if ((err as NodeJS.ErrnoException).code !== 'EPIPE') process.emitWarning(`Phial: the log lines can no longer be written to file descriptor ${this.fd}: ${(err as Error).message}`)
      return -1
    }
  }
}

function flushLater(lines: LineBuffer): void {
  lines.timeUp()
}

/** What {@link LineBuffer.flushSync} waits on, a millisecond at a time. */
const pause = new Int32Array(new SharedArrayBuffer(4))

function retryLater(lines: LineBuffer): void {
  lines.retry()
}

let stdout: LineBuffer | null = null

/**
 * The one {@link LineBuffer} on stdout that every default JSON logger of the
 * process shares (so their lines keep their order), made with the first one.
 * It is written out when the process exits (`process.exit`, the event loop
 * running empty, an uncaught error) and on SIGTERM: alone on that signal it
 * then raises it again, so that the process still ends as it would without
 * the listener; with other listeners (`phial serve`'s workers drain) it only
 * writes. SIGINT is left alone: a listener would keep Ctrl-C from stopping a
 * busy loop.
 */
function stdoutLines(): LineBuffer {
  if (stdout !== null) return stdout
  const lines = (stdout = new LineBuffer(1))
  process.on('exit', () => lines.writeThrough())
  process.once('SIGTERM', () => {
    lines.flushSync()
    if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM')
  })
  return lines
}

/** Whether `process.stdout.write` was replaced (by a test runner, say): then pino writes through it, as it would by default. */
function stdoutReplaced(): boolean {
  const out = process.stdout as { write: unknown; constructor: { prototype: { write: unknown } } }
  return out.write !== out.constructor.prototype.write
}

let lastMs = -1
let lastTime = ''

/**
 * pino's default time field (`,"time":<epoch ms>`), its text made once per
 * millisecond: at thousands of access lines a second most share the last
 * one's. Any other time function is used as it is.
 */
function cachedTime(time: () => string): () => string {
  const { stdTimeFunctions } = loadPino()
  if (time !== stdTimeFunctions.epochTime) return time
  return () => {
    const now = Date.now()
    if (now !== lastMs) {
      lastMs = now
      lastTime = `,"time":${now}`
    }
    return lastTime
  }
}

/**
 * Creates the app's pino logger from its config: level `LOG_LEVEL` (default
 * `info`; `silent` turns it off), readable lines in development (see
 * {@link wantsPrettyLogs}), JSON lines on stdout otherwise, written in
 * batches (see {@link LineBuffer}). Replace it with `app.logger = pino(...)`
 * to send logs elsewhere.
 *
 * @example
 * ```ts
 * app.logger.info({ userId: 1 }, 'logged in')
 * ```
 */
export function createLogger(app: LoggerSource): Logger {
  const { pino, stdSerializers, symbols: pinoSymbols } = loadPino()
  const options = {
    name: app.name,
    level: String(app.config.LOG_LEVEL ?? 'info'),
    serializers: { err: stdSerializers.err },
  }
  if (wantsPrettyLogs(app)) return pino(options, prettyStream(process.stdout.isTTY === true))
  const logger = stdoutReplaced() ? pino(options) : pino(options, stdoutLines())
  const symbols = pinoSymbols as unknown as Record<string, symbol>
  const own = logger as unknown as Record<symbol, unknown>
  jsonLoggers.set(logger, {
    stream: own[symbols.streamSym!] as DestinationStream,
    time: cachedTime(own[symbols.timeSym!] as () => string),
    chindings: symbols.chindingsSym!,
    level: logger.levels.values.info!,
  })
  return logger
}

/**
 * Writes one `info` line — `fields` is the JSON of its fields, each as
 * `,"key":value` — the way pino would (`level`, `time`, the bindings, the
 * fields, `msg`), without pino's generic serializer, when `logger` is a
 * JSON-line logger made by {@link createLogger}; returns false (and writes
 * nothing) for any other logger, so the caller logs through pino. The access
 * line uses it: pino's key-by-key serialization was most of its cost
 * (bench/OPTIMISATIONS.md). The caller checks the level. `msgIsJson`: `msg`
 * is already a JSON string literal (quotes included).
 *
 * @example
 * ```ts
 * if (!writeJsonLine(app.logger, `,"status":${status}`, 'done')) app.logger.info({ status }, 'done')
 * ```
 */
export function writeJsonLine(logger: Logger, fields: string, msg: string, msgIsJson = false): boolean {
  const target = jsonLoggers.get(logger)
  if (target === undefined || pinoTracing.hasSubscribers) return false
  const bindings = (logger as unknown as Record<symbol, string>)[target.chindings]
  target.stream.write(`{"level":${target.level}${target.time()}${bindings}${fields},"msg":${msgIsJson ? msg : JSON.stringify(msg)}}\n`)
  return true
}
