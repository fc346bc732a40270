/**
 * The Node adapter: the fast path. It reads `IncomingMessage` and writes
 * `ServerResponse` directly; no WHATWG object is made.
 *
 * When teardown runs: after the response has been written — for a body in
 * memory right after `res.end()`, for a streamed body once it has been handed
 * to the socket — and after the access line, so a teardown hook may close
 * what a streamed body still reads, and the line times the handling only.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'
import { pipeline } from 'node:stream/promises'
import type { AppCore } from '../core/app-core.ts'
import type { Context } from '../core/context.ts'
import { runOutsideContext } from '../core/enter-context.ts'
import { routeTableOf } from '../dispatch/route-table.ts'
import { createRequestContext, finishRequest, runRequest, type Responder } from '../dispatch/run.ts'
import { NODE_RESPONSE_TIMEOUT } from '../dispatch/timeout.ts'
import { FileBody, type Response } from '../http/response.ts'
import { bodyStream, discardBody, isBodiless } from '../http/response-body.ts'
import { accessLogStart, echoRequestId, logAccess } from './access-log.ts'

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
    discardBody(body)
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

/** The app raised: only a propagated error (PROPAGATE_EXCEPTIONS) gets here. */
function serveFailed(ctx: Context, err: unknown, res: ServerResponse, start: number): void | Promise<void> {
  ctx.app.logger.error({ err, requestId: ctx.request.id }, `Exception on ${ctx.request.path} [${ctx.request.method}]`)
  ctx.error = err
  fallback500(res)
  return finish(ctx, res, start)
}

/** True for bodies whose own code runs while they are sent (streams, iterators): they keep the context. */
function runsUserCode(body: unknown): boolean {
  return !(body === null || typeof body === 'string' || body instanceof Uint8Array || body instanceof FileBody)
}

/**
 * Bodies up to this many bytes (declared) are written inside the context:
 * they hold about what a GET's headers may (Node's 16 KiB header limit).
 */
const SMALL_BODY = 4096

/**
 * Whether to write outside the request's context: the write requests, the
 * 'finish' handling and the keep-alive timer Node makes while writing would
 * each carry the context, and with it the request body (raw, parsed JSON,
 * form, files), alive until the connection's next request. Only for requests
 * with a body larger than {@link SMALL_BODY} or of unknown length (leaving
 * the context costs an AsyncContextFrame per request, ~4% of a small JSON
 * POST: issue 14), and never for a body whose own code still reads the
 * context.
 */
function writeOutsideContext(ctx: Context, response: Response): boolean {
  const request = ctx.request
  if (!request.hasBody) return false
  const length = request.contentLength
  return (length === null || length > SMALL_BODY) && !runsUserCode(response.body)
}

/** Writes the response, then finishes the request. */
function send(ctx: Context, response: Response, res: ServerResponse, start: number): void | Promise<void> {
  let written: void | Promise<void>
  try {
    const request = ctx.request
    echoRequestId(ctx.app, request, response)
    const req = request.raw!
    // A body the client is still sending (a refused upload) cannot be left
    // on a keep-alive connection.
    const closeConnection = !req.complete && request.hasBody && !request.bodyReceived
    const head = req.method === 'HEAD'
    written = writeOutsideContext(ctx, response)
      ? runOutsideContext(writeNodeResponse, res, response, head, closeConnection)
      : writeNodeResponse(res, response, head, closeConnection)
  } catch (err) {
    ctx.app.logger.error({ err, requestId: ctx.request.id }, 'Failed to send the response')
    fallback500(res)
    written = undefined
  }
  if (written !== undefined) return sendAsync(ctx, res, start, response, written)
  response.close()
  return finish(ctx, res, start)
}

/** {@link send} for a streamed body: waits for it to be handed over. */
async function sendAsync(ctx: Context, res: ServerResponse, start: number, response: Response, written: Promise<void>): Promise<void> {
  try {
    await written
  } catch (err) {
    ctx.app.logger.error({ err, requestId: ctx.request.id }, 'Failed to send the response')
    fallback500(res)
  } finally {
    response.close()
  }
  await finish(ctx, res, start)
}

/** The access line, then teardown when there is any. */
function finish(ctx: Context, res: ServerResponse, start: number): void | Promise<void> {
  if (start >= 0) logAccess(ctx.app, ctx.request, res.statusCode, start)
  return finishRequest(ctx)
}

/** The Node adapter's side of {@link runRequest}: a module constant, so no closure is made per request. */
const NODE_RESPONDER: Responder<ServerResponse, number, void | Promise<void>> = { send, fail: serveFailed, responseTimeout: NODE_RESPONSE_TIMEOUT }

function unexpected(app: AppCore, res: ServerResponse, err: unknown): void {
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
export function toNodeHandler(app: AppCore): (req: IncomingMessage, res: ServerResponse) => void {
  routeTableOf(app)
  return function phialNodeHandler(req: IncomingMessage, res: ServerResponse): void {
    const start = accessLogStart(app)
    const ctx = createRequestContext(app, {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      remoteAddr: req.socket.remoteAddress ?? null,
      secure: (req.socket as TLSSocket).encrypted === true,
      body: req,
      raw: req,
    })
    try {
      const served = runRequest(ctx, NODE_RESPONDER, res, start)
      if (served !== undefined) served.catch((err: unknown) => unexpected(app, res, err))
    } catch (err) {
      unexpected(app, res, err)
    }
  }
}

/**
 * A `'checkContinue'` listener for `Expect: 100-continue` requests: it sends
 * `100 Continue` only once the app starts reading the body, so a body the
 * app refuses at once (a declared `Content-Length` over the limit is a 413
 * before reading) is never sent. Without it Node answers 100 to every such
 * request before the app sees it. `app.run` and `phial serve` install it.
 *
 * @example
 * ```ts
 * const handler = toNodeHandler(app)
 * const server = createServer(handler)
 * server.on('checkContinue', toNodeContinueHandler(app, handler))
 * ```
 */
export function toNodeContinueHandler(
  app: AppCore,
  handler: (req: IncomingMessage, res: ServerResponse) => void = toNodeHandler(app),
): (req: IncomingMessage, res: ServerResponse) => void {
  return function phialCheckContinue(req: IncomingMessage, res: ServerResponse): void {
    // the body readers resume the request stream; a refused body is never resumed
    req.once('resume', () => {
      if (!res.headersSent && !res.writableEnded) res.writeContinue()
    })
    handler(req, res)
  }
}
