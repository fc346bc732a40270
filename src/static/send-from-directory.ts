/**
 * `sendFromDirectory`: a user-supplied path served from inside a folder, or 404.
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { contextStorage } from '../core/context.ts'
import { NotFound } from '../http/exceptions.ts'
import type { Response } from '../http/response.ts'
import { safeJoin } from './safe-join.ts'
import { sendFile, type SendFileOptions } from './send-file.ts'

/**
 * Sends `path` from inside `directory` (Flask's `send_from_directory`):
 * {@link safeJoin} refuses any path that could leave the folder, and a
 * refused, missing or non-regular file (a folder) raises {@link NotFound}.
 * Then it is {@link sendFile} with the same options. A relative `directory`
 * is relative to the app's root folder.
 *
 * @example
 * ```ts
 * app.get('/uploads/<path:name>', function upload({ name }) {
 *   return sendFromDirectory('uploads', name, { asAttachment: true })
 * })
 * ```
 */
export async function sendFromDirectory(directory: string, path: string, options: SendFileOptions = {}): Promise<Response> {
  const root = resolve(contextStorage.getStore()?.app.rootPath ?? process.cwd(), directory)
  const file = safeJoin(root, path)
  if (file === null) throw new NotFound()
  try {
    if (!(await stat(file)).isFile()) throw new NotFound()
  } catch {
    throw new NotFound()
  }
  return sendFile(file, options)
}
