/**
 * The default representation (JSON) and media-type negotiation, as
 * Flask-RESTful's `Api.make_response`.
 */
import { HeaderMap, NotAcceptable, Response, type Request } from 'phial'
import type { Representation } from './resource.ts'

/**
 * Flask-RESTful's `output_json`: the data as JSON with the status and
 * headers (no body for 204 and 304).
 *
 * @example
 * ```ts
 * api.representation('application/vnd.todo+json', outputJson)
 * ```
 */
export const outputJson: Representation = (data, status, headers) => {
  const empty = status === 204 || status === 304 || data === undefined
  return new Response(empty ? '' : JSON.stringify(data), { status, headers, mimetype: 'application/json' })
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
  const best = available.length === 1 && !request.headers.has('accept') ? available[0]! : request.accept.mimetypes.bestMatch(available, null)
  const chosen = best ?? defaultMediatype
  if (chosen === null) {
    throw new NotAcceptable(`This resource can be represented as ${available.join(', ')}; the request's Accept header allows none of them.`)
  }
  return chosen
}
