/**
 * Entity tags: generating them for files and bytes, parsing and comparing
 * them (RFC 9110 §8.8.3).
 */
import { createHash } from 'node:crypto'

/**
 * A parsed entity tag.
 *
 * @example
 * ```ts
 * const tag: EntityTag = { tag: 'v1', weak: true } // W/"v1"
 * ```
 */
export interface EntityTag {
  /** The opaque value, without quotes. */
  tag: string
  /** True for `W/"…"`. */
  weak: boolean
}

/**
 * Adler-32 of a string's UTF-8 bytes (what Werkzeug hashes the path with).
 *
 * @example
 * ```ts
 * adler32('Wikipedia') // 300286872
 * ```
 */
export function adler32(text: string): number {
  let a = 1
  let b = 0
  for (const byte of Buffer.from(text, 'utf8')) {
    a = (a + byte) % 65521
    b = (b + a) % 65521
  }
  return ((b << 16) | a) >>> 0
}

/**
 * The ETag of a file, Werkzeug-style: `"<mtime seconds>-<size>-<adler32 of the path>"`.
 * It changes when the file is modified, resized or moved.
 *
 * @example
 * ```ts
 * fileEtag('/srv/x', 1700000000123, 5120) // '"1700000000.123-5120-123666994"'
 * const info = await stat(path)
 * fileEtag(path, info.mtimeMs, info.size)
 * ```
 */
export function fileEtag(path: string, mtimeMs: number, size: number): string {
  return `"${mtimeMs / 1000}-${size}-${adler32(path)}"`
}

/**
 * The ETag of in-memory bytes: a hash of the content.
 *
 * @example
 * ```ts
 * bytesEtag(Buffer.from('hello')) // '"qvTGHdzF6KLavt4PO0gs2a6pQ00"'
 * ```
 */
export function bytesEtag(data: Uint8Array): string {
  return `"${createHash('sha1').update(data).digest('base64url')}"`
}

/**
 * Turns an `etag` option into a header value: a bare value is quoted as a
 * strong tag; an already quoted (`"x"`) or weak (`W/"x"`) tag is kept.
 *
 * @example
 * ```ts
 * quoteEtag('v1')     // '"v1"'
 * quoteEtag('W/"v1"') // 'W/"v1"'
 * ```
 */
export function quoteEtag(value: string): string {
  if (/^(?:W\/)?"[^"]*"$/.test(value)) return value
  if (value.includes('"')) throw new TypeError(`An ETag value cannot contain a double quote: ${JSON.stringify(value)}`)
  return `"${value}"`
}

const LIST_ITEM = /\s*(?:(W\/)?"([^"]*)"|([^,\s]+))?\s*(?:,|$)/gy

/**
 * Parses an `If-Match` / `If-None-Match` / `ETag` value: `'*'` for the
 * wildcard, else the list of tags (unquoted tags are tolerated).
 *
 * @example
 * ```ts
 * parseEtags('W/"a", "b"') // [{ tag: 'a', weak: true }, { tag: 'b', weak: false }]
 * parseEtags('*')          // '*'
 * parseEtags('"a", , b')   // [{ tag: 'a', weak: false }, { tag: 'b', weak: false }] (empty items skipped)
 * ```
 */
export function parseEtags(value: string | null | undefined): EntityTag[] | '*' {
  if (!value) return []
  if (value.trim() === '*') return '*'
  const tags: EntityTag[] = []
  LIST_ITEM.lastIndex = 0
  let match: RegExpExecArray | null
  while (LIST_ITEM.lastIndex < value.length && (match = LIST_ITEM.exec(value)) !== null) {
    if (match[0] === '') break
    if (match[2] !== undefined) tags.push({ tag: match[2], weak: match[1] !== undefined })
    else if (match[3] !== undefined) tags.push({ tag: match[3], weak: false })
  }
  return tags
}

/**
 * Compares a current ETag with a header list. Strong comparison (`If-Match`,
 * `If-Range`) needs both tags strong and equal; weak comparison
 * (`If-None-Match`) only equal values. `*` matches whenever the resource
 * exists, even without a tag.
 *
 * @example
 * ```ts
 * etagMatches('"a"', 'W/"a"', 'weak')   // true
 * etagMatches('"a"', 'W/"a"', 'strong') // false
 * ```
 */
export function etagMatches(current: string | null, header: string, comparison: 'weak' | 'strong'): boolean {
  const list = parseEtags(header)
  if (list === '*') return true
  if (current === null) return false
  const mine = parseEtags(current)
  if (mine === '*' || mine.length !== 1) return false
  const { tag, weak } = mine[0]!
  return list.some((other) => other.tag === tag && (comparison === 'weak' || (!weak && !other.weak)))
}
