/**
 * The per-request lines of the servers: one access line per request and the
 * `X-Request-ID` echo, both skipped cheaply when nobody needs them.
 *
 * @module
 */
import type { AppCore } from '../core/app-core.ts'
import { assertHeader } from '../http/headers.ts'
import type { Request } from '../http/request.ts'
import type { Response } from '../http/response.ts'
import { writeJsonLine } from '../logging.ts'

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
export function accessLogStart(app: AppCore): number {
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
export function logAccess(app: AppCore, request: Request, status: number, start: number): void {
  const micros = Math.max(0, Math.round((performance.now() - start) * 1000))
  const durationMs = micros / 1000
  const method = request.method
  const path = request.path
  const requestId = request.id
  const remoteAddr = request.remoteAddr
  // Phial's own JSON logger: the line is built here (same keys, same order, same escaping as pino's)
  const m = quote(method)
  const p = quote(path)
  const d = millisText(micros)
  // a request id is a UUID or matched a pattern of printable ASCII without quotes or backslashes
  const fields =
    `,"method":${m},"path":${p},"status":${status},"durationMs":${d}` +
    `,"requestId":"${requestId}","remoteAddr":${remoteAddr === null ? 'null' : quote(remoteAddr)}`
  const msg = `${method} ${path} ${status} ${d}ms`
  // with a plain method and path the message needs no escaping either
  const json = m.length === method.length + 2 && p.length === path.length + 2 ? `"${msg}"` : JSON.stringify(msg)
  if (writeJsonLine(app.logger, fields, json, true)) return
  app.logger.info({ method, path, status, durationMs, requestId, remoteAddr }, msg)
}

/** `.001` … `.999` without trailing zeros (`.5`, `.41`), and '' for 0: the fractions of {@link millisText}. */
let fractions: string[] | null = null

/**
 * `String(micros / 1000)` — the duration in milliseconds to three decimals —
 * from its whole part (a small integer, whose text V8 caches) and a table of
 * the thousand fractions: without the double-to-text conversion, a fifth of
 * the access line's cost (bench/OPTIMISATIONS.md). Equal to `String` for any
 * duration of up to 15 significant digits, where the shortest text of the
 * double is the decimal itself.
 */
export function millisText(micros: number): string {
  fractions ??= Array.from({ length: 1000 }, (_, i) => (i === 0 ? '' : `.${String(i).padStart(3, '0').replace(/0+$/, '')}`))
  const whole = Math.floor(micros / 1000)
  return `${whole}${fractions[micros - whole * 1000]}`
}

/** Printable ASCII without `"` and `\\`: what `JSON.stringify` quotes without escaping anything. */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** `JSON.stringify(s)` for a string, without its general machinery when nothing needs escaping (most paths, ids, addresses). */
function quote(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : JSON.stringify(s)
}

let headerName = ''
let headerKey = ''

/**
 * Sets the `REQUEST_ID_HEADER` response header (e.g. `X-Request-ID`; none by default) to
 * the request's id; does nothing when the setting is null or empty.
 *
 * @example
 * ```ts
 * echoRequestId(app, ctx.request, response)
 * response.headers.get('x-request-id') // the id the access and error lines carry
 * ```
 */
export function echoRequestId(app: AppCore, request: Request, response: Response): void {
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
  app: AppCore,
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
