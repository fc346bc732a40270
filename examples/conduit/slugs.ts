/**
 * Article slugs: the title in lower case with dashes (`How to train your
 * dragon` → `how-to-train-your-dragon`), made unique with a short suffix.
 */
import { randomBytes } from 'node:crypto'

/**
 * The slug of a title: ASCII letters and digits, accents dropped, runs of
 * anything else as one dash; `article` when nothing is left.
 *
 * @example
 * ```ts
 * slugify('Crème brûlée, 2nd try!')   // 'creme-brulee-2nd-try'
 * ```
 */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 200)
    .replace(/-+$/, '')
  return slug || 'article'
}

/** A slug of `title` with a random suffix, for when the plain one is taken. @example suffixedSlug('Hi') // 'hi-3f9a1c' */
export function suffixedSlug(title: string): string {
  return `${slugify(title)}-${randomBytes(3).toString('hex')}`
}
