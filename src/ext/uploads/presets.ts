/**
 * Extension presets (Flask-Reuploaded's `IMAGES`, `DOCUMENTS`, …) and the
 * `ALL` / `allExcept()` sets.
 */

/** Something that says whether it contains an extension (a list, a Set, `ALL`, `allExcept(...)`). */
export type ExtensionSet = Iterable<string> | { has(ext: string): boolean }

/** Archives: gz bz2 zip tar tgz txz 7z. */
export const ARCHIVES = Object.freeze(['gz', 'bz2', 'zip', 'tar', 'tgz', 'txz', '7z'])
/** Audio: wav mp3 aac ogg oga flac. */
export const AUDIO = Object.freeze(['wav', 'mp3', 'aac', 'ogg', 'oga', 'flac'])
/** Structured data: csv ini json plist xml yaml yml. */
export const DATA = Object.freeze(['csv', 'ini', 'json', 'plist', 'xml', 'yaml', 'yml'])
/** Office documents: rtf odf ods gnumeric abw doc docx xls xlsx pdf. */
export const DOCUMENTS = Object.freeze(['rtf', 'odf', 'ods', 'gnumeric', 'abw', 'doc', 'docx', 'xls', 'xlsx', 'pdf'])
/** Executables and shared libraries: so exe dll (for `allExcept`). */
export const EXECUTABLES = Object.freeze(['so', 'exe', 'dll'])
/** Images browsers show: jpg jpe jpeg png gif svg bmp webp. */
export const IMAGES = Object.freeze(['jpg', 'jpe', 'jpeg', 'png', 'gif', 'svg', 'bmp', 'webp'])
/** Scripts: js php pl py rb sh (for `allExcept`). */
export const SCRIPTS = Object.freeze(['js', 'php', 'pl', 'py', 'rb', 'sh'])
/** Plain text: txt. */
export const TEXT = Object.freeze(['txt'])
/** The default of an upload set: TEXT + DOCUMENTS + IMAGES + DATA. */
export const DEFAULTS = Object.freeze([...TEXT, ...DOCUMENTS, ...IMAGES, ...DATA])

/**
 * Every extension (Flask-Reuploaded's `ALL`).
 *
 * @example
 * ```ts
 * new UploadSet('anything', { extensions: ALL })
 * ```
 */
export const ALL: { has(ext: string): boolean } = Object.freeze({ has: () => true })

/**
 * Every extension but these (Flask-Reuploaded's `AllExcept`).
 *
 * @example
 * ```ts
 * new UploadSet('files', { extensions: allExcept([...SCRIPTS, ...EXECUTABLES]) })
 * ```
 */
export function allExcept(extensions: Iterable<string>): { has(ext: string): boolean } {
  const denied = new Set([...extensions].map((e) => e.toLowerCase()))
  return Object.freeze({ has: (ext: string) => !denied.has(ext.toLowerCase()) })
}

/** `has()` for any {@link ExtensionSet}. */
export function extensionSetHas(set: ExtensionSet, ext: string): boolean {
  if (typeof (set as { has?: unknown }).has === 'function') return (set as { has(e: string): boolean }).has(ext)
  for (const item of set as Iterable<string>) if (item.toLowerCase() === ext) return true
  return false
}

/** The extensions a set lists, for messages; null for `ALL` / `allExcept`. */
export function listed(set: ExtensionSet): string[] | null {
  if (typeof (set as { has?: unknown }).has === 'function' && !(set instanceof Set)) return null
  return [...(set as Iterable<string>)]
}
