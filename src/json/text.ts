/**
 * Small text helpers of the JSON module: Python's `ensure_ascii` escaping
 * and HTTP dates (Werkzeug's `http_date` / `parse_date`).
 *
 * @module
 */

const NON_ASCII = /[\u0080-\uffff]/g

/** Every non-ASCII UTF-16 unit as a lower-case `\uXXXX` escape, as Python's `json.dumps` writes it. */
export function asciiEscape(json: string): string {
  NON_ASCII.lastIndex = 0
  if (!NON_ASCII.test(json)) return json
  return json.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** `Mon, 01 Feb 2021 07:15:00 GMT` (RFC 9110's IMF-fixdate, Werkzeug's `http_date`). */
export function httpDate(date: Date): string {
  return date.toUTCString()
}

/** A `Date` from an HTTP/RFC 2822 date, or `null` when it does not parse (Werkzeug's `parse_date`). */
export function parseHttpDate(text: string): Date | null {
  if (typeof text !== 'string') return null
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? null : new Date(ms)
}
