/**
 * `abort`: stop a request with an HTTP error or a response (Werkzeug's
 * `abort`, beside the exception classes it raises).
 *
 * @module
 */
import { HTTPException, httpException } from './exceptions.ts'
import { Response } from './response.ts'

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

