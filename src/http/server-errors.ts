/**
 * The 5xx errors (Werkzeug's classes of the same names): the server failed.
 *
 * @module
 */
import { HTTPException, retryAfterHeader, type HTTPExceptionOptions, type RetryAfterOptions } from './http-exception.ts'

/**
 * 500: an unexpected error; the app wraps unhandled errors in one and keeps
 * the original as `originalError`.
 *
 * @example
 * ```ts
 * new InternalServerError(undefined, { originalError: err })
 * ```
 */
export class InternalServerError extends HTTPException {
  static override code = 500
  static override description =
    'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.'

  /** The error that was not handled, when there is one. */
  originalError: unknown

  constructor(description?: string | null, options?: HTTPExceptionOptions & { originalError?: unknown }) {
    const original = options?.originalError
    super(description, original !== undefined && options && !('cause' in options) ? { ...options, cause: original } : options)
    this.originalError = original ?? null
  }
}

/**
 * 501: the server does not implement this.
 */
export class NotImplemented extends HTTPException {
  static override code = 501
  static override description = 'The server does not support the action requested by the browser.'
}

/**
 * 502: an upstream server answered badly.
 */
export class BadGateway extends HTTPException {
  static override code = 502
  static override description = 'The proxy server received an invalid response from an upstream server.'
}

/**
 * 503: down for maintenance or overloaded; `retryAfter` becomes `Retry-After`.
 *
 * @example
 * ```ts
 * throw new ServiceUnavailable(undefined, { retryAfter: 120 })
 * ```
 */
export class ServiceUnavailable extends HTTPException {
  static override code = 503
  static override description =
    'The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.'

  /** Seconds or a date, sent as `Retry-After`. */
  retryAfter: number | Date | null

  constructor(description?: string | null, options?: RetryAfterOptions) {
    super(description, options)
    this.retryAfter = options?.retryAfter ?? null
  }

  override getHeaders(): Record<string, string> {
    return retryAfterHeader(this.retryAfter)
  }
}

/**
 * 504: an upstream server timed out.
 */
export class GatewayTimeout extends HTTPException {
  static override code = 504
  static override description = 'The connection to an upstream server timed out.'
}

/**
 * 505: the HTTP version is not supported.
 */
export class HTTPVersionNotSupported extends HTTPException {
  static override code = 505
  static override description = 'The server does not support the HTTP protocol version used in the request.'
}
