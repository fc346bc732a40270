/**
 * Opening files beside the app or a blueprint (Flask's `open_resource`)
 * and in the instance folder (`open_instance_resource`).
 *
 * @module
 */
import { open, type FileHandle } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'

/**
 * Python's file modes, as Flask takes them: `r`, `rb`, `rt` read; `w`,
 * `a`, `x` write (truncate, append, create); `+` reads and writes. `b` and
 * `t` change nothing: a `FileHandle` reads bytes, or text given an encoding.
 *
 * @example
 * ```ts
 * const mode: OpenMode = 'rb'
 * ```
 */
export type OpenMode = 'r' | 'rb' | 'rt' | 'w' | 'wb' | 'wt' | 'a' | 'ab' | 'at' | 'x' | 'xb' | 'r+' | 'rb+' | 'w+' | 'wb+' | 'a+' | 'ab+'

const READ_MODES = new Set(['r', 'rb', 'rt'])

/** Node's flags for a Python mode (`rb` → `r`, `w+` → `w+`). */
function flagsOf(mode: string): string {
  const flags = mode.replace(/[bt]/g, '')
  if (!/^[rwax]\+?$/.test(flags)) throw new TypeError(`'${mode}' is not a file mode: use 'r', 'rb', 'w', 'a', 'x' or one of them with '+'.`)
  return flags === 'x' ? 'wx' : flags === 'x+' ? 'wx+' : flags
}

/**
 * Opens `resource`, relative to `folder`, in Python `mode`; with
 * `readOnly`, only the reading modes are accepted (Flask's "Resources can
 * only be opened for reading"). @internal
 *
 * @example
 * ```ts
 * const f = await openFile(app.rootPath, 'schema.sql', 'rb', true)
 * ```
 */
export function openFile(folder: string, resource: string, mode: string, readOnly: boolean): Promise<FileHandle> {
  if (typeof resource !== 'string' || resource === '') return Promise.reject(new TypeError('openResource(resource): give a file name relative to the folder'))
  if (readOnly && !READ_MODES.has(mode)) return Promise.reject(new TypeError(`Resources can only be opened for reading ('r', 'rb' or 'rt'), not '${mode}'.`))
  let flags: string
  try {
    flags = flagsOf(mode)
  } catch (error) {
    return Promise.reject(error)
  }
  return open(isAbsolute(resource) ? resource : resolve(folder, resource), flags)
}
