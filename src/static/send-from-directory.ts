/**
 * Serves a file from a folder, refusing any path that leaves it.
 * (First version: full conditional and range support lands in send-file.ts.)
 */
import { stat } from 'node:fs/promises'
import { isAbsolute, join, normalize, sep } from 'node:path'
import { lookup } from 'mime-types'
import { NotFound } from '../http/exceptions.ts'
import { FileBody, Response, contentTypeFor } from '../http/response.ts'

/**
 * Joins untrusted path segments onto a folder, or returns null when the result
 * would leave it (`..`, absolute paths, backslashes, NUL).
 *
 * @example
 * ```ts
 * safeJoin('/srv/static', 'css/site.css') // '/srv/static/css/site.css'
 * safeJoin('/srv/static', '../etc/passwd') // null
 * ```
 */
export function safeJoin(directory: string, ...paths: string[]): string | null {
  const parts: string[] = []
  for (const p of paths) {
    if (p.includes('\0') || p.includes('\\') || isAbsolute(p) || p.startsWith('/')) return null
    const normal = normalize(p)
    if (normal === '..' || normal.startsWith(`..${sep}`) || normal.split(sep).includes('..')) return null
    parts.push(normal)
  }
  return join(directory, ...parts)
}

/**
 * Sends `path` from inside `directory`, or raises 404.
 *
 * @example
 * ```ts
 * app.get('/uploads/<path:name>', function upload({ name }) { return sendFromDirectory('uploads', name) })
 * ```
 */
export async function sendFromDirectory(directory: string, path: string, options: { maxAge?: number | null } = {}): Promise<Response> {
  const file = safeJoin(directory, path)
  if (file === null) throw new NotFound()
  let info
  try {
    info = await stat(file)
  } catch {
    throw new NotFound()
  }
  if (!info.isFile()) throw new NotFound()
  const type = lookup(file) || 'application/octet-stream'
  const response = new Response(new FileBody(file, 0, info.size - 1), { contentType: contentTypeFor(type) })
  if (options.maxAge != null) response.headers.set('cache-control', `public, max-age=${options.maxAge}`)
  else response.headers.set('cache-control', 'no-cache')
  return response
}
