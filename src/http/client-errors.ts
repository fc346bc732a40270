/**
 * The 4xx errors (Werkzeug's classes of the same names): the client sent a
 * request the app will not serve.
 *
 * @module
 */
import { HTTPException, retryAfterHeader, type HTTPExceptionOptions, type RetryAfterOptions } from './http-exception.ts'

/**
 * 400: the request could not be understood (malformed body, missing field).
 *
 * @example
 * ```ts
 * throw new BadRequest('The "email" field is required.')
 * ```
 */
export class BadRequest extends HTTPException {
  static override code = 400
  static override description = 'The browser (or proxy) sent a request that this server could not understand.'
}

/**
 * 400: the client went away while the body was being read. Nobody will see
 * the response; the error ends the request cleanly.
 *
 * @example
 * ```ts
 * try { await readBody(req, { limit: null }) } catch (e) { if (e instanceof ClientDisconnected) return }
 * ```
 */
export class ClientDisconnected extends BadRequest {}

/**
 * 401: authentication is needed; `wwwAuthenticate` becomes the
 * `WWW-Authenticate` header(s).
 *
 * @example
 * ```ts
 * throw new Unauthorized(undefined, { wwwAuthenticate: 'Basic realm="admin"' })
 * ```
 */
export class Unauthorized extends HTTPException {
  static override code = 401
  static override description =
    "The server could not verify that you are authorized to access the URL requested. You either supplied the wrong credentials (e.g. a bad password), or your browser doesn't understand how to supply the credentials required."

  /** The challenges sent as `WWW-Authenticate`. */
  wwwAuthenticate: string[]

  constructor(description?: string | null, options?: HTTPExceptionOptions & { wwwAuthenticate?: string | readonly string[] | null }) {
    super(description, options)
    const challenge = options?.wwwAuthenticate
    this.wwwAuthenticate = challenge == null ? [] : typeof challenge === 'string' ? [challenge] : [...challenge]
  }

  override getHeaders(): Record<string, string> {
    return this.wwwAuthenticate.length > 0 ? { 'WWW-Authenticate': this.wwwAuthenticate.join(', ') } : {}
  }
}

/**
 * 403: the user may not access the resource.
 *
 * @example
 * ```ts
 * if (!user.isAdmin) throw new Forbidden()
 * ```
 */
export class Forbidden extends HTTPException {
  static override code = 403
  static override description =
    "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server."
}

/**
 * 404: nothing at this URL.
 *
 * @example
 * ```ts
 * const post = posts.get(id) ?? abort(404)
 * ```
 */
export class NotFound extends HTTPException {
  static override code = 404
  static override description =
    'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.'
}

/**
 * 405: the URL exists but not for this method; `validMethods` becomes the
 * `Allow` header.
 *
 * @example
 * ```ts
 * throw new MethodNotAllowed(['GET', 'HEAD', 'OPTIONS'])
 * ```
 */
export class MethodNotAllowed extends HTTPException {
  static override code = 405
  static override description = 'The method is not allowed for the requested URL.'

  /** The methods the URL accepts. */
  validMethods: string[]

  constructor(validMethods?: Iterable<string> | null, description?: string | null, options?: HTTPExceptionOptions) {
    super(description, options)
    this.validMethods = validMethods == null ? [] : [...validMethods]
  }

  override getHeaders(): Record<string, string> {
    return this.validMethods.length > 0 ? { Allow: this.validMethods.join(', ') } : {}
  }
}

/**
 * 406: no representation matches the client's `Accept` headers.
 *
 * @example
 * ```ts
 * if (!request.accept.mimetypes.acceptJson) throw new NotAcceptable()
 * ```
 */
export class NotAcceptable extends HTTPException {
  static override code = 406
  static override description =
    'The resource identified by the request is only capable of generating response entities which have content characteristics not acceptable according to the accept headers sent in the request.'
}

/**
 * 408: the client took too long to send the request.
 */
export class RequestTimeout extends HTTPException {
  static override code = 408
  static override description =
    "The server closed the network connection because the browser didn't finish the request within the specified time."
}

/**
 * 409: the request conflicts with the current state of the resource.
 *
 * @example
 * ```ts
 * throw new Conflict('That username is taken.')
 * ```
 */
export class Conflict extends HTTPException {
  static override code = 409
  static override description =
    'A conflict happened while processing the request. The resource might have been modified while the request was being processed.'
}

/**
 * 410: the resource was here and is gone for good.
 */
export class Gone extends HTTPException {
  static override code = 410
  static override description =
    'The requested URL is no longer available on this server and there is no forwarding address. If you followed a link from a foreign page, please contact the author of this page.'
}

