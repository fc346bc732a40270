/**
 * The fetch adapter: `app.fetch(Request) → Response`, for any host that
 * speaks WHATWG fetch (Bun, Deno, workers) and for tests.
 *
 * @module
 */
import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import type { AppCore } from '../core/app-core.ts'
import type { Context } from '../core/context.ts'
import { runInContext } from '../core/enter-context.ts'
import { createRequestContext, finishRequest, runRequest, type Responder } from '../dispatch/run.ts'
import type { Response } from '../http/response.ts'
import { bodyStream, discardBody, isBodiless, isStreamedBody } from '../http/response-body.ts'
import { accessLogStart, echoRequestId, logAccess } from './access-log.ts'

type WebBody = ConstructorParameters<typeof globalThis.Response>[0]

/**
 * A WHATWG byte stream over a streamed body. Each chunk is pulled inside the
 * request's context (so a generator can still read `request` or `g`), string
 * chunks become bytes (a WHATWG Response refuses strings), and `done` runs
 * once when the body ends, fails or is cancelled: the request's teardown
 * waits for the body, as with the Node adapter.
 */
function byteStream(body: NonNullable<Response['body']>, ctx: Context, done: () => Promise<void>): ReadableStream<Uint8Array> {
  const iterator = (
    body instanceof ReadableStream ? body[Symbol.asyncIterator]() : bodyStream(body)[Symbol.asyncIterator]()
  ) as AsyncIterator<Uint8Array | string>
  let finished = false
  const finish = (): Promise<void> => {
    if (finished) return Promise.resolve()
    finished = true
    return done()
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done: end } = await runInContext(ctx, () => iterator.next())
        if (end) {
          controller.close()
          await finish()
        } else controller.enqueue(typeof value === 'string' ? Buffer.from(value) : value)
      } catch (err) {
        controller.error(err)
        await finish()
      }
    },
    async cancel() {
      try {
        await runInContext(ctx, () => iterator.return?.())
      } finally {
        await finish()
      }
    },
  })
}

/** Turns the app's Response into a WHATWG one (inside the request's context). */
async function send(ctx: Context, response: Response, start: number): Promise<globalThis.Response> {
  const request = ctx.request
  echoRequestId(ctx.app, request, response)
  const finish = async (): Promise<void> => {
    response.close()
    await finishRequest(ctx)
  }
  const body = response.body
  const sendsBody = request.method !== 'HEAD' && !isBodiless(response.status)
  // a streamed body is read by the host after this returns: teardown waits for it
  const streamed = sendsBody && isStreamedBody(body)
  if (!sendsBody) discardBody(body)
  const out = new globalThis.Response(
    !sendsBody || body === null ? null : streamed ? byteStream(body, ctx, finish) : (body as WebBody),
    { status: response.status, headers: [...response.headers.entries()] },
  )
  // the host sends the body after this returns: the line times the handling
  if (start >= 0) logAccess(ctx.app, request, out.status, start)
  if (!streamed) await finish()
  return out
}

/** A propagated error (PROPAGATE_EXCEPTIONS): the host sees it, after teardown. */
async function fail(ctx: Context, err: unknown): Promise<globalThis.Response> {
  await finishRequest(ctx, err)
  throw err
}

const FETCH_RESPONDER: Responder<number, undefined, Promise<globalThis.Response>> = { send, fail }

/**
 * Handles a WHATWG Request with the app and returns a WHATWG Response
 * (`app.fetch` calls it).
 *
 * @example
 * ```ts
 * const res = await handleFetch(app, new Request('http://localhost/hello'))
 * await res.text()
 * ```
 */
export async function handleFetch(app: AppCore, webRequest: globalThis.Request, info: { remoteAddr?: string } = {}): Promise<globalThis.Response> {
  const start = accessLogStart(app)
  const url = new URL(webRequest.url)
  const headers: IncomingHttpHeaders = {}
  webRequest.headers.forEach((value, name) => {
    headers[name] = value
  })
  headers.host ??= url.host
  if (webRequest.body && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    headers['transfer-encoding'] = 'chunked'
  }
  const ctx = createRequestContext(app, {
    method: webRequest.method,
    url: url.pathname + url.search,
    headers,
    remoteAddr: info.remoteAddr ?? null,
    secure: url.protocol === 'https:',
    body: webRequest.body ? Readable.fromWeb(webRequest.body as import('node:stream/web').ReadableStream) : null,
  })
  return runRequest(ctx, FETCH_RESPONDER, start, undefined)
}
