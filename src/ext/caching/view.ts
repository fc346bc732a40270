/**
 * `cache.cached()` for views (Flask-Caching's `@cache.cached`), made safe:
 * only GET and HEAD are cached, the key includes the query string, a
 * visitor whose session holds data (logged in, a cart, a flash message) or
 * who sends credentials gets the view itself, and a response that is
 * personal — it sets a cookie, is private or no-store, varies on the cookie,
 * or left data in the session — is never stored.
 */
import { createHash } from 'node:crypto'
import { makeResponse, Response, type Context } from 'phial'
import type { CacheBackend } from './backends/types.ts'
import type { Cache } from './cache.ts'
import { CacheUnavailable } from './errors.ts'
import { singleFlight } from './flight.ts'
import { encodeValue, readStored } from './serializer.ts'

/**
 * Options of {@link Cache.cached}.
 *
 * @example
 * ```ts
 * const options: CachedOptions = { timeout: 60, unless: () => request.args.has('nocache') }
 * ```
 */
export interface CachedOptions {
  /** Seconds to keep the response, or a function of the response (default `CACHE_DEFAULT_TIMEOUT`). */
  timeout?: number | ((response: Response) => number) | null
  /** Key: `%s` is replaced by the request path (default `'view/%s'`), or a function that returns the key. */
  keyPrefix?: string | (() => string)
  /** Key on the query string too, in any order of its parameters (default `true`; `false` shares one entry for every query). */
  query?: boolean
  /** When it returns true, skip the cache entirely for this request. */
  unless?: (() => boolean) | null
  /** When it returns true, run the view and replace the cached response. */
  forcedUpdate?: (() => boolean) | null
  /** Decides whether a response may be stored (default: status 200). The safety rules apply either way. */
  responseFilter?: ((response: Response) => boolean) | null
  /** Builds the whole key yourself (`keyPrefix` and `query` are then unused). */
  makeCacheKey?: (() => string) | null
  /** Add `X-Cache: HIT` or `MISS` to responses (Flask-Caching's `response_hit_indication`). */
  hitIndication?: boolean
}

/** A response as stored: status, headers, body. */
interface StoredResponse {
  s: number
  h: Array<[string, string]>
  b: string | Uint8Array | null
}

/**
 * A view wrapped by {@link Cache.cached}.
 *
 * @example
 * ```ts
 * const index = cache.cached({ timeout: 60 })(function index() { return 'hi' })
 * index.uncached  // the original view
 * ```
 */
export type CachedView<V> = V & {
  /** The view without the cache. */
  readonly uncached: V
}

type View = (args: never, ctx: Context) => unknown

const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function'

/** The query string's parameters, sorted, hashed. */
function queryHash(queryString: string): string {
  const pairs = [...new URLSearchParams(queryString)].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  return createHash('sha256').update(JSON.stringify(pairs)).digest('base64url').slice(0, 22)
}

/**
 * The cache key of a view for a path and query string, as {@link Cache.cached}
 * makes it with the default options: `view/<path>`, plus `?<hash>` when there
 * is a query string. Use it to delete a cached page.
 *
 * @example
 * ```ts
 * await cache.delete(viewCacheKey('/posts'))              // 'view//posts'
 * await cache.delete(viewCacheKey('/posts', 'page=2'))
 * ```
 */
export function viewCacheKey(path: string, queryString = '', keyPrefix = 'view/%s'): string {
  const base = keyPrefix.includes('%s') ? keyPrefix.replace('%s', path) : keyPrefix
  return queryString === '' ? base : `${base}?${queryHash(queryString)}`
}

const PERSONAL_CACHE_CONTROL = /(?:^|,)\s*(?:private|no-store|no-cache)\b/i
const PERSONAL_VARY = /(?:^|,)\s*(?:\*|cookie|authorization)\s*(?:,|$)/i

interface SessionFlags {
  readonly isEmpty: boolean
  readonly modified: boolean
}

/** The session of `ctx` if the request opened it (without opening it). */
function openedSession(ctx: Context): SessionFlags | null {
  // the core renamed this field once (sessionData → openedSession): read either
  const c = ctx as unknown as Record<string, SessionFlags | null | undefined>
  return c.openedSession ?? c.sessionData ?? null
}

/**
 * True when the visitor's session holds data: their page may depend on it
 * (a logged-in user, a cart, a flash message). Opens a cookie session only
 * when the request carries the session cookie.
 */
function hasSessionData(ctx: Context): boolean {
  let session = openedSession(ctx)
  if (session === null) {
    const app = ctx.app
    if (ctx.request.cookies[app.sessionInterface.cookieName(app)] === undefined) return false
    session = ctx.session
  }
  return !session.isEmpty
}

/** Whether a response may be shared with other clients. */
function shareable(response: Response, ctx: Context): boolean {
  const headers = response.headers
  if (headers.has('set-cookie')) return false
  const control = headers.get('cache-control')
  if (control !== null && PERSONAL_CACHE_CONTROL.test(control)) return false
  const vary = headers.get('vary')
  if (vary !== null && PERSONAL_VARY.test(vary)) return false
  // a view that put data in the session made a page for this visitor
  const session = openedSession(ctx)
  if (session !== null && (session.modified || !session.isEmpty)) return false
  const body = response.body
  return body === null || typeof body === 'string' || body instanceof Uint8Array
}

