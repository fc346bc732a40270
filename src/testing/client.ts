/**
 * The test client (Werkzeug's): requests dispatched in-process, no socket,
 * with a cookie jar and redirect following.
 *
 * @module
 */
import type { AppCore } from '../core/app-core.ts'
import { contextStorage, type Context } from '../core/context.ts'
import type { Session } from '../core/session.ts'
import { finishRequest, runRequest, type Responder } from '../dispatch/run.ts'
import type { HeaderMap } from '../http/headers.ts'
import type { Request } from '../http/request.ts'
import { Response } from '../http/response.ts'
import { bodyStream, discardBody, isBodiless } from '../http/response-body.ts'
import { testRequestContextFor, type TestRequestInit } from './request.ts'

export type { TestFile, TestRequestInit } from './request.ts'

/**
 * A response as the test client saw it, body read.
 *
 * @example
 * ```ts
 * const res = await client.get('/api/items')
 * res.status                    // 200
 * res.headers.get('content-type') // 'application/json'
 * res.json                      // [{ id: 1 }]
 * ```
 */
export class TestResponse {
  readonly status: number
  readonly statusText: string
  readonly headers: HeaderMap
  /** The body bytes. */
  readonly data: Buffer
  /** The request that produced it. */
  readonly request: Request
  /** Earlier responses, when redirects were followed. */
  history: TestResponse[] = []
  #json: { value: unknown } | null = null

  constructor(response: Response, data: Buffer, request: Request) {
    this.status = response.status
    this.statusText = response.statusText
    this.headers = response.headers
    this.data = data
    this.request = request
  }

  /** The body as UTF-8 text. */
  get text(): string {
    return this.data.toString('utf8')
  }

  /** The body parsed as JSON (throws when it is not JSON). */
  get json(): any {
    if (this.#json === null) this.#json = { value: JSON.parse(this.text) }
    return this.#json.value
  }

  /** The mimetype without parameters. */
  get mimetype(): string | null {
    const ct = this.headers.get('content-type')
    return ct ? ct.split(';')[0]!.trim().toLowerCase() : null
  }

  /** The `Location` header. */
  get location(): string | null {
    return this.headers.get('location')
  }

  /** True when the mimetype is JSON (`application/json` or `…+json`), as Werkzeug's `is_json`. */
  get isJson(): boolean {
    const mt = this.mimetype
    return mt !== null && (mt === 'application/json' || (mt.startsWith('application/') && mt.endsWith('+json')))
  }

  /**
   * The body parsed as JSON (Werkzeug's `get_json`): null when the response
   * is not JSON, unless `force`; with `silent`, null for a body that does not
   * parse instead of an error.
   *
   * @example
   * ```ts
   * const res = await client.get('/api/user')
   * expect(res.getJson()).toEqual({ id: 1 })
   * ```
   */
  getJson(options: { force?: boolean; silent?: boolean } = {}): any {
    if (!options.force && !this.isJson) return null
    try {
      return this.json
    } catch (err) {
      if (options.silent) return null
      throw err
    }
  }
}

/** Options of `app.testClient(options)`. */
export interface TestClientOptions {
  /** Keep a cookie jar (default true); with false, every request goes without cookies, as Flask's `use_cookies=False`. */
  useCookies?: boolean
}

function cookiesDisabled(): never {
  throw new TypeError("Cookies are disabled. Create a client with app.testClient({ useCookies: true }).")
}

interface JarCookie {
  value: string
  path: string
  expires: number | null
}

async function readAll(response: Response, head: boolean): Promise<Buffer> {
  const body = response.body
  if (head || body === null || isBodiless(response.status)) {
    discardBody(body)
    return Buffer.alloc(0)
  }
  if (typeof body === 'string') return Buffer.from(body)
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const chunks: Buffer[] = []
  for await (const chunk of bodyStream(body)) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks)
}

/**
 * Sends requests to an app in-process. Get one with `app.testClient()`.
 *
 * @example
 * ```ts
 * const client = app.testClient()
 * const res = await client.get('/user/1', { query: { tab: 'posts' } })
 * expect(res.json).toEqual({ id: 1 })
 * await client.post('/login', { form: { username: 'a', password: 'b' }, followRedirects: true })
 * ```
 */
export class TestClient {
  readonly app: AppCore
  readonly #jar = new Map<string, JarCookie>()
  /** False for `useCookies: false`: no jar. */
  readonly useCookies: boolean

  constructor(app: AppCore, options: TestClientOptions = {}) {
    this.app = app
    this.useCookies = options.useCookies ?? true
  }

  /** Sends a request with any method. */
  async open(path: string, init: TestRequestInit = {}): Promise<TestResponse> {
    const first = await this.#once(path, init)
    if (!init.followRedirects) return first
    const history: TestResponse[] = []
    let current = first
    let method = (init.method ?? 'GET').toUpperCase()
    let options = init
    while (current.status >= 300 && current.status < 400 && current.location) {
      if (history.length >= 20) throw new Error('The test client followed more than 20 redirects')
      history.push(current)
      const target = new URL(current.location, `http://localhost${current.request.path}`)
      if (current.status === 307 || current.status === 308) {
        options = { ...options, query: undefined }
      } else {
        method = method === 'HEAD' ? 'HEAD' : 'GET'
        options = { headers: options.headers, remoteAddr: options.remoteAddr, scheme: options.scheme }
      }
      current = await this.#once(target.pathname + target.search, { ...options, method })
    }
    current.history = history
    return current
  }

  /** GET `path`. @example await client.get('/', { query: { page: 2 } }) */
  get(path: string, init: Omit<TestRequestInit, 'method'> = {}): Promise<TestResponse> {
    return this.open(path, { ...init, method: 'GET' })
  }

