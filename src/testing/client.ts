/**
 * The test client (Werkzeug's): requests dispatched in-process, no socket,
 * with a cookie jar and redirect following.
 *
 * @module
 */
import type { AppCore, CurrentApp } from '../core/app-core.ts'
import { Context, contextStorage } from '../core/context.ts'
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

/**
 * What every request of a client starts from (Werkzeug's `environ_base`);
 * a request's own options win. Change them on `client.defaults`.
 *
 * @example
 * ```ts
 * const client = app.testClient({ defaults: { remoteAddr: '192.168.0.22', headers: { 'User-Agent': 'Foo' } } })
 * client.defaults.headers['accept-language'] = 'fr'
 * ```
 */
export interface TestClientDefaults {
  /** The client address (default `127.0.0.1`). */
  remoteAddr: string
  /** Headers sent with every request (default `User-Agent: Phial-TestClient`). */
  headers: Record<string, string>
  /** The base URL of every request (default: from `SERVER_NAME`, `APPLICATION_ROOT`, `PREFERRED_URL_SCHEME`). */
  baseUrl?: string
}

/** Options of `app.testClient(options)`. */
export interface TestClientOptions {
  /** Keep a cookie jar (default true); with false, every request goes without cookies, as Flask's `use_cookies=False`. */
  useCookies?: boolean
  /** Client-wide request defaults (merged over the built-in ones). */
  defaults?: Partial<TestClientDefaults>
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
  /** What every request starts from: client address, headers, base URL. */
  defaults: TestClientDefaults
  /** Inside `scoped`: the last request's context, and whether its teardown still has to run. */
  #kept: Kept | null = null

  constructor(app: AppCore, options: TestClientOptions = {}) {
    this.app = app
    this.useCookies = options.useCookies ?? true
    const given = options.defaults ?? {}
    this.defaults = {
      ...given,
      remoteAddr: given.remoteAddr ?? '127.0.0.1',
      headers: { 'user-agent': 'Phial-TestClient', ...lowerKeys(given.headers ?? {}) },
    }
  }

