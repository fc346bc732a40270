/**
 * Conditional and range request evaluation for a representation (RFC 9110
 * §13.2.2 order), independent of where the bytes come from.
 */
import { etagMatches } from './etag.ts'
import { parseHttpDate } from './http-date.ts'
import { resolveRange, type ByteRange } from './range.ts'

/**
 * What the evaluation needs from the request (a Phial `Request` fits).
 *
 * @example
 * ```ts
 * const req: ConditionalRequest = { method: 'GET', headers: new Headers({ range: 'bytes=0-9' }) }
 * ```
 */
export interface ConditionalRequest {
  method: string
  headers: { get(name: string): string | null }
}

/**
 * The validators and size of what would be sent.
 *
 * @example
 * ```ts
 * const rep: Representation = { etag: '"v1"', lastModified: 1704164645, size: 20 }
 * ```
 */
export interface Representation {
  /** The `ETag` header value, or null. */
  etag: string | null
  /** Last modification, whole seconds since the epoch, or null. */
  lastModified: number | null
  /** Length in bytes, or null when unknown (a stream): no ranges then. */
  size: number | null
}

/**
 * The outcome: what status to answer with (200, 206, 304, 412, 416).
 *
 * @example
 * ```ts
 * const outcome = evaluateConditional(request, rep)
 * if (outcome.kind === 'partial') console.log(outcome.range.start, outcome.range.end)
 * ```
 */
export type ConditionalOutcome =
  | { kind: 'full' }
  | { kind: 'partial'; range: ByteRange }
  | { kind: 'not-modified' }
  | { kind: 'precondition-failed' }
  | { kind: 'unsatisfiable' }

const FULL: ConditionalOutcome = { kind: 'full' }

function dateSeconds(value: string | null): number | null {
  const ms = parseHttpDate(value)
  return ms === null ? null : Math.floor(ms / 1000)
}

/**
 * Evaluates `If-Match`, `If-Unmodified-Since`, `If-None-Match`,
 * `If-Modified-Since`, `Range` and `If-Range`, in that order, for a GET or
 * HEAD request (other methods always get `full`).
 *
 * - `If-Match` failing, or `If-Unmodified-Since` older than the resource → 412.
 * - `If-None-Match` matching (weak comparison, `*` included) → 304; when it is
 *   absent, `If-Modified-Since` not older than the resource → 304.
 * - `Range` (GET only, as RFC 9110 says; HEAD gets the full headers): one
 *   satisfiable byte range → 206, an unsatisfiable one → 416, anything else
 *   ignored. An `If-Range` that does not match (strong ETag comparison, or a
 *   date equal to the last modification) makes the `Range` ignored → 200.
 *
 * @example
 * ```ts
 * evaluateConditional(request, { etag: '"v1"', lastModified: null, size: 100 })
 * // { kind: 'partial', range: { start: 0, end: 9 } } for `Range: bytes=0-9`
 * ```
 */
export function evaluateConditional(request: ConditionalRequest, rep: Representation): ConditionalOutcome {
  const method = request.method
  if (method !== 'GET' && method !== 'HEAD') return FULL
  const h = request.headers

  const ifMatch = h.get('if-match')
  if (ifMatch !== null) {
    if (!etagMatches(rep.etag, ifMatch, 'strong')) return { kind: 'precondition-failed' }
  } else {
    const since = dateSeconds(h.get('if-unmodified-since'))
    if (since !== null && rep.lastModified !== null && rep.lastModified > since) return { kind: 'precondition-failed' }
  }

  const ifNoneMatch = h.get('if-none-match')
  if (ifNoneMatch !== null) {
    if (etagMatches(rep.etag, ifNoneMatch, 'weak')) return { kind: 'not-modified' }
  } else {
    const since = dateSeconds(h.get('if-modified-since'))
    if (since !== null && rep.lastModified !== null && rep.lastModified <= since) return { kind: 'not-modified' }
  }

  if (method !== 'GET' || rep.size === null) return FULL
  const rangeHeader = h.get('range')
  if (rangeHeader === null) return FULL
  const ifRange = h.get('if-range')
  if (ifRange !== null && !ifRangeMatches(ifRange, rep)) return FULL
  const range = resolveRange(rangeHeader, rep.size)
  if (range === null) return FULL
  if (range === 'unsatisfiable') return { kind: 'unsatisfiable' }
  return { kind: 'partial', range }
}

function ifRangeMatches(value: string, rep: Representation): boolean {
  const text = value.trim()
  if (text.startsWith('"') || text.startsWith('W/')) return etagMatches(rep.etag, text, 'strong')
  const date = dateSeconds(text)
  return date !== null && rep.lastModified !== null && date === rep.lastModified
}
