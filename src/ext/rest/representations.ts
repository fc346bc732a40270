/**
 * The default representation (JSON) and media-type negotiation, as
 * Flask-RESTful's `Api.make_response`.
 */
import { HeaderMap, NotAcceptable, Response, currentApp, hasContext, type Phial, type Request } from 'phial'
import type { Representation } from './resource.ts'

/**
 * Flask-RESTful's `output_json`: the data as JSON with the status and
 * headers (no body for 204 and 304). `RESTFUL_JSON` (`{ indent, sortKeys }`)
 * formats it; in debug mode it is indented by 4, with a final newline, as
 * Flask-RESTful does.
 *
 * @example
 * ```ts
 * api.representation('application/vnd.todo+json', outputJson)
 * ```
 */
export const outputJson: Representation = (data, status, headers) => jsonResponse(data, status, headers, hasContext() ? currentApp : null)

/** {@link outputJson} for a known app (the Api's own path: no context lookup). */
export function jsonResponse(data: unknown, status: number, headers: Record<string, string>, app: Phial | null): Response {
  if (status === 204 || status === 304 || data === undefined) return emptyResponse(status, headers)
  return new Response(formatJson(data, app), { status, headers, mimetype: 'application/json' })
}

/**
 * A response without a body: the status and headers only, and no
 * Content-Type unless `headers` gives one (a 204, a 304, or a status
 * declared without a schema, such as `{ 200: null }`).
 *
 * @example
 * ```ts
 * emptyResponse(204, { ETag: '"v2"' }).body // ''
 * ```
 */
export function emptyResponse(status: number, headers: Record<string, string> = {}): Response {
  const response = new Response('', { status, headers })
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) response.headers.delete('content-type')
  return response
}

/** JSON text with the app's `RESTFUL_JSON` settings (compact unless asked, or in debug mode). */
function formatJson(data: unknown, app: Phial | null): string {
  const settings = app?.config.RESTFUL_JSON
  const indent = settings?.indent ?? (app?.config.DEBUG === true ? 4 : undefined)
  if (indent === undefined && !settings?.sortKeys) return JSON.stringify(data)
  const replacer = settings?.sortKeys ? sortedKeys : undefined
  return JSON.stringify(data, replacer, indent) + (indent ? '\n' : '')
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const out: Record<string, unknown> = {}
  for (const k of Object.keys(value).sort()) out[k] = (value as Record<string, unknown>)[k]
  return out
}

/** The WHATWG `Response` class, read once (`globalThis.Response` is one of Node's lazy globals). */
let webResponse: Function | null | undefined

/**
 * True for a WHATWG `Response` (what `fetch` gives), which a handler may return as is.
 *
 * @example
 * ```ts
 * isWebResponse(new globalThis.Response('ok')) // true
 * ```
 */
export function isWebResponse(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  if (webResponse === undefined) webResponse = typeof globalThis.Response === 'function' ? globalThis.Response : null
  return webResponse !== null && value instanceof webResponse
}

/** Headers given with a return value, as a plain object. */
export function headersRecord(headers: unknown): Record<string, string> {
  if (headers === undefined || headers === null) return {}
  const out: Record<string, string> = {}
  if (headers instanceof Headers || headers instanceof HeaderMap) {
    for (const [k, v] of headers as Iterable<[string, string]>) out[k] = v
    return out
  }
  if (Array.isArray(headers)) {
    for (const [k, v] of headers as Array<[string, string]>) out[k] = v
    return out
  }
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) out[k] = String(v)
  return out
}

/**
 * The media type to answer with: the best of `available` for the request's
 * `Accept`, else `defaultMediatype`; without a default, a 406.
 *
 * @example
 * ```ts
 * negotiate(request, ['application/json', 'text/csv'], 'application/json')
 * ```
 */
export function negotiate(request: Request, available: readonly string[], defaultMediatype: string | null): string {
  // one representation that is also the default: whatever the Accept header says, the answer is it
  if (available.length === 1 && available[0] === defaultMediatype) return defaultMediatype
  const best = request.accept.mimetypes.bestMatch(available, null)
  const chosen = best ?? defaultMediatype
  if (chosen === null) {
    throw new NotAcceptable(`This resource can be represented as ${available.join(', ')}; the request's Accept header allows none of them.`)
  }
  return chosen
}
