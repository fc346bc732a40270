/**
 * `safeJoin`: joins untrusted, already-decoded path parts onto a trusted
 * folder, or refuses them.
 */
import { isAbsolute, join, relative, resolve, sep } from 'node:path'

/** `C:`, `c:foo`: a Windows drive, refused on every platform. */
const DRIVE = /^[A-Za-z]:/
/** Windows device names (`CON`, `nul.txt`, `COM1`…), refused on Windows only. */
const WINDOWS_DEVICE = /^(?:CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(?:\..*)?$/i

/**
 * True when `target` is `directory` itself or lies below it, compared after
 * resolving both (no file system access; symlinks are not followed).
 *
 * @example
 * ```ts
 * isInside('/srv/static', '/srv/static/css/a.css') // true
 * isInside('/srv/static', '/srv/other')            // false
 * isInside('/srv/static', '/srv/static/..foo')     // true: a file named '..foo'
 * ```
 */
export function isInside(directory: string, target: string): boolean {
  const rel = relative(resolve(directory), resolve(target))
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

function refused(part: string, windows: boolean): boolean {
  if (part.includes('\0') || part.includes('\\')) return true
  if (part.startsWith('/') || isAbsolute(part) || DRIVE.test(part)) return true
  for (const segment of part.split('/')) {
    if (segment === '..') return true
    if (windows && segment !== '.' && (segment.includes(':') || WINDOWS_DEVICE.test(segment) || /[. ]$/.test(segment))) return true
  }
  return false
}

/**
 * Joins untrusted path parts (a URL path the router already percent-decoded,
 * a name from a form) onto a trusted `directory`, or returns `null` when the
 * result could leave it.
 *
 * A part is refused when it:
 * - contains a `..` segment anywhere (`..`, `../x`, `a/../b`: stricter than
 *   Werkzeug, which normalises `a/../b` first; no real URL needs it),
 * - is absolute (`/etc/passwd`) or starts with a Windows drive (`C:`, `c:x`),
 * - contains a backslash (a Windows separator, refused on every platform),
 * - contains NUL,
 * - on Windows only: a segment with `:` (alternate data streams), a device
 *   name (`CON`, `NUL.txt`, `COM1`…) or a trailing dot or space.
 *
 * Parts are **not** percent-decoded again: a literal `%2e%2e` is a file name
 * of six characters, which no file system treats as `..`, so it cannot
 * escape. `.` and empty segments are harmless and kept (`join` drops them).
 * Symlinks inside `directory` are followed when the file is opened, as in
 * Flask: do not put links to elsewhere in a folder you serve.
 *
 * The result is `path.join(directory, ...parts)`; it stays relative when
 * `directory` is relative.
 *
 * @example
 * ```ts
 * safeJoin('/srv/static', 'css/site.css')   // '/srv/static/css/site.css'
 * safeJoin('/srv/static', '../etc/passwd')  // null
 * safeJoin('/srv/static', 'a\\..\\b')       // null
 * safeJoin('/srv/static', '/etc/passwd')    // null
 * safeJoin('uploads', user, secureFilename(name)) // 'uploads/<user>/<name>' or null
 * ```
 */
export function safeJoin(directory: string, ...untrusted: string[]): string | null {
  const windows = process.platform === 'win32'
  const base = directory === '' ? '.' : directory
  for (const part of untrusted) {
    if (typeof part !== 'string' || refused(part, windows)) return null
  }
  const joined = join(base, ...untrusted)
  // Belt and braces: whatever the rules above missed, never leave the folder.
  return isInside(base, joined) ? joined : null
}
