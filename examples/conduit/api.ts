/**
 * The Conduit API object: phial/rest's `Api` under `/api`, answering every
 * error in the RealWorld format `{"errors": {"body": ["…"]}}` instead of
 * RFC 9457 problem details (validation errors stay 422).
 */
import { HTTPException, Response } from 'phial'
import { Api, RequestValidationError } from 'phial/rest'

/** The messages of an error: one per invalid field (`user.email: Invalid email address`), or its description. */
export function errorMessages(err: HTTPException): string[] {
  if (err instanceof RequestValidationError) {
    return err.errors.map((e) => (e.path.length > 0 ? `${e.path.join('.')}: ${e.message}` : e.message))
  }
  return [err.description ?? String(err.code)]
}

/**
 * `Api` with RealWorld's error body. `errorResponse` is the one place
 * phial/rest turns an HTTP error into a response — errors raised by handlers
 * and the app-wide fallback (404 under `/api`, 405, 413, malformed JSON) —
 * so overriding it changes them all.
 *
 * @example
 * ```ts
 * const api = new ConduitApi(null, { prefix: '/api' })
 * api.errorResponse(new NotFound('Article not found.')).status   // 404, {"errors":{"body":["Article not found."]}}
 * ```
 */
export class ConduitApi extends Api {
  override errorResponse(err: HTTPException): Response {
    const headers = err.getHeaders()
    delete headers['Content-Type']
    delete headers['content-type']
    return new Response(JSON.stringify({ errors: { body: errorMessages(err) } }), {
      status: err.code,
      headers,
      mimetype: 'application/json',
    })
  }
}

export const api = new ConduitApi(null, {
  prefix: '/api',
  title: 'Conduit API',
  version: '1.0.0',
  description: 'The RealWorld "Conduit" API (a Medium clone), built with Phial.',
  openapi: {
    components: {
      securitySchemes: {
        Token: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description: "Send the token from /users or /users/login as 'Authorization: Token <jwt>'.",
        },
      },
    },
  },
})
