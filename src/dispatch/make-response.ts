/**
 * Turns whatever a view returns into a {@link Response} (Flask's
 * `make_response`).
 */
import { Readable } from 'node:stream'
import { HeaderMap } from '../http/headers.ts'
import { HTTPException } from '../http/exceptions.ts'
import { Response } from '../http/response.ts'
import { contextStorage } from '../core/context.ts'
import { DefaultJSONProvider, type JSONProvider } from '../json/index.ts'
import { ambiguousArrayError, ArrayReading, readArray } from './response-tuple.ts'


/** True for objects with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function'
}

function isStatus(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599
}

/**
 * True when `value` is a `[body, status, headers?]` or `[body, headers]` tuple
 * rather than a JSON array (an ambiguous array counts as JSON: see
 * {@link readArray}).
 */
export function isResponseTuple(value: unknown[]): boolean {
  return readArray(value) === ArrayReading.Tuple
}

// outside any app context: the default provider's behaviour, debug off
const standalone = new DefaultJSONProvider({ debug: false })

/** The current app's JSON provider (`app.json`), or a default one outside a context. */
function currentJson(): JSONProvider {
  return contextStorage.getStore()?.app.json ?? standalone
}

/**
 * A JSON response (Flask's `jsonify`), made by the current app's JSON
 * provider (`app.json.response`): compact, or indented in debug mode.
 *
 * @example
 * ```ts
 * return jsonify({ ok: true }, { status: 201 })
 * return jsonify([1, 200])   // an array that would otherwise read as a tuple
 * ```
 */
export function jsonify(value: unknown, init?: { status?: number; headers?: ConstructorParameters<typeof HeaderMap>[0] }): Response {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol')
    throw new TypeError(`jsonify(): ${typeof value} is not JSON-serialisable`)
  return currentJson().response(value, init)
}

/** An HTTP error's page; its JSON form (`{code, name, description}`) written by the app's provider unless the class makes its own body. */
function httpErrorResponse(err: HTTPException, wantsJson: boolean, json: JSONProvider | undefined): Response {
  if (!wantsJson || err.getBody !== HTTPException.prototype.getBody) return err.toResponse(wantsJson)
  return (json ?? currentJson()).response({ code: err.code, name: err.name, description: err.description }, { status: err.code, headers: err.getHeaders() })
}

function fromWeb(res: globalThis.Response): Response {
  const headers = new HeaderMap()
  res.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers.set(name, value)
  })
  for (const cookie of res.headers.getSetCookie()) headers.append('set-cookie', cookie)
  const response = new Response(res.body as ReadableStream<Uint8Array> | null, { status: res.status, headers })
  if (!res.headers.has('content-type')) response.headers.delete('content-type')
  return response
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (value === null) return 'null'
  if (Array.isArray(value)) return `an array of length ${value.length}`
  return `a ${typeof value}${typeof value === 'object' ? ` (${(value as object).constructor?.name ?? 'Object'})` : ''}`
}

/**
 * Converts a view's return value into a Response. `where` names the view in
 * the error for a value that cannot be a response.
 *
 * @example
 * ```ts
 * toResponse(['Created', 201]).status // 201
 * toResponse({ ok: true }).mimetype  // 'application/json'
 * ```
 */
export function toResponse(rv: unknown, where = 'view', wantsJson: JsonPreference = false, strict: StrictArrays = null, json?: JSONProvider): Response {
  if (Array.isArray(rv) && rv.length > 1 && rv.length < 4) {
    const reading = readArray(rv)
    if (reading === ArrayReading.Tuple) {
      if (rv.length === 3) return fromParts(rv[0], rv[1] as number, rv[2], where, wantsJson, json)
      if (isStatus(rv[1])) return fromParts(rv[0], rv[1], undefined, where, wantsJson, json)
      return fromParts(rv[0], undefined, rv[1], where, wantsJson, json)
    }
    if (reading === ArrayReading.Ambiguous && strict !== null && (strict.DEBUG || strict.TESTING)) throw ambiguousArrayError(where, rv)
  }
  return bodyToResponse(rv, where, wantsJson, json)
}

/**
 * The app's config when an ambiguous array should be an error (read only for
 * such an array: DEBUG or TESTING make it one), or null for never.
 */
