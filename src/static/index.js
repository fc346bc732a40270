/**
 * Static files and file sending: `sendFile`, `sendFromDirectory`, `safeJoin`.
 *
 * @example
 * ```ts
 * import { sendFile, sendFromDirectory, safeJoin } from './static/index.ts'
 * ```
 */
export { safeJoin } from "./safe-join.js";
export { sendFile } from "./send-file.js";
export { sendFromDirectory } from "./send-from-directory.js";
