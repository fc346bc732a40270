/**
 * The fetch adapter: `app.fetch(Request) → Response`, for any host that
 * speaks WHATWG fetch (Bun, Deno, workers) and for tests.
 */
import type { IncomingHttpHeaders } from 'node:http'
import { Readable } from 'node:stream'
import type { Phial } from '../app.ts'
import { Context, contextStorage } from '../context.ts'
import { needsTeardown } from '../dispatch.ts'
import { Request } from '../http/request.ts'
import type { Response } from '../http/response.ts'
import { accessLogStart, echoRequestId, logAccess } from '../logging.ts'
import { bodyStream, isBodiless } from './node.ts'

type WebBody = ConstructorParameters<typeof globalThis.Response>[0]

function toWebBody(response: Response, head: boolean): WebBody | null {
  const body = response.body
  if (head || body === null || isBodiless(response.status)) return null
  if (typeof body === 'string' || body instanceof Uint8Array) return body as WebBody
  if (body instanceof ReadableStream) return body
  return byteStream(bodyStream(body))
}

/**
 * A WHATWG byte stream over a Node stream whose chunks may be strings (a
 * generator's or `Readable.from(['a'])`'s): `Readable.toWeb` would pass the
 * strings through, and a WHATWG Response refuses them.
 */
function byteStream(source: Readable): ReadableStream<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Uint8Array | string>
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next()
        if (done) controller.close()
        else controller.enqueue(typeof value === 'string' ? Buffer.from(value) : value)
      } catch (err) {
        controller.error(err)
      }
    },
    async cancel() {
      await iterator.return?.()
      source.destroy()
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
  const out = new globalThis.Response(toWebBody(response, request.method === 'HEAD'), {
    status: response.status,
    headers: [...response.headers.entries()],
  })
  response.close()
  // the host sends the body after this returns: the line times the handling
  if (start >= 0) logAccess(app, request, out.status, start)
  if (needsTeardown(app, ctx)) await contextStorage.run(ctx, () => app.finishRequest(ctx))
  return out
}
