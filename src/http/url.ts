/**
 * Percent-decoding of URL paths, never throwing on bad input.
 */

const ENCODED_RUN = /(?:%[0-9A-Fa-f]{2})+/g

/**
 * Decodes percent-escapes in a path as a WSGI server does: valid escapes become
 * their UTF-8 characters (invalid UTF-8 becomes U+FFFD), malformed ones such as
 * `%zz` stay as they are. Never throws.
 *
 * @example
 * ```ts
 * decodePath('/caf%C3%A9/%zz') // '/café/%zz'
 * ```
 */
export function decodePath(path: string): string {
  if (!path.includes('%')) return path
  try {
    return decodeURIComponent(path)
  } catch {
    return path.replace(ENCODED_RUN, (run) => Buffer.from(run.replaceAll('%', ''), 'hex').toString('utf8'))
  }
}
