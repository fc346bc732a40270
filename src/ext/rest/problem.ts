/**
 * Errors as RFC 9457 problem details (`application/problem+json`), the one
 * JSON error format of `phial/rest`.
 */
import { HTTPException, Response, statusTitle } from 'phial'

/**
 * Where a field error was found.
 *
 * @example
 * ```ts
 * const where: FieldLocation = 'query'
 * ```
 */
export type FieldLocation = 'body' | 'form' | 'query' | 'path' | 'headers'

/**
 * One invalid field: where (`location`), which (`path` as keys, `pointer`
 * as an RFC 6901 JSON pointer into that location), and why (`message`,
 * and the library's `code` when it gives one).
 *
 * @example
 * ```ts
 * const e: FieldError = { location: 'body', path: ['tags', 3], pointer: '/tags/3', message: 'Too big: expected array to have <=3 items', code: 'too_big' }
 * ```
 */
export interface FieldError {
  location: FieldLocation
  path: Array<string | number>
  pointer: string
  message: string
  code?: string
}

/**
 * An RFC 9457 problem details object.
 *
 * @example
 * ```ts
 * const p: ProblemDetails = { type: 'about:blank', title: 'Not Found', status: 404, detail: 'No todo 7.' }
 * ```
 */
export interface ProblemDetails {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  errors?: FieldError[]
  [extension: string]: unknown
}

/** The media type of problem details. */
export const PROBLEM_JSON = 'application/problem+json'

/**
 * The JSON pointer of a path (`['a', 0, 'b/c']` → `/a/0/b~1c`).
 *
 * @example
 * ```ts
 * jsonPointer(['tags', 3]) // '/tags/3'
 * ```
 */
export function jsonPointer(path: ReadonlyArray<string | number>): string {
  return path.map((k) => '/' + String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('')
}

/**
 * An HTTP error whose response is a problem details document; throw it from
 * a resource (or any view) for an error with a body of your own.
 *
 * @example
 * ```ts
 * throw new ApiError(409, { detail: 'A todo with this title exists.', title: 'Duplicate' })
 * ```
 */
export class ApiError extends HTTPException {
  /** The document sent. */
  readonly problem: ProblemDetails

  constructor(status: number, problem: Partial<ProblemDetails> = {}) {
    const title = problem.title ?? statusTitle(status)
    super(problem.detail ?? title)
    this.code = status
    this.problem = { type: 'about:blank', title, status, ...problem }
    this.response = problemResponse(this.problem)
  }
}

/**
 * A request that failed validation: 422 (or `REST_VALIDATION_STATUS`) with
 * every field error in `errors`.
 *
 * @example
 * ```ts
 * app.errorHandler(RequestValidationError, (e) => [{ invalid: e.errors.map((f) => f.pointer) }, e.code])
 * ```
 */
export class RequestValidationError extends ApiError {
  /** The field errors, in the order found. */
  readonly errors: FieldError[]

  constructor(errors: FieldError[], status = 422) {
    const n = errors.length
    super(status, {
      detail: `The request has ${n} invalid field${n === 1 ? '' : 's'}.`,
      errors,
    })
    this.errors = errors
  }
}

/**
 * The problem details of any HTTP error.
 *
 * @example
 * ```ts
 * problemOf(new NotFound()) // { type: 'about:blank', title: 'Not Found', status: 404, detail: 'The requested URL was not found…' }
 * ```
 */
export function problemOf(error: HTTPException): ProblemDetails {
  if (error instanceof ApiError) return error.problem
  return { type: 'about:blank', title: statusTitle(error.code), status: error.code, detail: error.description }
}

/**
 * A response carrying a problem details document (and the error's own
 * headers, such as `Allow` for a 405).
 *
 * @example
 * ```ts
 * problemResponse({ type: 'about:blank', title: 'Gone', status: 410 })
 * ```
 */
export function problemResponse(problem: ProblemDetails, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), { status: problem.status, headers, contentType: PROBLEM_JSON })
}
