/**
 * File names for storage: the extension, lower-cased extensions, and the
 * secure name a stored upload gets.
 */
import { secureFilename } from 'phial'

/**
 * The extension of a file name, lower case, without the dot: `''` for
 * `README` and for a dot-file such as `.bashrc` (Flask-Reuploaded's `extension`).
 *
 * @example
 * ```ts
 * extension('archive.tar.GZ') // 'gz'
 * extension('.bashrc')        // ''
 * ```
 */
export function extension(filename: string): string {
  const base = filename.slice(Math.max(filename.lastIndexOf('/'), filename.lastIndexOf('\\')) + 1)
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : ''
}

/**
 * The name with its extension lower-cased (`PHOTO.JPG` → `PHOTO.jpg`).
 *
 * @example
 * ```ts
 * lowercaseExt('ARCHIVE.TAR.GZ') // 'ARCHIVE.TAR.gz'
 * ```
 */
export function lowercaseExt(filename: string): string {
  const dot = filename.lastIndexOf('.')
  return dot > 0 ? filename.slice(0, dot) + filename.slice(dot).toLowerCase() : filename
}

/**
 * The name an upload is stored under: `secureFilename` (no directories, no
 * `..`, ASCII only, no null bytes), extension in lower case. A name whose
 * every letter was dropped (`写真.png`) becomes `upload.png`; `''` when
 * nothing usable is left.
 *
 * @example
 * ```ts
 * storedName('../../etc/passwd.TXT') // 'etc_passwd.txt'
 * storedName('写真.png')             // 'upload.png'
 * ```
 */
export function storedName(filename: string): string {
  const secured = lowercaseExt(secureFilename(filename))
  const ext = extension(secureFilename(`x.${extension(filename)}`))
  if (secured === '' || (ext !== '' && secured.toLowerCase() === ext)) return ext !== '' ? `upload.${ext}` : ''
  return secured
}
