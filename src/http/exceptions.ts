/**
 * Werkzeug's HTTP exceptions: throw one (or call `abort`) anywhere in a view
 * or hook and the app answers with its status, headers and an error page —
 * HTML, or JSON for a client that wants JSON.
 */
import { escapeHtml } from './escape.ts'
import { Response } from './response.ts'

/** Werkzeug's reason phrases for the error statuses (its `HTTP_STATUS_CODES`). */
const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  407: 'Proxy Authentication Required',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Request Entity Too Large',
  414: 'Request URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Requested Range Not Satisfiable',
  417: 'Expectation Failed',
  418: "I'm a teapot",
  421: 'Misdirected Request',
  422: 'Unprocessable Entity',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  426: 'Upgrade Required',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  449: 'Retry With',
  451: 'Unavailable For Legal Reasons',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
  506: 'Variant Also Negotiates',
  507: 'Insufficient Storage',
  508: 'Loop Detected',
  510: 'Not Extended',
  511: 'Network Authentication Failed',
}

/**
 * The reason phrase Werkzeug uses for a status (`'Not Found'`), or
 * `'Unknown Error'`.
 *
 * @example
 * ```ts
 * statusTitle(413) // 'Request Entity Too Large'
 * ```
 */
export function statusTitle(code: number): string {
  return TITLES[code] ?? 'Unknown Error'
}

/**
 * Options every {@link HTTPException} constructor accepts.
 *
 * @example
 * ```ts
 * throw new BadRequest('Bad date.', { cause: err })
 * ```
 */
export interface HTTPExceptionOptions {
  /** Send this response as is instead of the error page (`abort(response)`). */
  response?: Response | null
  /** The error that led to this one. */
  cause?: unknown
}

function httpDate(date: Date): string {
  return date.toUTCString()
}

/**
 * The base of every HTTP error. Subclasses set a static `code` and
 * `description`; an instance may override both. `name` is the HTTP title
 * (`'Not Found'`).
 *
 * @example
 * ```ts
 * throw new NotFound('No post with id 42.')
 * // a custom error with its own page
 * class PaymentRequired extends HTTPException {
 *   static override code = 402
 *   static override description = 'Please top up your account.'
 * }
 * ```
 */
export class HTTPException extends Error {
  /** The status of the class; null on the base class itself. */
  static code: number | null = null
  /** The default description of the class (plain text; HTML-escaped in the page). */
  static description = ''

  /** The status code of this error. */
  code: number
  /** The explanation shown on the error page. */
  description: string
  /** When set (`abort(response)`), this response is sent as is. */
  response: Response | null

  constructor(description?: string | null, options?: HTTPExceptionOptions) {
    const cls = new.target as typeof HTTPException
    const text = description ?? cls.description
    super(text, options && 'cause' in options ? { cause: options.cause } : undefined)
    this.description = text
    this.response = options?.response ?? null
    this.code = cls.code ?? this.response?.status ?? 500
  }

  /** The HTTP title of the status (`'Not Found'`); it is also what stack traces show. */
  override get name(): string {
    return statusTitle(this.code)
  }

  /**
   * The headers the error adds (`Allow`, `Retry-After`, `WWW-Authenticate`,
   * `Content-Range`); the content type comes from {@link getBody}.
   *
   * @example
   * ```ts
   * new MethodNotAllowed(['GET', 'HEAD']).getHeaders() // { Allow: 'GET, HEAD' }
   * ```
   */
  getHeaders(): Record<string, string> {
    return {}
  }

  /**
   * The error page: Werkzeug's HTML page, or `{"code", "name", "description"}`
   * as JSON.
   *
   * @example
   * ```ts
   * new NotFound().getBody(true).body // '{"code":404,"name":"Not Found","description":"The requested URL ..."}'
   * ```
   */
  getBody(wantsJson: boolean): { body: string; contentType: string } {
    if (wantsJson) {
      return {
        body: JSON.stringify({ code: this.code, name: this.name, description: this.description }),
        contentType: 'application/json',
      }
    }
    const title = escapeHtml(this.name)
    const description = escapeHtml(this.description).replace(/\n/g, '<br>')
    return {
      body:
        '<!doctype html>\n<html lang=en>\n' +
        `<title>${this.code} ${title}</title>\n` +
        `<h1>${title}</h1>\n` +
        `<p>${description}</p>\n`,
      contentType: 'text/html; charset=utf-8',
    }
  }