function toStored(response: Response): StoredResponse {
  const h: Array<[string, string]> = []
  for (const [name, value] of response.headers.entries()) if (name !== 'date') h.push([name, value])
  return { s: response.status, h, b: response.body as StoredResponse['b'] }
}

function fromStored(stored: StoredResponse, hit: boolean, indicate: boolean): Response {
  const response = new Response(stored.b, { status: stored.s, headers: stored.h })
  if (indicate) response.headers.set('x-cache', hit ? 'HIT' : 'MISS')
  return response
}

const isStored = (value: unknown): value is StoredResponse =>
  typeof value === 'object' && value !== null && typeof (value as StoredResponse).s === 'number' && Array.isArray((value as StoredResponse).h)

/** Runs the view and makes its Response, awaiting a promised body in a tuple. */
async function runView(view: View, args: unknown, ctx: Context): Promise<Response> {
  let rv = view(args as never, ctx)
  if (isThenable(rv)) rv = await rv
  if (Array.isArray(rv) && rv.length > 1 && isThenable(rv[0])) rv = [await rv[0], ...rv.slice(1)]
  return rv instanceof Response ? rv : makeResponse(rv)
}

function warnUnavailable(ctx: Context, err: unknown): void {
  ctx.app.logger.warn({ err: (err as Error).message, requestId: ctx.request.id }, 'phial/caching: cache unavailable, serving the view uncached')
}

/**
 * Wraps `view` so that its GET/HEAD responses are served from `cache`. While
 * the cache server is down the view runs uncached (and a warning is logged),
 * as in Flask-Caching: a cached page never turns an outage into errors.
 *
 * @example
 * ```ts
 * app.get('/', cachedView(cache, { timeout: 60 }, function index() { return 'hi' }))
 * ```
 */
export function cachedView<V extends View>(cache: Cache, options: CachedOptions, view: V): CachedView<V> {
  if (typeof view !== 'function') throw new TypeError('cache.cached() wraps a view function')
  const keyPrefix = options.keyPrefix ?? 'view/%s'
  const query = options.query ?? true
  const filter = options.responseFilter ?? ((r: Response) => r.status === 200)
  const indicate = options.hitIndication === true

  const keyFor = (ctx: Context): string => {
    if (options.makeCacheKey) return options.makeCacheKey()
    const request = ctx.request
    if (typeof keyPrefix === 'function') return query && request.queryString !== '' ? `${keyPrefix()}?${queryHash(request.queryString)}` : keyPrefix()
    return viewCacheKey(request.path, query ? request.queryString : '', keyPrefix)
  }

  const produce = async (backend: CacheBackend, key: string, args: unknown, ctx: Context): Promise<{ response: Response; stored: StoredResponse | null }> => {
    const response = await runView(view, args, ctx)
    if (!filter(response) || !shareable(response, ctx)) return { response, stored: null }
    const stored = toStored(response)
    const timeout = typeof options.timeout === 'function' ? options.timeout(response) : options.timeout
    try {
      await backend.set(key, encodeValue(stored), cache.ttl(backend, timeout))
    } catch (err) {
      if (!(err instanceof CacheUnavailable)) throw err
      warnUnavailable(ctx, err)
    }
    return { response, stored }
  }

  const wrapped = async function (this: unknown, args: unknown, ctx: Context): Promise<unknown> {
    const request = ctx.request
    const method = request.method
    if (
      (method !== 'GET' && method !== 'HEAD') ||
      request.headers.has('authorization') ||
      options.unless?.() === true ||
      hasSessionData(ctx)
    ) {
      return view(args as never, ctx)
    }
    const backend = cache.backend(ctx.app)
    const key = keyFor(ctx)
    if (options.forcedUpdate?.() !== true) {
      try {
        const found = readStored(await backend.get(key))
        if (found.found && isStored(found.value)) return fromStored(found.value, true, indicate)
      } catch (err) {
        if (!(err instanceof CacheUnavailable)) throw err
        warnUnavailable(ctx, err)
        return view(args as never, ctx)
      }
    }
    let flight: { result: { response: Response; stored: StoredResponse | null }; leader: boolean }
    let ran = false
    try {
      flight = await singleFlight(backend, key, () => {
        ran = true
        return produce(backend, key, args, ctx)
      })
    } catch (err) {
      // the leader's error is the leader's; a request that waited runs the view itself
      if (ran) throw err
      return view(args as never, ctx)
    }
    const { result, leader } = flight
    if (leader) {
      if (indicate) result.response.headers.set('x-cache', 'MISS')
      return result.response
    }
    // another request computed it: share it only if it was shareable
    return result.stored !== null ? fromStored(result.stored, true, indicate) : view(args as never, ctx)
  }
  Object.defineProperty(wrapped, 'name', { value: view.name })
  Object.defineProperty(wrapped, 'uncached', { value: view })
  return wrapped as unknown as CachedView<V>
}
