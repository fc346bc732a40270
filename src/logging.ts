/**
 * The app's logger (pino) and the per-request lines: readable output in
 * development, JSON lines otherwise; one access line per request and the
 * `X-Request-ID` echo, both skipped cheaply when nobody needs them.
 */
import { createRequire } from 'node:module'
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino'
import type { PrettyOptions } from 'pino-pretty'
import type { Phial } from './app.ts'
import type { Config } from './config/config.ts'
import { assertHeader } from './http/headers.ts'
import type { Request } from './http/request.ts'
import type { Response } from './http/response.ts'

declare module './config/config.ts' {
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
  app: Phial,
  env: Record<string, string | undefined> = process.env,
  stdoutIsTTY: boolean = process.stdout.isTTY === true,
): boolean {
  const format = app.config.get('LOG_FORMAT') ?? env.LOG_FORMAT
  if (format === 'json') return false
  const development = app.debug || env.NODE_ENV !== 'production'
  return development && (stdoutIsTTY || format === 'pretty')
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
export function createLogger(app: Phial): Logger {
  const options = {
    name: app.name,
    level: String(app.config.LOG_LEVEL ?? 'info'),
    serializers: { err: stdSerializers.err },
  }
  if (wantsPrettyLogs(app)) return pino(options, prettyStream(process.stdout.isTTY === true))
  return pino(options)
}

/**
 * When access logging is on (`ACCESS_LOG` and the logger at `info` or
 * lower), the start time of a request for {@link logAccess}; else -1. Server
 * adapters call it once per request, first thing.
 *
 * @example
 * ```ts
 * const start = accessLogStart(app)
 * // … handle and write the response …
 * if (start >= 0) logAccess(app, request, res.statusCode, start)
 * ```
 */
export function accessLogStart(app: Phial): number {
  return app.config.ACCESS_LOG !== false && app.logger.isLevelEnabled('info') ? performance.now() : -1
}

/**
 * Logs the access line of a request at `info`: `method`, `path` (without
 * the query string), `status`, `durationMs`, `requestId`, `remoteAddr`.
 *
 * @example
 * ```ts
 * logAccess(app, request, 200, start)
 * // {"level":30,"method":"GET","path":"/","status":200,"durationMs":0.412,"requestId":"…","remoteAddr":"127.0.0.1","msg":"GET / 200 0.412ms"}
 * ```
 */
export function logAccess(app: Phial, request: Request, status: number, start: number): void {
  const durationMs = Math.round((performance.now() - start) * 1000) / 1000
  const method = request.method
  const path = request.path
  app.logger.info(
    { method, path, status, durationMs, requestId: request.id, remoteAddr: request.remoteAddr },
    `${method} ${path} ${status} ${durationMs}ms`,
  )
}

let headerName = ''
let headerKey = ''

/**
 * Sets the `REQUEST_ID_HEADER` response header (default `X-Request-ID`) to
 * the request's id; does nothing when the setting is null or empty.
 *
 * @example
 * ```ts
 * echoRequestId(app, ctx.request, response)
 * response.headers.get('x-request-id') // the id the access and error lines carry
 * ```
 */
export function echoRequestId(app: Phial, request: Request, response: Response): void {
  const name = app.config.REQUEST_ID_HEADER
  if (!name) return
  if (name !== headerName) {
    assertHeader(name, '')
    headerKey = name.toLowerCase()
    headerName = name
  }
  // the id is a UUID or matched a strict pattern: safe as a header value
  response.headers.raw[headerKey] = request.id
}

/** What {@link withAccessLog} needs of a test client. */
interface OpenClient<R> {
  open(path: string, init?: object): Promise<R>
}

/**
 * Makes an in-process test client log an access line per call (and echo
 * nothing: it has no socket). `app.testClient({ accessLog: true })` uses it;
 * the duration is that of the whole call, redirects followed included.
 *
 * @example
 * ```ts
 * const client = withAccessLog(app, new TestClient(app))
 * await client.get('/') // logs "GET / 200 …ms"
 * ```
 */
export function withAccessLog<R extends { status: number; request: Request; history: R[] }, C extends OpenClient<R>>(
  app: Phial,
  client: C,
): C {
  const open = client.open.bind(client)
  client.open = async (path: string, init?: object): Promise<R> => {
    const start = accessLogStart(app)
    const response = await open(path, init)
    if (start >= 0) for (const r of [...response.history, response]) logAccess(app, r.request, r.status, start)
    return response
  }
  return client
}
