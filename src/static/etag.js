/**
 * Entity tags: generating them for files and bytes, parsing and comparing
 * them (RFC 9110 §8.8.3).
 */
import { createHash } from 'node:crypto';
/**
 * Adler-32 of a string's UTF-8 bytes (what Werkzeug hashes the path with).
 *
 * @example
 * ```ts
 * adler32('Wikipedia') // 300286872
 * ```
 */
export function adler32(text) {
    let a = 1;
    let b = 0;
    for (const byte of Buffer.from(text, 'utf8')) {
        a = (a + byte) % 65521;
        b = (b + a) % 65521;
    }
    return ((b << 16) | a) >>> 0;
}
/**
 * The ETag of a file, Werkzeug-style: `"<mtime seconds>-<size>-<adler32 of the path>"`.
 * It changes when the file is modified, resized or moved.
 *
 * @example
 * ```ts
 * const info = await stat(path)
 * fileEtag(path, info.mtimeMs, info.size) // '"1700000000.123-5120-1829441"'
 * ```
 */
export function fileEtag(path, mtimeMs, size) {
    return `"${mtimeMs / 1000}-${size}-${adler32(path)}"`;
}
/**
 * The ETag of in-memory bytes: a hash of the content.
 *
 * @example
 * ```ts
 * bytesEtag(Buffer.from('hello')) // '"qvTGHdzF6KLavt4PO0gs2a6pQ00"'
 * ```
 */
export function bytesEtag(data) {
    return `"${createHash('sha1').update(data).digest('base64url')}"`;
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
export function quoteEtag(value) {
    if (/^(?:W\/)?"[^"]*"$/.test(value))
        return value;
    if (value.includes('"'))
        throw new TypeError(`An ETag value cannot contain a double quote: ${JSON.stringify(value)}`);
    return `"${value}"`;
}
const LIST_ITEM = /\s*(?:(W\/)?"([^"]*)"|([^,\s]+))?\s*(?:,|$)/gy;
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
export function parseEtags(value) {
    if (!value)
        return [];
    if (value.trim() === '*')
        return '*';
    const tags = [];
    LIST_ITEM.lastIndex = 0;
    let match;
    while (LIST_ITEM.lastIndex < value.length && (match = LIST_ITEM.exec(value)) !== null) {
        if (match[0] === '')
            break;
        if (match[2] !== undefined)
            tags.push({ tag: match[2], weak: match[1] !== undefined });
        else if (match[3] !== undefined)
            tags.push({ tag: match[3], weak: false });
    }
    return tags;
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
export function etagMatches(current, header, comparison) {
    const list = parseEtags(header);
    if (list === '*')
        return true;
    if (current === null)
        return false;
    const mine = parseEtags(current);
    if (mine === '*' || mine.length !== 1)
        return false;
    const { tag, weak } = mine[0];
    return list.some((other) => other.tag === tag && (comparison === 'weak' || (!weak && !other.weak)));
}
