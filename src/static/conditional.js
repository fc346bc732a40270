/**
 * Conditional and range request evaluation for a representation (RFC 9110
 * §13.2.2 order), independent of where the bytes come from.
 */
import { etagMatches } from "./etag.js";
import { parseHttpDate } from "./http-date.js";
import { resolveRange } from "./range.js";
const FULL = { kind: 'full' };
function dateSeconds(value) {
    const ms = parseHttpDate(value);
    return ms === null ? null : Math.floor(ms / 1000);
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
export function evaluateConditional(request, rep) {
    const method = request.method;
    if (method !== 'GET' && method !== 'HEAD')
        return FULL;
    const h = request.headers;
    const ifMatch = h.get('if-match');
    if (ifMatch !== null) {
        if (!etagMatches(rep.etag, ifMatch, 'strong'))
            return { kind: 'precondition-failed' };
    }
    else {
        const since = dateSeconds(h.get('if-unmodified-since'));
        if (since !== null && rep.lastModified !== null && rep.lastModified > since)
            return { kind: 'precondition-failed' };
    }
    const ifNoneMatch = h.get('if-none-match');
    if (ifNoneMatch !== null) {
        if (etagMatches(rep.etag, ifNoneMatch, 'weak'))
            return { kind: 'not-modified' };
    }
    else {
        const since = dateSeconds(h.get('if-modified-since'));
        if (since !== null && rep.lastModified !== null && rep.lastModified <= since)
            return { kind: 'not-modified' };
    }
    if (method !== 'GET' || rep.size === null)
        return FULL;
    const rangeHeader = h.get('range');
    if (rangeHeader === null)
        return FULL;
    const ifRange = h.get('if-range');
    if (ifRange !== null && !ifRangeMatches(ifRange, rep))
        return FULL;
    const range = resolveRange(rangeHeader, rep.size);
    if (range === null)
        return FULL;
    if (range === 'unsatisfiable')
        return { kind: 'unsatisfiable' };
    return { kind: 'partial', range };
}
function ifRangeMatches(value, rep) {
    const text = value.trim();
    if (text.startsWith('"') || text.startsWith('W/'))
        return etagMatches(rep.etag, text, 'strong');
    const date = dateSeconds(text);
    return date !== null && rep.lastModified !== null && date === rep.lastModified;
}
