/**
 * The app's logger (pino, as Flask's logging.py sits below its app): readable
 * output in development, JSON lines otherwise. It reads only the config, so
 * the app core creates it on first use; the per-request access line lives
 * with the servers (server/access-log.ts).
 *
 * @module
 */
import { tracingChannel } from 'node:diagnostics_channel'
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
    /** Response header that echoes the request id; `null` sends none. Default `'X-Request-ID'`. Phial only. */
    REQUEST_ID_HEADER: string | null
  }
}

/**
 * The logging settings' defaults, set on every app's config.
 *
 * @example
 * ```ts
 * LOGGING_DEFAULTS.REQUEST_ID_HEADER // 'X-Request-ID'
 * ```
 */
export const LOGGING_DEFAULTS = Object.freeze({
  LOG_FORMAT: null,
  ACCESS_LOG: true,
  REQUEST_ID_HEADER: 'X-Request-ID',
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
 * Creates the app's pino logger from its config: level `LOG_LEVEL` (default
 * `info`; `silent` turns it off), readable lines in development (see
 * {@link wantsPrettyLogs}), JSON lines on stdout otherwise. Replace it with
 * `app.logger = pino(...)` to send logs elsewhere.
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
  const logger = pino(options)
  const symbols = pinoSymbols as unknown as Record<string, symbol>
  const own = logger as unknown as Record<symbol, unknown>
  jsonLoggers.set(logger, {
    stream: own[symbols.streamSym!] as DestinationStream,
    time: own[symbols.timeSym!] as () => string,
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
 * (bench/OPTIMISATIONS.md). The caller checks the level.
 *
 * @example
 * ```ts
 * if (!writeJsonLine(app.logger, `,"status":${status}`, 'done')) app.logger.info({ status }, 'done')
 * ```
 */
export function writeJsonLine(logger: Logger, fields: string, msg: string): boolean {
  const target = jsonLoggers.get(logger)
  if (target === undefined || pinoTracing.hasSubscribers) return false
  const bindings = (logger as unknown as Record<symbol, string>)[target.chindings]
  target.stream.write(`{"level":${target.level}${target.time()}${bindings}${fields},"msg":${JSON.stringify(msg)}}\n`)
  return true
}
