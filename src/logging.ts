/**
 * The app's logger (pino, as Flask's logging.py sits below its app): readable
 * output in development, JSON lines otherwise. It reads only the config, so
 * the app core creates it on first use; the per-request access line lives
 * with the servers (server/access-log.ts).
 *
 * @module
 */
import { createRequire } from 'node:module'
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino'
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
  const options = {
    name: app.name,
    level: String(app.config.LOG_LEVEL ?? 'info'),
    serializers: { err: stdSerializers.err },
  }
  if (wantsPrettyLogs(app)) return pino(options, prettyStream(process.stdout.isTTY === true))
  return pino(options)
}
