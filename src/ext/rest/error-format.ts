/**
 * An `Api`'s error format: RFC 9457 problem details by default, or a body
 * of the API's own (RealWorld's `{"errors": {"body": [...]}}`, JSON:API's
 * `{"errors": [...]}`) made from the same problem details — for every
 * error of the Api, and documented as every error response.
 */
import { Response, type HTTPException } from 'phial'
import { PROBLEM_JSON, problemOf, problemResponse, type ProblemDetails } from './problem.ts'
import type { AnySchema } from './schema.ts'

/**
 * How an `Api` writes its errors (its `errors` option): a function of the
 * error's problem details (with `errors`, the field errors, for a failed
 * validation) to the body, the body's schema for the OpenAPI document, and
 * its media type.
 *
 * @example
 * ```ts
 * const GenericError = z.object({ errors: z.object({ body: z.array(z.string()) }) }).meta({ id: 'GenericErrorModel' })
 * const realWorld: ErrorFormat = {
 *   schema: GenericError,
 *   render: (problem) => ({ errors: { body: problem.errors?.map((e) => `${e.path.join('.')}: ${e.message}`) ?? [problem.detail ?? problem.title] } }),
 * }
 * const api = new Api(app, { errors: realWorld })
 * ```
 */
export interface ErrorFormat {
  /** The body of an error response, from its problem details and the error itself. */
  render(problem: ProblemDetails, error: HTTPException): unknown
  /** The body's schema (a Standard Schema with a JSON Schema, or a JSON Schema): every error response of the document has it. */
  schema?: AnySchema | Record<string, unknown>
  /** The name of the schema under `components.schemas` (default: its `id`/`title`, else `Error`). */
  name?: string
  /** The body's media type. Default `application/json`. */
  mediatype?: string
}

/**
 * The response of an HTTP error in an Api's format (problem details
 * without one). The error's own headers are kept (`Allow` of a 405,
 * `WWW-Authenticate` of a 401), but not its Content-Type.
 *
 * @example
 * ```ts
 * errorResponseOf(new NotFound('No todo 7.'), realWorld).status // 404
 * ```
 */
export function errorResponseOf(err: HTTPException, format: ErrorFormat | null): Response {
  if (format === null) return problemResponse(problemOf(err), err.getHeaders())
  const headers = err.getHeaders()
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-type') delete headers[key]
  const body = format.render(problemOf(err), err)
  return new Response(JSON.stringify(body), { status: err.code, headers, mimetype: format.mediatype ?? 'application/json' })
}

/** The media type of an Api's errors. @example errorMediatype(null) // 'application/problem+json' */
export function errorMediatype(format: ErrorFormat | null): string {
  return format === null ? PROBLEM_JSON : (format.mediatype ?? 'application/json')
}
