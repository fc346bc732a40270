import { describe, expect, it } from 'vitest'
import * as ex from '../../src/http/exceptions.ts'
import {
  BadRequest,
  ClientDisconnected,
  HTTPException,
  InternalServerError,
  MethodNotAllowed,
  NotFound,
  RequestedRangeNotSatisfiable,
  ServiceUnavailable,
  TooManyRequests,
  Unauthorized,
  exceptionForCode,
  httpException,
} from '../../src/http/exceptions.ts'
import { Response } from '../../src/http/response.ts'

const TABLE: Array<[string, number, string]> = [
  ['BadRequest', 400, 'Bad Request'],
  ['Unauthorized', 401, 'Unauthorized'],
  ['Forbidden', 403, 'Forbidden'],
  ['NotFound', 404, 'Not Found'],
  ['MethodNotAllowed', 405, 'Method Not Allowed'],
  ['NotAcceptable', 406, 'Not Acceptable'],
  ['RequestTimeout', 408, 'Request Timeout'],
  ['Conflict', 409, 'Conflict'],
  ['Gone', 410, 'Gone'],
  ['LengthRequired', 411, 'Length Required'],
  ['PreconditionFailed', 412, 'Precondition Failed'],
  ['RequestEntityTooLarge', 413, 'Request Entity Too Large'],
  ['RequestURITooLarge', 414, 'Request URI Too Long'],
  ['UnsupportedMediaType', 415, 'Unsupported Media Type'],
  ['RequestedRangeNotSatisfiable', 416, 'Requested Range Not Satisfiable'],
  ['ExpectationFailed', 417, 'Expectation Failed'],
  ['ImATeapot', 418, "I'm a teapot"],
  ['UnprocessableEntity', 422, 'Unprocessable Entity'],
  ['Locked', 423, 'Locked'],
  ['FailedDependency', 424, 'Failed Dependency'],
  ['PreconditionRequired', 428, 'Precondition Required'],
  ['TooManyRequests', 429, 'Too Many Requests'],
  ['RequestHeaderFieldsTooLarge', 431, 'Request Header Fields Too Large'],
  ['UnavailableForLegalReasons', 451, 'Unavailable For Legal Reasons'],
  ['InternalServerError', 500, 'Internal Server Error'],
  ['NotImplemented', 501, 'Not Implemented'],
  ['BadGateway', 502, 'Bad Gateway'],
  ['ServiceUnavailable', 503, 'Service Unavailable'],
  ['GatewayTimeout', 504, 'Gateway Timeout'],
  ['HTTPVersionNotSupported', 505, 'HTTP Version Not Supported'],
]

describe('HTTP exceptions', () => {
  it.each(TABLE)('%s is %i %s', (className, code, title) => {
    const cls = (ex as unknown as Record<string, typeof HTTPException>)[className]
    expect(cls.code).toBe(code)
    expect(exceptionForCode(code)).toBe(cls)
    const err = httpException(code)
    expect(err).toBeInstanceOf(cls)
    expect(err).toBeInstanceOf(HTTPException)
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe(code)
    expect(err.name).toBe(title)
    expect(err.description).toBe(cls.description)
    expect(err.description.length).toBeGreaterThan(0)
    const res = err.toResponse()
    expect(res).toBeInstanceOf(Response)
    expect(res.status).toBe(code)
  })

  it("renders Werkzeug's HTML page", () => {
    const res = new NotFound().toResponse()
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.body).toBe(
      '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n' +
        '<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n',
    )
  })

  it('escapes the description in HTML and keeps line breaks', () => {
    const { body } = new BadRequest('<script>alert("x")</script>\nline2').getBody(false)
    expect(body).toContain('<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;<br>line2</p>')
    expect(body).not.toContain('<script>')
  })

  it('renders JSON for a JSON client', () => {
    const res = new NotFound('No post 42.').toResponse(true)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(res.body as string)).toEqual({ code: 404, name: 'Not Found', description: 'No post 42.' })
  })

  it('uses the HTTP title as name and the description as message', () => {
    const err = new NotFound('gone fishing')
    expect(err.name).toBe('Not Found')
    expect(err.message).toBe('gone fishing')
    expect(String(err)).toBe('Not Found: gone fishing')
    expect(err.stack).toContain('Not Found')
  })

  it('405 sends Allow', () => {
    const err = new MethodNotAllowed(['GET', 'HEAD'])
    expect(err.getHeaders()).toEqual({ Allow: 'GET, HEAD' })
    expect(err.toResponse().headers.get('allow')).toBe('GET, HEAD')
    expect(httpException(405, 'nope').description).toBe('nope')
    expect(httpException(405).getHeaders()).toEqual({})
  })

  it('401 sends WWW-Authenticate', () => {
    const err = new Unauthorized(undefined, { wwwAuthenticate: 'Basic realm="x"' })
    expect(err.toResponse().headers.get('www-authenticate')).toBe('Basic realm="x"')
    expect(new Unauthorized().getHeaders()).toEqual({})
  })

  it('429 and 503 send Retry-After in seconds or as a date', () => {
    expect(new TooManyRequests(undefined, { retryAfter: 30 }).getHeaders()).toEqual({ 'Retry-After': '30' })
    const date = new Date(Date.UTC(2030, 0, 1))
    expect(new ServiceUnavailable(undefined, { retryAfter: date }).getHeaders()).toEqual({
      'Retry-After': 'Tue, 01 Jan 2030 00:00:00 GMT',
    })
    expect(new TooManyRequests().getHeaders()).toEqual({})
  })

  it('416 sends Content-Range with the length', () => {
    const res = new RequestedRangeNotSatisfiable(undefined, { length: 1234 }).toResponse()
    expect(res.headers.get('content-range')).toBe('bytes */1234')
  })

  it('500 keeps the original error', () => {
    const cause = new Error('boom')
    const err = new InternalServerError(undefined, { originalError: cause })
    expect(err.originalError).toBe(cause)
    expect(err.cause).toBe(cause)
  })

  it('abort(response) sends the response as is', () => {
    const response = new Response('custom', { status: 418 })
    const err = new HTTPException(undefined, { response })
    expect(err.toResponse()).toBe(response)
    expect(err.code).toBe(418)
  })

  it('instances may override code and description; subclasses work', () => {
    class PaymentRequired extends HTTPException {
      static override code = 402
      static override description = 'Pay up.'
    }
    const err = new PaymentRequired()
    expect(err.code).toBe(402)
    expect(err.name).toBe('Payment Required')
    expect(err.toResponse().status).toBe(402)
    const nf = new NotFound()
    nf.code = 410
    expect(nf.toResponse().status).toBe(410)
  })

  it('ClientDisconnected is a BadRequest', () => {
    const err = new ClientDisconnected()
    expect(err).toBeInstanceOf(BadRequest)
    expect(err.code).toBe(400)
  })

  it('builds an exception for a code without a class', () => {
    const err = httpException(402, 'Top up.')
    expect(err).toBeInstanceOf(HTTPException)
    expect(err.code).toBe(402)
    expect(err.name).toBe('Payment Required')
    expect(err.toResponse().status).toBe(402)
    expect(httpException(499).name).toBe('Unknown Error')
  })

  it('refuses codes that are not errors', () => {
    expect(() => httpException(200)).toThrow(/No HTTP exception for status 200/)
    expect(() => httpException(302)).toThrow(Error)
    expect(() => httpException(600)).toThrow(Error)
    expect(() => httpException(404.5)).toThrow(Error)
    expect(exceptionForCode(200)).toBeUndefined()
  })
})
