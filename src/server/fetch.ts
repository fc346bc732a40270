/**
 * The fetch adapter: `app.fetch(Request) → Response`, for any host that
 * speaks WHATWG fetch (Bun, Deno, workers) and for tests.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import type { Phial } from '../app.ts'
import { Context, contextStorage } from '../core/context.ts'
import { needsTeardown } from '../dispatch/pipeline.ts'
import { Request } from '../http/request.ts'
import type { Response } from '../http/response.ts'
import { accessLogStart, echoRequestId, logAccess } from '../logging.ts'
import { bodyStream, isBodiless } from './node.ts'

type WebBody = ConstructorParameters<typeof globalThis.Response>[0]

/** True for bodies the host reads after `app.fetch` returns (streams, iterables, files). */
function isStreamed(body: Response['body']): boolean {
  return body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)
}

/** Drops a streamed body that will not be sent (HEAD, 204, 304). */
function discard(body: Response['body']): void {
  if (body instanceof Readable) body.destroy()
  else if (body instanceof ReadableStream) void body.cancel().catch(() => {})
}

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
        const { value, done: end } = await contextStorage.run(ctx, () => iterator.next())
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
        await contextStorage.run(ctx, () => iterator.return?.())
      } finally {
        await finish()
      }
    },
  })
}

/**
 * Handles a WHATWG Request with the app and returns a WHATWG Response.
 *
 * @example
 * ```ts
 * const res = await handleFetch(app, new Request('http://localhost/hello'))
 * await res.text()
 * ```
 */
export async function handleFetch(app: Phial, webRequest: globalThis.Request, info: { remoteAddr?: string } = {}): Promise<globalThis.Response> {
  const start = accessLogStart(app)
  const url = new URL(webRequest.url)
  const headers: IncomingHttpHeaders = {}
  webRequest.headers.forEach((value, name) => {
    headers[name] = value
  })
  headers.host ??= url.host
  const request = new Request(app, {
    method: webRequest.method,
    url: url.pathname + url.search,
    headers,
    remoteAddr: info.remoteAddr ?? null,
    secure: url.protocol === 'https:',
    body: webRequest.body ? Readable.fromWeb(webRequest.body as import('node:stream/web').ReadableStream) : null,
  })
  if (webRequest.body && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
    headers['transfer-encoding'] = 'chunked'
  }
  const ctx = new Context(app, request)
  let response: Response
  try {
    response = await contextStorage.run(ctx, () => app.handle(ctx))
  } catch (err) {
    // a propagated error (PROPAGATE_EXCEPTIONS): the host sees it, after teardown
    ctx.error = err
    await contextStorage.run(ctx, () => app.finishRequest(ctx))
    throw err
  }
  echoRequestId(app, request, response)
  const finish = async (): Promise<void> => {
    response.close()
    if (needsTeardown(app, ctx)) await contextStorage.run(ctx, () => app.finishRequest(ctx))
  }
  const body = response.body
  const sendsBody = request.method !== 'HEAD' && !isBodiless(response.status)
  const streamed = sendsBody && isStreamed(body)
  if (!sendsBody) discard(body)
  const out = new globalThis.Response(
    !sendsBody || body === null ? null : streamed ? byteStream(body, ctx, finish) : (body as WebBody),
    { status: response.status, headers: [...response.headers.entries()] },
  )
  // the host sends the body after this returns: the line times the handling
  if (start >= 0) logAccess(app, request, out.status, start)
  // a streamed body runs the teardown once it has been read (or cancelled)
  if (!streamed) await finish()
  return out
}