/**
 * 411: the request needs a `Content-Length`.
 *
 * @example
 * ```ts
 * if (request.contentLength === null) throw new LengthRequired()
 * ```
 */
export class LengthRequired extends HTTPException {
  static override code = 411
  static override description = 'A request with this method requires a valid Content-Length header.'
}

/**
 * 412: a conditional header (`If-Match`, …) did not hold.
 */
export class PreconditionFailed extends HTTPException {
  static override code = 412
  static override description = 'The precondition on the request for the URL failed positive evaluation.'
}

/**
 * 413: the body is larger than `MAX_CONTENT_LENGTH`, a form field larger than
 * `MAX_FORM_MEMORY_SIZE`, or there are more than `MAX_FORM_PARTS` parts.
 */
export class RequestEntityTooLarge extends HTTPException {
  static override code = 413
  static override description = 'The data value transmitted exceeds the capacity limit.'
}

/**
 * 414: the URL is too long.
 */
export class RequestURITooLarge extends HTTPException {
  static override code = 414
  static override description =
    'The length of the requested URL exceeds the capacity limit for this server. The request cannot be processed.'
}

/**
 * 415: the body's media type is not one the view handles.
 *
 * @example
 * ```ts
 * if (!request.isJson) throw new UnsupportedMediaType()
 * ```
 */
export class UnsupportedMediaType extends HTTPException {
  static override code = 415
  static override description = 'The server does not support the media type transmitted in the request.'
}

/**
 * 416: the `Range` cannot be served; with `length` the response carries
 * `Content-Range: bytes *\/<length>`.
 *
 * @example
 * ```ts
 * throw new RequestedRangeNotSatisfiable(undefined, { length: stat.size })
 * ```
 */
export class RequestedRangeNotSatisfiable extends HTTPException {
  static override code = 416
  static override description = 'The server cannot provide the requested range.'

  /** The full length of the resource, if known. */
  length: number | null
  /** The range unit (`bytes`). */
  units: string

  constructor(description?: string | null, options?: HTTPExceptionOptions & { length?: number | null; units?: string }) {
    super(description, options)
    this.length = options?.length ?? null
    this.units = options?.units ?? 'bytes'
  }

  override getHeaders(): Record<string, string> {
    return this.length === null ? {} : { 'Content-Range': `${this.units} */${this.length}` }
  }
}

/**
 * 417: the `Expect` header cannot be met.
 */
export class ExpectationFailed extends HTTPException {
  static override code = 417
  static override description = 'The server could not meet the requirements of the Expect header'
}

/**
 * 418: the server is a teapot.
 */
export class ImATeapot extends HTTPException {
  static override code = 418
  static override description = 'This server is a teapot, not a coffee machine'
}

/**
 * 422: well-formed but semantically invalid (failed validation).
 *
 * @example
 * ```ts
 * throw new UnprocessableEntity('"age" must be positive.')
 * ```
 */
export class UnprocessableEntity extends HTTPException {
  static override code = 422
  static override description = 'The request was well-formed but was unable to be followed due to semantic errors.'
}

/**
 * 423: the resource is locked.
 */
export class Locked extends HTTPException {
  static override code = 423
  static override description = 'The resource that is being accessed is locked.'
}

/**
 * 424: the request depended on another action that failed.
 */
export class FailedDependency extends HTTPException {
  static override code = 424
  static override description =
    'The method could not be performed on the resource because the requested action depended on another action and that action failed.'
}

/**
 * 428: the request must be conditional.
 *
 * @example
 * ```ts
 * if (!request.headers.get('If-Match')) throw new PreconditionRequired()
 * ```
 */
export class PreconditionRequired extends HTTPException {
  static override code = 428
  static override description =
    'This request is required to be conditional; try using "If-Match" or "If-Unmodified-Since".'
}

/**
 * 429: rate limited; `retryAfter` becomes the `Retry-After` header.
 *
 * @example
 * ```ts
 * throw new TooManyRequests(undefined, { retryAfter: 60 })
 * ```
 */
export class TooManyRequests extends HTTPException {
  static override code = 429
  static override description = 'This user has exceeded an allotted request count. Try again later.'

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
 * 431: the headers are too large.
 */
export class RequestHeaderFieldsTooLarge extends HTTPException {
  static override code = 431
  static override description = 'One or more header fields exceeds the maximum size.'
}

/**
 * 451: unavailable for legal reasons.
 */
export class UnavailableForLegalReasons extends HTTPException {
  static override code = 451
  static override description = 'Unavailable for legal reasons.'
}

// ------------------------------------------------------------------ 5xx
