/**
 * Werkzeug's HTTP exceptions: throw one (or call `abort`) anywhere in a view
 * or hook and the app answers with its status, headers and an error page —
 * HTML, or JSON for a client that wants JSON. The base class, the 4xx and
 * the 5xx classes live in their own files; here is the lookup by status
 * code that `abort(code)` and `errorHandler(code)` use.
 *
 * @module
 */
import { HTTPException, type HTTPExceptionOptions } from './http-exception.ts'
import {
  BadRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  MethodNotAllowed,
  NotAcceptable,
  RequestTimeout,
  Conflict,
  Gone,
  LengthRequired,
  PreconditionFailed,
  RequestEntityTooLarge,
  RequestURITooLarge,
  UnsupportedMediaType,
  RequestedRangeNotSatisfiable,
  ExpectationFailed,
  ImATeapot,
  UnprocessableEntity,
  Locked,
  FailedDependency,
  PreconditionRequired,
  TooManyRequests,
  RequestHeaderFieldsTooLarge,
  UnavailableForLegalReasons,
} from './client-errors.ts'
import {
  InternalServerError,
  NotImplemented,
  BadGateway,
  ServiceUnavailable,
  GatewayTimeout,
  HTTPVersionNotSupported,
} from './server-errors.ts'

export { HTTPException, statusTitle, type HTTPExceptionOptions, type RetryAfterOptions } from './http-exception.ts'
export * from './client-errors.ts'
export { BadRequestKeyError } from './bad-request-key.ts'
export * from './server-errors.ts'

/**
 * An HTTP exception class (any constructor signature), as
 * {@link exceptionForCode} returns; error handlers may be keyed by one.
 *
 * @example
 * ```ts
 * const cls: HTTPExceptionClass | undefined = exceptionForCode(404)
 * cls?.code // 404
 * ```
 */
export type HTTPExceptionClass = (abstract new (...args: never[]) => HTTPException) & {
  code: number | null
  description: string
}

const BY_CODE = new Map<number, HTTPExceptionClass>()
for (const cls of [
  BadRequest, Unauthorized, Forbidden, NotFound, MethodNotAllowed, NotAcceptable, RequestTimeout, Conflict, Gone,
  LengthRequired, PreconditionFailed, RequestEntityTooLarge, RequestURITooLarge, UnsupportedMediaType,
  RequestedRangeNotSatisfiable, ExpectationFailed, ImATeapot, UnprocessableEntity, Locked, FailedDependency,
  PreconditionRequired, TooManyRequests, RequestHeaderFieldsTooLarge, UnavailableForLegalReasons,
  InternalServerError, NotImplemented, BadGateway, ServiceUnavailable, GatewayTimeout, HTTPVersionNotSupported,
] as HTTPExceptionClass[]) {
  BY_CODE.set(cls.code as number, cls)
}

/**
 * The exception class of a status code (`NotFound` for 404), or undefined.
 *
 * @example
 * ```ts
 * exceptionForCode(404) === NotFound // true
 * exceptionForCode(402)              // undefined (no class; see httpException)
 * ```
 */
export function exceptionForCode(code: number): HTTPExceptionClass | undefined {
  return BY_CODE.get(code)
}

/**
 * Builds the exception for a status code (what `abort(code)` throws): the
 * class from {@link exceptionForCode}, or a plain {@link HTTPException} with
 * that code for a 4xx/5xx status without a class (402, 507…). Any other code
 * is an Error (Werkzeug's `LookupError`: there is no exception for it).
 *
 * @example
 * ```ts
 * throw httpException(404, 'No such user.')
 * throw httpException(402) // HTTPException with code 402, name 'Payment Required'
 * ```
 */
export function httpException(code: number, description?: string | null, options?: HTTPExceptionOptions): HTTPException {
  const cls = BY_CODE.get(code)
  if (cls === MethodNotAllowed) return new MethodNotAllowed(null, description, options)
  if (cls !== undefined) {
    return new (cls as unknown as new (d?: string | null, o?: HTTPExceptionOptions) => HTTPException)(description, options)
  }
  if (!Number.isInteger(code) || code < 400 || code > 599) {
    throw new Error(
      `No HTTP exception for status ${code}: abort() takes an error status (400-599) or a Response (a redirect is return redirect(...)).`,
    )
  }
  const error = new HTTPException(description, options)
  error.code = code
  return error
}