  /**
   * Runs `fn` with the context of the client's last request kept after it
   * answered (Flask's `with client:`): `request`, `session` and `g` read
   * the request that the last `get`/`post`/… inside `fn` made, for
   * inspection. As in Flask, its teardown hooks run when the next request
   * starts or when `fn` ends. Before the first request only the app context
   * is there.
   *
   * @example
   * ```ts
   * await client.scoped(async () => {
   *   await client.get('/?q=phial')
   *   expect(request.args.get('q')).toBe('phial')
   *   expect(g.user).toBe('ada')
   * })
   * ```
   */
  async scoped<T>(fn: (client: this) => T | Promise<T>): Promise<T> {
    if (this.#kept !== null) throw new Error('client.scoped(…) is already running for this client; it does not nest.')
    const kept: Kept = { ctx: null, pending: false }
    const appOnly = new Context(this.app as CurrentApp, null)
    const view = new Proxy(appOnly, {
      get(_target, key) {
        const ctx = kept.ctx ?? appOnly
        const value = Reflect.get(ctx, key, ctx)
        return typeof value === 'function' ? value.bind(ctx) : value
      },
      set(_target, key, value) {
        return Reflect.set(kept.ctx ?? appOnly, key, value)
      },
      has(_target, key) {
        return Reflect.has(kept.ctx ?? appOnly, key)
      },
    })
    this.#kept = kept
    try {
      return await contextStorage.run(view, () => fn(this))
    } finally {
      this.#kept = null
      await finishKept(kept)
    }
  }

  /**
   * Sends a request with any method. `path` may be a full URL
   * (`http://api.example.com/x`); `init.baseUrl` and `init.subdomain` pick
   * the host as well.
   */
  async open(path: string, init: TestRequestInit = {}): Promise<TestResponse> {
    init = this.#withDefaults(init)
    const first = await this.#once(path, init)
    if (!init.followRedirects) return first
    const history: TestResponse[] = []
    let current = first
    let method = (init.method ?? 'GET').toUpperCase()
    let options = init
    while (current.status >= 300 && current.status < 400 && current.location) {
      if (history.length >= 20) throw new Error('The test client followed more than 20 redirects')
      history.push(current)
      const from = current.request
      const target = new URL(current.location, from.url)
      if (current.status === 307 || current.status === 308) {
        options = { ...options, query: undefined }
      } else {
        method = method === 'HEAD' ? 'HEAD' : 'GET'
        options = { headers: options.headers, remoteAddr: options.remoteAddr }
      }
      // the Location carries the mount point, which the next request gets from APPLICATION_ROOT again
      const root = from.rootPath
      let pathname = target.pathname
      if (root !== '' && (pathname === root || pathname.startsWith(root + '/'))) pathname = pathname.slice(root.length) || '/'
      const next = `${target.protocol}//${target.host}${pathname}${target.search}`
      current = await this.#once(next, { ...options, baseUrl: undefined, subdomain: undefined, scheme: undefined, method })
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

  /** The client's defaults under a request's own options. */
  #withDefaults(init: TestRequestInit): TestRequestInit {
    const d = this.defaults
    const baseUrl = init.baseUrl ?? (init.subdomain === undefined && init.scheme === undefined ? d.baseUrl : undefined)
    return {
      ...init,
      headers: { ...lowerKeys(d.headers), ...lowerKeys(init.headers ?? {}) },
      remoteAddr: init.remoteAddr ?? d.remoteAddr,
      baseUrl,
    }
  }

  async #once(path: string, init: TestRequestInit): Promise<TestResponse> {
    const kept = this.#kept
    if (kept !== null) await finishKept(kept) // the previous request's context is popped first
    const ctx = testRequestContextFor(this.app, path, init, this.#cookieHeader(cookiePath(path)))
    const { response, data } = await runRequest(ctx, TEST_RESPONDER, kept, undefined)
    this.#store(response.headers.getSetCookie())
    return new TestResponse(response, data, ctx.request)
  }
}

function lowerKeys<V>(headers: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {}
  for (const key of Object.keys(headers)) out[key.toLowerCase()] = headers[key] as V
  return out
}

/** The path a cookie is matched against: the URL's path, without the query (and the host of a full URL). */
function cookiePath(path: string): string {
  const withoutHost = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.test(path) ? path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') : path
  const p = withoutHost.split('?')[0]!
  return p === '' ? '/' : p
}

/** The context `scoped` keeps: the last request's, and whether its teardown is still to run. */
interface Kept {
  ctx: Context | null
  pending: boolean
}

async function finishKept(kept: Kept): Promise<void> {
  if (kept.ctx === null || !kept.pending) return
  kept.pending = false
  await finishRequest(kept.ctx)
}

/** Reads the whole body, then tears down (inside the request's context); inside `scoped`, keeps the context and tears down later. */
async function readAndFinish(ctx: Context, response: Response, kept: Kept | null): Promise<{ response: Response; data: Buffer }> {
  let finished = false
  try {
    const data = await readAll(response, ctx.request.method === 'HEAD')
    finished = true
    return { response, data }
  } finally {
    response.close()
    if (kept !== null && finished) {
      kept.ctx = ctx
      kept.pending = true
    } else await finishRequest(ctx)
  }
}

/** A propagated error (TESTING): teardown still runs, with the error, before the test sees it; the context stays readable in `scoped`. */
async function failAfterTeardown(ctx: Context, err: unknown, kept: Kept | null): Promise<never> {
  await finishRequest(ctx, err)
  if (kept !== null) {
    kept.ctx = ctx
    kept.pending = false
  }
  throw err
}

const TEST_RESPONDER: Responder<Kept | null, undefined, Promise<{ response: Response; data: Buffer }>> = {
  send: readAndFinish,
  fail: failAfterTeardown,
}