  /**
   * The response to send: {@link response} when set, else the error page with
   * the status and headers.
   *
   * @example
   * ```ts
   * const res = new NotFound().toResponse(request.wantsJson)
   * ```
   */
  toResponse(wantsJson = false): Response {
    if (this.response !== null) return this.response
    const { body, contentType } = this.getBody(wantsJson)
    return new Response(body, { status: this.code, headers: this.getHeaders(), contentType })
  }
}

// ------------------------------------------------------------------ 4xx

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
 *
 * @example
 * ```ts
 * throw new RequestTimeout()
 * ```
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
 *
 * @example
 * ```ts
 * throw new Gone()
 * ```
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
 *
 * @example
 * ```ts
 * throw new PreconditionFailed()
 * ```
 */
export class PreconditionFailed extends HTTPException {
  static override code = 412
  static override description = 'The precondition on the request for the URL failed positive evaluation.'
}

/**
 * 413: the body is larger than `MAX_CONTENT_LENGTH`, a form field larger than
 * `MAX_FORM_MEMORY_SIZE`, or there are more than `MAX_FORM_PARTS` parts.
 *
 * @example
 * ```ts
 * throw new RequestEntityTooLarge()
 * ```
 */
export class RequestEntityTooLarge extends HTTPException {
  static override code = 413
  static override description = 'The data value transmitted exceeds the capacity limit.'
}

/**
 * 414: the URL is too long.
 *
 * @example
 * ```ts
 * throw new RequestURITooLarge()
 * ```
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
 *
 * @example
 * ```ts
 * throw new ExpectationFailed()
 * ```
 */
export class ExpectationFailed extends HTTPException {
  static override code = 417
  static override description = 'The server could not meet the requirements of the Expect header'
}

/**
 * 418: the server is a teapot.
 *
 * @example
 * ```ts
 * app.get('/coffee', () => { throw new ImATeapot() })
 * ```
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
 *
 * @example
 * ```ts
 * throw new Locked()
 * ```
 */
export class Locked extends HTTPException {
  static override code = 423
  static override description = 'The resource that is being accessed is locked.'
}

/**
 * 424: the request depended on another action that failed.
 *
 * @example
 * ```ts
 * throw new FailedDependency()
 * ```
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
 * Options of the errors that can say when to retry (429, 503).
 *
 * @example
 * ```ts
 * const options: RetryAfterOptions = { retryAfter: new Date(Date.now() + 60_000) }
 * ```
 */
export interface RetryAfterOptions extends HTTPExceptionOptions {
  /** Seconds to wait, or the date after which to retry (`Retry-After`). */
  retryAfter?: number | Date | null
}

function retryAfterHeader(retryAfter: number | Date | null): Record<string, string> {
  if (retryAfter === null) return {}
  return { 'Retry-After': retryAfter instanceof Date ? httpDate(retryAfter) : String(Math.max(0, Math.floor(retryAfter))) }
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
 *
 * @example
 * ```ts
 * throw new RequestHeaderFieldsTooLarge()
 * ```
 */
export class RequestHeaderFieldsTooLarge extends HTTPException {
  static override code = 431
  static override description = 'One or more header fields exceeds the maximum size.'
}

/**
 * 451: unavailable for legal reasons.
 *
 * @example
 * ```ts
 * throw new UnavailableForLegalReasons()
 * ```
 */
export class UnavailableForLegalReasons extends HTTPException {
  static override code = 451
  static override description = 'Unavailable for legal reasons.'
}

// ------------------------------------------------------------------ 5xx

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
 *
 * @example
 * ```ts
 * throw new NotImplemented()
 * ```
 */
export class NotImplemented extends HTTPException {
  static override code = 501
  static override description = 'The server does not support the action requested by the browser.'
}

/**
 * 502: an upstream server answered badly.
 *
 * @example
 * ```ts
 * throw new BadGateway()
 * ```
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
 *
 * @example
 * ```ts
 * throw new GatewayTimeout()
 * ```
 */
export class GatewayTimeout extends HTTPException {
  static override code = 504
  static override description = 'The connection to an upstream server timed out.'
}

/**
 * 505: the HTTP version is not supported.
 *
 * @example
 * ```ts
 * throw new HTTPVersionNotSupported()
 * ```
 */
export class HTTPVersionNotSupported extends HTTPException {
  static override code = 505
  static override description = 'The server does not support the HTTP protocol version used in the request.'
}

// ------------------------------------------------------------- by code

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
