/**
 * `sendFromDirectory`: a user-supplied path served from inside a folder, or
 * 404 — also for dotfiles and for symlinks that lead out of the folder,
 * unless the options allow them.
 */
import { realpath, stat } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { relative, resolve, sep, isAbsolute } from 'node:path'
import { contextStorage } from '../core/context.ts'
import { NotFound } from '../http/exceptions.ts'
import type { Response } from '../http/response.ts'
import { safeJoin } from './safe-join.ts'
import { sendStatedFile, type SendFileOptions } from './send-file.ts'

/**
 * Options of {@link sendFromDirectory}: those of {@link sendFile}, and
 * which hidden or linked files may be served.
 *
 * @example
 * ```ts
 * sendFromDirectory('public', name, { dotfiles: true, maxAge: 3600 })
 * ```
 */
export interface SendFromDirectoryOptions extends SendFileOptions {
  /**
   * Serve files and folders whose name starts with a dot (`.env`, `.git/`).
   * Default `false`: a 404. `.well-known/` is always served.
   */
  dotfiles?: boolean
  /**
   * Follow a symlink whose target lies outside the folder. Default `false`:
   * a 404 (a link inside the folder is served).
   */
  followSymlinks?: boolean
}

/** True when a segment of `path` (either slash) is a dotfile name other than `.well-known`. */
function hasDotSegment(path: string): boolean {
  for (const segment of path.split(/[/\\]/)) {
    if (segment.startsWith('.') && segment !== '.well-known') return true
  }
  return false
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file)
  return rel !== '' && rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel)
}

/**
 * Sends `path` from inside `directory` (Flask's `send_from_directory`):
 * {@link safeJoin} refuses any path that could leave the folder, and a
 * refused, missing or non-regular file (a folder) raises {@link NotFound},
 * as do a dotfile (any segment starting with `.`, except `.well-known`) and
 * a symlink that resolves outside the folder, unless `dotfiles` /
 * `followSymlinks` allow them (Flask serves both). Then it is
 * {@link sendFile} with the same options. A relative `directory` is
 * relative to the app's root folder.
 *
 * @example
 * ```ts
 * app.get('/uploads/<path:name>', function upload({ name }) {
 *   return sendFromDirectory('uploads', name, { asAttachment: true })
 * })
 * ```
 */
export async function sendFromDirectory(directory: string, path: string, options: SendFromDirectoryOptions = {}): Promise<Response> {
  const root = resolve(contextStorage.getStore()?.app.rootPath ?? process.cwd(), directory)
  const { dotfiles = false, followSymlinks = false, ...sendOptions } = options
  if (!dotfiles && hasDotSegment(path)) throw new NotFound()
  const file = safeJoin(root, path)
  if (file === null) throw new NotFound()
  let info: Stats
  try {
    info = await stat(file)
    if (!info.isFile()) throw new NotFound()
    // a link (the file or a folder on the way) may point anywhere: compare the real paths. When the
    // file's real path is its path, nothing on the way is a link (the root included), so the root's
    // real path is the root and safeJoin already kept the file inside it: one realpath, not two.
    if (!followSymlinks) {
      const real = await realpath(file)
      if (real === file ? file === root : !isInside(await realpath(root), real)) throw new NotFound()
    }
  } catch {
    throw new NotFound()
  }
  // the stat above gives the size and mtime: sendFile would stat the file again
  return sendStatedFile(file, info, sendOptions)
}
