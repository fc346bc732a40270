/**
 * Static files and file sending: `sendFile`, `sendFromDirectory`, `safeJoin`.
 *
 * @example
 * ```ts
 * import { sendFile, sendFromDirectory, safeJoin } from './static/index.ts'
 * ```
 */
export { safeJoin } from './safe-join.ts'
export { sendFile, type SendFileOptions, type SendFileSource, type MaxAge } from './send-file.ts'
export { sendFromDirectory, type SendFromDirectoryOptions } from './send-from-directory.ts'
