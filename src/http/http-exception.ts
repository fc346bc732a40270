/**
 * `HTTPException`, the base of Werkzeug's HTTP errors: a status, a
 * description, extra headers, and the error page it renders (HTML, or JSON
 * for a client that wants JSON).
 *
 * @module
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

export function retryAfterHeader(retryAfter: number | Date | null): Record<string, string> {
  if (retryAfter === null) return {}
  return { 'Retry-After': retryAfter instanceof Date ? httpDate(retryAfter) : String(Math.max(0, Math.floor(retryAfter))) }
}