  /** POST `path`. @example await client.post('/api/items', { json: { name: 'x' } }) */
  post(path: string, init: Omit<TestRequestInit, 'method'> = {}): Promise<TestResponse> {
    return this.open(path, { ...init, method: 'POST' })
  }

  /** PUT `path`. @example await client.put('/api/items/1', { json: { name: 'y' } }) */
  put(path: string, init: Omit<TestRequestInit, 'method'> = {}): Promise<TestResponse> {
    return this.open(path, { ...init, method: 'PUT' })
  }

  /** PATCH `path`. @example await client.patch('/api/items/1', { json: { done: true } }) */
  patch(path: string, init: Omit<TestRequestInit, 'method'> = {}): Promise<TestResponse> {
    return this.open(path, { ...init, method: 'PATCH' })
  }

  /** DELETE `path`. @example await client.delete('/api/items/1') */
  delete(path: string, init: Omit<TestRequestInit, 'method'> = {}): Promise<TestResponse> {
    return this.open(path, { ...init, method: 'DELETE' })
  }

  /** HEAD `path`. @example await client.head('/') */
  head(path: string, init: Omit<TestRequestInit, 'method'> = {}): Promise<TestResponse> {
    return this.open(path, { ...init, method: 'HEAD' })
  }

  /** OPTIONS `path`. @example (await client.options('/')).headers.get('allow') */
  options(path: string, init: Omit<TestRequestInit, 'method'> = {}): Promise<TestResponse> {
    return this.open(path, { ...init, method: 'OPTIONS' })
  }

  /** A cookie in the jar, or undefined. */
  getCookie(name: string): string | undefined {
    if (!this.useCookies) cookiesDisabled()
    const cookie = this.#jar.get(name)
    if (!cookie) return undefined
    if (cookie.expires !== null && cookie.expires <= Date.now()) {
      this.#jar.delete(name)
      return undefined
    }
    return cookie.value
  }

  /** Puts a cookie in the jar. */
  setCookie(name: string, value: string, options: { path?: string } = {}): void {
    if (!this.useCookies) cookiesDisabled()
    this.#jar.set(name, { value, path: options.path ?? '/', expires: null })
  }

  /** Removes a cookie from the jar. */
  deleteCookie(name: string): void {
    if (!this.useCookies) cookiesDisabled()
    this.#jar.delete(name)
  }

  /**
   * Opens the session the next request would see, lets `fn` change it, and
   * stores the result in the cookie jar (Flask's `session_transaction`).
   *
   * @example
   * ```ts
   * await client.sessionTransaction((session) => { session.set('userId', 1) })
   * ```
   */
  async sessionTransaction(fn: (session: Session) => unknown, path = '/'): Promise<void> {
    if (!this.useCookies) cookiesDisabled()
    const app = this.app
    const ctx = testRequestContextFor(app, path, {}, this.#cookieHeader(path))
    const request = ctx.request
    await contextStorage.run(ctx, async () => {
      const iface = app.sessionInterface
      const session = await iface.openSession(app, request)
      if (iface.isNullSession(session)) {
        throw new Error('Session backend did not open a session. Check the configuration (is SECRET_KEY set?)')
      }
      await fn(session)
      const response = new Response('')
      await iface.saveSession(app, session, response)
      this.#store(response.headers.getSetCookie())
    })
  }

  #cookieHeader(path: string): string {
    if (!this.useCookies) return ''
    const now = Date.now()
    const parts: string[] = []
    for (const [name, cookie] of this.#jar) {
      if (cookie.expires !== null && cookie.expires <= now) {
        this.#jar.delete(name)
        continue
      }
      if (path === cookie.path || path.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`)) {
        parts.push(`${name}=${cookie.value}`)
      }
    }
    return parts.join('; ')
  }

  #store(setCookies: string[]): void {
    if (!this.useCookies) return
    for (const header of setCookies) {
      const [pair, ...attrs] = header.split(';')
      const eq = pair!.indexOf('=')
      if (eq <= 0) continue
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      let path = '/'
      let expires: number | null = null
      for (const attr of attrs) {
        const [k, ...rest] = attr.split('=')
        const key = k!.trim().toLowerCase()
        const v = rest.join('=').trim()
        if (key === 'path' && v) path = v
        else if (key === 'max-age') expires = Date.now() + Number(v) * 1000
        else if (key === 'expires' && expires === null) expires = Date.parse(v)
      }
      if (expires !== null && expires <= Date.now()) this.#jar.delete(name)
      else this.#jar.set(name, { value, path, expires })
    }
  }

  async #once(path: string, init: TestRequestInit): Promise<TestResponse> {
    const pathOnly = path.split('?')[0]!
    const ctx = testRequestContextFor(this.app, path, init, this.#cookieHeader(pathOnly))
    const { response, data } = await runRequest(ctx, TEST_RESPONDER, undefined, undefined)
    this.#store(response.headers.getSetCookie())
    return new TestResponse(response, data, ctx.request)
  }
}

/** Reads the whole body, then tears down (inside the request's context). */
async function readAndFinish(ctx: Context, response: Response): Promise<{ response: Response; data: Buffer }> {
  try {
    return { response, data: await readAll(response, ctx.request.method === 'HEAD') }
  } finally {
    response.close()
    await finishRequest(ctx)
  }
}

/** A propagated error (TESTING): teardown still runs, with the error, before the test sees it. */
async function failAfterTeardown(ctx: Context, err: unknown): Promise<never> {
  await finishRequest(ctx, err)
  throw err
}

const TEST_RESPONDER: Responder<undefined, undefined, Promise<{ response: Response; data: Buffer }>> = {
  send: readAndFinish,
  fail: failAfterTeardown,
}
