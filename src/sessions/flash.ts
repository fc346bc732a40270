/**
 * Flask's helper functions: `abort`, `afterThisRequest`, `flash` and
 * `getFlashedMessages` (`urlFor`, `redirect`, `jsonify` and `makeResponse`
 * live beside the code they wrap).
 */
import { currentContext } from '../core/context.ts'
import { HTTPException, httpException } from '../http/exceptions.ts'
import { Response } from '../http/response.ts'
import { messageFlashed } from '../signals.ts'
import type { AfterRequestHook } from '../core/types.ts'

/**
 * Stops the request with an HTTP error (rendered as an HTML page, or JSON
 * for a JSON client, unless an error handler answers), or with a response.
 *
 * @example
 * ```ts
 * const post = posts.get(id) ?? abort(404)
 * if (post.authorId !== g.user.id) abort(403, 'Not your post.')
 * abort(new Response('Teapot', { status: 418 }))
 * ```
 */
export function abort(codeOrResponse: number | Response, description?: string): never {
  if (codeOrResponse instanceof Response) {
    const err = new HTTPException(description, { response: codeOrResponse })
    err.code = codeOrResponse.status
    throw err
  }
  throw httpException(codeOrResponse, description)
}

/**
 * Registers a function to change this request's response (Flask's
 * `after_this_request`).
 *
 * @example
 * ```ts
 * app.get('/', function index() {
 *   afterThisRequest((res) => { res.setCookie('visited', '1') })
 *   return 'Hello'
 * })
 * ```
 */
export function afterThisRequest<F extends AfterRequestHook>(fn: F): F {
  const ctx = currentContext()
  ;(ctx.afterThisRequest ??= []).push(fn as unknown as (r: Response) => Response | void)
  return fn
}

const FLASHES = '_flashes'

/**
 * Stores a message for the next page (Flask's `flash`): in the session, so
 * the app needs a `SECRET_KEY`.
 *
 * @example
 * ```ts
 * flash('Post created.')
 * flash('Incorrect password.', 'error')
 * ```
 */
export function flash(message: string, category = 'message'): void {
  const ctx = currentContext()
  const session = ctx.session
  const flashes = ((session.get(FLASHES) as Array<[string, string]> | undefined) ?? []).slice()
  flashes.push([category, message])
  session.set(FLASHES, flashes)
  if (messageFlashed.receiversCount > 0) messageFlashed.send(ctx.app, { message, category })
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