export type StrictArrays = { readonly DEBUG: boolean; readonly TESTING: boolean } | null

function fromParts(body: unknown, status: number | undefined, headers: unknown, where: string, wantsJson: JsonPreference, json: JSONProvider | undefined): Response {
  const response = bodyToResponse(body, where, wantsJson, json)
  if (status !== undefined) response.status = status
  if (headers) {
    if (headers instanceof Headers) {
      headers.forEach((value, name) => {
        if (name !== 'set-cookie') response.headers.set(name, value)
      })
      for (const cookie of headers.getSetCookie()) response.headers.append('set-cookie', cookie)
    } else response.headers.extend(headers as ConstructorParameters<typeof HeaderMap>[0] & object)
  }
  return response
}

/**
 * Whether an HTTP error renders as JSON: a boolean, or an object (the
 * request) whose `wantsJson` is read only when an error is rendered.
 */
export type JsonPreference = boolean | { readonly wantsJson: boolean }

/** True for `{…}` and `[…]` literals that nothing else in {@link bodyToResponse} would claim: the JSON fast path. */
function isPlainJson(rv: object): boolean {
  const proto = Object.getPrototypeOf(rv) as unknown
  return (
    (proto === Object.prototype || proto === Array.prototype || proto === null) &&
    !(Symbol.asyncIterator in rv) &&
    (proto === Array.prototype || !(Symbol.iterator in rv)) &&
    !isThenable(rv)
  )
}

// `json`: the app's provider when the caller has it (finalize does), saving the context lookup
function bodyToResponse(rv: unknown, where: string, wantsJson: JsonPreference, json: JSONProvider | undefined): Response {
  if (rv instanceof Response) return rv
  if (typeof rv === 'string') return new Response(rv)
  if (typeof rv === 'object' && rv !== null && isPlainJson(rv)) return (json ?? currentJson()).response(rv)
  if (rv === null || rv === undefined) {
    throw new TypeError(
      `The view function for '${where}' did not return a valid response. ` +
        `The function either returned ${rv === null ? 'null' : 'undefined'} or ended without a return statement.`,
    )
  }
  if (typeof rv !== 'object') {
    throw new TypeError(
      `The view function for '${where}' did not return a valid response: it returned ${describe(rv)}. ` +
        'Return a string, an object or array (JSON), a Response, bytes, a stream, or a [body, status, headers] tuple.',
    )
  }
  // MarkupSafe's protocol: `Markup` (and any object with `__html__`) is an HTML body, as a str subclass is in Flask
  if (typeof (rv as { __html__?: unknown }).__html__ === 'function') return new Response(String((rv as { __html__(): unknown }).__html__()))
  if (rv instanceof HTTPException) return rv.response ?? httpErrorResponse(rv, typeof wantsJson === 'boolean' ? wantsJson : wantsJson.wantsJson, json)
  if (rv instanceof Uint8Array) return new Response(rv)
  if (typeof globalThis.Response === 'function' && rv instanceof globalThis.Response) return fromWeb(rv)
  if (rv instanceof Readable || rv instanceof ReadableStream) return new Response(rv as Readable)
  if (Symbol.asyncIterator in rv) return new Response(rv as AsyncIterable<Uint8Array>)
  if (!Array.isArray(rv) && Symbol.iterator in rv && typeof (rv as unknown as Iterator<unknown>).next === 'function') {
    return new Response(Readable.from(rv as Iterable<Uint8Array | string>))
  }
  if (isThenable(rv)) {
    throw new TypeError(`The view function for '${where}' returned a promise inside its result; await it first.`)
  }
  return (json ?? currentJson()).response(rv)
}

/**
 * Builds a response the way a view's return value is (Flask's
 * `make_response`), so you can change it before returning.
 *
 * @example
 * ```ts
 * const res = makeResponse(renderTemplate('index.html'), 200)
 * res.setCookie('seen', '1')
 * return res
 * ```
 */
export function makeResponse(...args: unknown[]): Response {
  if (args.length === 0) return new Response('')
  if (args.length === 1) return toResponse(args[0], 'makeResponse')
  const [body, second, third] = args
  if (isStatus(second)) return fromParts(body, second, third, 'makeResponse', false, undefined)
  return fromParts(body, undefined, second, 'makeResponse', false, undefined)
}
