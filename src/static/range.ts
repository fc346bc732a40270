/**
 * The `Range` header (RFC 9110 §14.2), single byte ranges only.
 */

/**
 * An inclusive byte range.
 *
 * @example
 * ```ts
 * const firstKilobyte: ByteRange = { start: 0, end: 1023 }
 * ```
 */
export interface ByteRange {
  start: number
  end: number
}

const BYTE_RANGE = /^(\d*)\s*-\s*(\d*)$/

/**
 * Resolves a `Range` header against a representation of `size` bytes:
 * - a `ByteRange` to answer with 206,
 * - `'unsatisfiable'` to answer with 416 (the range starts at or after the
 *   end, or is the empty suffix `-0`),
 * - `null` to ignore the header and send everything with 200: no header, a
 *   unit other than `bytes`, a malformed value, **several ranges** (Phial
 *   sends the full representation rather than `multipart/byteranges`, which
 *   RFC 9110 allows), or an empty representation (as Werkzeug does).
 *
 * @example
 * ```ts
 * resolveRange('bytes=0-99', 1000)   // { start: 0, end: 99 }
 * resolveRange('bytes=-100', 1000)   // { start: 900, end: 999 }
 * resolveRange('bytes=1000-', 1000)  // 'unsatisfiable'
 * resolveRange('bytes=0-1,5-6', 10)  // null
 * ```
 */
export function resolveRange(header: string | null | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header || size === 0) return null
  const eq = header.indexOf('=')
  if (eq === -1 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return null
  const specs = header.slice(eq + 1).split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (specs.length !== 1) return null
  const match = BYTE_RANGE.exec(specs[0]!)
  if (match === null) return null
  const [, first, last] = match as unknown as [string, string, string]
  if (first === '') {
    if (last === '') return null
    const suffix = Number(last)
    if (suffix === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  if (last !== '' && Number(last) < start) return null
  if (start >= size) return 'unsatisfiable'
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) }
}
