/**
 * Message flashing (Flask's `flash` and `get_flashed_messages`): messages
 * stored in the session for the next page.
 *
 * @module
 */
import { currentContext } from '../core/context.ts'
import { messageFlashed } from '../signals.ts'

const FLASHES = '_flashes'

/**
 * Stores a message for the next page (Flask's `flash`): in the session, so
 * the app needs a `SECRET_KEY`. A `Markup` message comes back as `Markup`
 * from {@link getFlashedMessages} (the session keeps its type), so the
 * template prints its HTML unescaped.
 *
 * @example
 * ```ts
 * flash('Post created.')
 * flash('Incorrect password.', 'error')
 * flash(new Markup(`Saved. <a href="${url}">Undo</a>`))
 * ```
 */
export function flash(message: string | { __html__(): string }, category = 'message'): void {
  const ctx = currentContext()
  const session = ctx.session
  const flashes = ((session.get(FLASHES) as Array<readonly [string, string]> | undefined) ?? []).slice()
  // a frozen pair is a tuple in the tagged session JSON, as Flask stores it: Flask apps read Phial's flashes and back
  flashes.push(Object.freeze([category, message as string] as [string, string]))
  session.set(FLASHES, flashes)
  if (messageFlashed.receiversCount > 0) messageFlashed.send(ctx.app, { message: message as string, category })
}

/**
 * Options of {@link getFlashedMessages}.
 *
 * @example
 * ```ts
 * getFlashedMessages({ withCategories: true, categoryFilter: ['error'] }) // [['error', 'Wrong password.']]
 * ```
 */
export interface FlashOptions {
  /** Return `[category, message]` pairs instead of messages. */
  withCategories?: boolean
  /** Only these categories. */
  categoryFilter?: readonly string[]
}

/**
 * The flashed messages, removed from the session on first read in a request
 * (Flask's `get_flashed_messages`).
 *
 * @example
 * ```ts
 * getFlashedMessages()                              // ['Post created.']
 * getFlashedMessages({ withCategories: true })      // [['message', 'Post created.']]
 * getFlashedMessages({ categoryFilter: ['error'] }) // ['Incorrect password.']
 * ```
 */
export function getFlashedMessages(options: { withCategories: true; categoryFilter?: readonly string[] }): Array<[string, string]>
export function getFlashedMessages(options?: { withCategories?: false; categoryFilter?: readonly string[] }): string[]
export function getFlashedMessages(options: FlashOptions = {}): string[] | Array<[string, string]> {
  const ctx = currentContext()
  let flashes = ctx.g.get<Array<[string, string]> | undefined>('_flashes')
  if (flashes === undefined) {
    const session = ctx.session
    flashes = session.has(FLASHES) ? ((session.pop(FLASHES) as Array<[string, string]> | undefined) ?? []) : []
    ctx.g._flashes = flashes
  }
  if (options.categoryFilter) flashes = flashes.filter(([c]) => options.categoryFilter!.includes(c))
  return options.withCategories ? flashes.map(([c, m]) => [c, m] as [string, string]) : flashes.map(([, m]) => m)
}
