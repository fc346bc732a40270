/**
 * The Node adapter: the fast path. It reads `IncomingMessage` and writes
 * `ServerResponse` directly; no WHATWG object is made.
 */
import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Phial } from '../app.ts'
import { Context, contextStorage } from '../core/context.ts'
import { dispatchRequest, needsTeardown } from '../dispatch/pipeline.ts'
import { Request } from '../http/request.ts'
import { FileBody, Response } from '../http/response.ts'
import { accessLogStart, echoRequestId, logAccess } from '../logging.ts'

/** Statuses that never carry a body. */
export function isBodiless(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200)
}

/** A Node stream for any streaming body. */
export function bodyStream(body: unknown): Readable {
  if (body instanceof Readable) return body
  if (body instanceof FileBody) {
    return body.length > 0 ? createReadStream(body.path, { start: body.start, end: body.end }) : Readable.from([])
  }
  if (body instanceof ReadableStream) return Readable.fromWeb(body as import('node:stream/web').ReadableStream)
  return Readable.from(body as AsyncIterable<Uint8Array | string>)
}

function discard(body: unknown): void {
  if (body instanceof Readable) body.destroy()
  else if (body instanceof ReadableStream) void body.cancel().catch(() => {})
}

/**
 * Writes a response to a Node `ServerResponse`. Resolves when the body has
 * been handed to the socket (or the client went away).
 *
 * @example
 * ```ts
 * await writeNodeResponse(res, new Response('hi'), false)
 * ```
 */
export function writeNodeResponse(res: ServerResponse, response: Response, head: boolean, closeConnection = false): void | Promise<void> {
  const headers = response.headers.raw
  const status = response.status
  const body = response.body
  if (closeConnection) headers.connection = 'close'
  if (typeof body === 'string' || body instanceof Uint8Array) {
    if (isBodiless(status)) {
      delete headers['content-length']
      res.writeHead(status, headers)
      res.end()
      return
    }
    if (headers['content-length'] === undefined) {
      headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength)
    }
    res.writeHead(status, headers)
    if (head) res.end()
    else res.end(body)
    return
  }
  if (body === null) {
    if (!isBodiless(status) && headers['content-length'] === undefined) headers['content-length'] = '0'
    res.writeHead(status, headers)
    res.end()
    return
  }
  if (body instanceof FileBody && headers['content-length'] === undefined) headers['content-length'] = String(body.length)
  res.writeHead(status, headers)
  if (head || isBodiless(status)) {
    discard(body)
    res.end()
    return
  }
  return pipeline(bodyStream(body), res).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err
  })
}

function fallback500(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const body = 'Internal Server Error'
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length), connection: 'close' })
  res.end(body)
}

/**
 * Serves one request inside its context. Synchronous — no promise at all —
 * when the app answered without awaiting and the body went out at once.
 */
function serveNode(app: Phial, ctx: Context, req: IncomingMessage, res: ServerResponse, start: number): void | Promise<void> {
  let response: Response | Promise<Response>
  try {
    response = dispatchRequest(app, ctx)
  } catch (err) {
    return serveFailed(app, ctx, res, start, err)
  }
  if (response instanceof Response) return send(app, ctx, req, res, start, response)
  return response.then(
    (r) => send(app, ctx, req, res, start, r),
    (err: unknown) => serveFailed(app, ctx, res, start, err),
  )
}

/** The app raised: only a propagated error (PROPAGATE_EXCEPTIONS) gets here. */
function serveFailed(app: Phial, ctx: Context, res: ServerResponse, start: number, err: unknown): void | Promise<void> {
  app.logger.error({ err, requestId: ctx.request.id }, `Exception on ${ctx.request.path} [${ctx.request.method}]`)
  ctx.error = err
  fallback500(res)
  return finish(app, ctx, res, start)
}

/** True for bodies whose own code runs while they are sent (streams, iterators): they keep the context. */
function runsUserCode(body: unknown): boolean {
  return !(body === null || typeof body === 'string' || body instanceof Uint8Array || body instanceof FileBody)
}

/** Writes the response, then finishes the request. */
function send(app: Phial, ctx: Context, req: IncomingMessage, res: ServerResponse, start: number, response: Response): void | Promise<void> {
  let written: void | Promise<void>
  try {
    echoRequestId(app, ctx.request, response)
    // A body the client is still sending (a refused upload) cannot be left
    // on a keep-alive connection.
    const closeConnection = !req.complete && ctx.request.hasBody
    const head = req.method === 'HEAD'
    written =
      ctx.request.hasBody && !runsUserCode(response.body)
        ? // Outside the request's context: the write requests, the 'finish' handling and the
          // keep-alive timer Node makes here would each carry the context, and with it the
          // request body (raw, parsed JSON, form, files), alive until the connection's next
          // request. Only for requests with a body: leaving the context costs a few µs.
          contextStorage.exit(writeNodeResponse, res, response, head, closeConnection)
        : writeNodeResponse(res, response, head, closeConnection)
  } catch (err) {
    app.logger.error({ err, requestId: ctx.request.id }, 'Failed to send the response')
    fallback500(res)
    written = undefined
  }
  if (written !== undefined) return sendFrom(app, ctx, res, start, response, written)
  response.close()
  return finish(app, ctx, res, start)
}

/** {@link send} for a streamed body: waits for it to be handed over. */
async function sendFrom(app: Phial, ctx: Context, res: ServerResponse, start: number, response: Response, written: Promise<void>): Promise<void> {
  try {
    await written
  } catch (err) {
    app.logger.error({ err, requestId: ctx.request.id }, 'Failed to send the response')
    fallback500(res)
  } finally {
    response.close()
  }
  await finish(app, ctx, res, start)
}

/** The access line, then teardown when there is any. */
function finish(app: Phial, ctx: Context, res: ServerResponse, start: number): void | Promise<void> {
  if (start >= 0) logAccess(app, ctx.request, res.statusCode, start)
  if (needsTeardown(app, ctx)) return app.finishRequest(ctx)
}

function unexpected(app: Phial, res: ServerResponse, err: unknown): void {
  app.logger.error({ err }, 'Unexpected error in the Node adapter')
  fallback500(res)
}

/**
 * A `(req, res)` listener for `node:http` / `node:https` servers, or any
 * framework that takes one.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * createServer(toNodeHandler(app)).listen(8000)
 * ```
 */
export function toNodeHandler(app: Phial): (req: IncomingMessage, res: ServerResponse) => void {
  void app.routeTable
  return function phialNodeHandler(req: IncomingMessage, res: ServerResponse): void {
    const start = accessLogStart(app)
    const request = new Request(app, {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      remoteAddr: req.socket.remoteAddress ?? null,
      secure: (req.socket as TLSSocket).encrypted === true,
      body: req,
      raw: req,
    })
    const ctx = new Context(app, request)
    try {
      const served = contextStorage.run(ctx, serveNode, app, ctx, req, res, start)
      if (served !== undefined) served.catch((err: unknown) => unexpected(app, res, err))
    } catch (err) {
      unexpected(app, res, err)
    }
  }
}
