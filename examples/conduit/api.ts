/**
 * The Conduit API object: phial/rest's `Api` under `/api`, answering every
 * error in the RealWorld format `{"errors": {"body": ["…"]}}` instead of
 * RFC 9457 problem details (validation errors stay 422).
 */
import { HTTPException, Response, type Phial } from 'phial'
import { Api, RequestValidationError } from 'phial/rest'

interface Operation {
  operationId: string
  security?: unknown[]
  responses: Record<string, { description: string; content?: Record<string, unknown> }>
}

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
  /** Operations that need a token (`security: [{ Token: [] }]`) or take one optionally. */
  readonly security = new Map<string, 'required' | 'optional'>()

  /**
   * The document, with what phial/rest cannot derive yet: each operation's
   * `security`, and errors as `GenericErrorModel` rather than problem details.
   */
  override openapi(app: Phial): Record<string, unknown> {
    const doc = super.openapi(app) as { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } }
    const error = { description: 'Unexpected error', content: { 'application/json': { schema: { $ref: '#/components/schemas/GenericErrorModel' } } } }
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        const needs = this.security.get(op.operationId)
        if (needs) op.security = needs === 'required' ? [{ Token: [] }] : [{}, { Token: [] }]
        for (const [status, response] of Object.entries(op.responses)) {
          if (status === 'default' || (Number(status) >= 400 && response.content?.['application/problem+json'])) {
            op.responses[status] = status === '401' ? { description: 'Unauthorized', content: error.content } : error
          }
        }
      }
    }
    delete doc.components.schemas.ProblemDetails
    return doc
  }

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

// which operations take a token (the document's `security`; the guards themselves are on the resources)
for (const id of ['GetCurrentUser', 'UpdateCurrentUser', 'FollowUserByUsername', 'UnfollowUserByUsername', 'GetArticlesFeed', 'CreateArticle', 'UpdateArticle', 'DeleteArticle', 'CreateArticleComment', 'DeleteArticleComment', 'CreateArticleFavorite', 'DeleteArticleFavorite']) {
  api.security.set(id, 'required')
}
for (const id of ['GetProfileByUsername', 'GetArticles', 'GetArticle', 'GetArticleComments']) api.security.set(id, 'optional')
