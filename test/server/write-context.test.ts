/**
 * Which responses the Node adapter writes outside the request's context
 * (src/server/node.ts, writeOutsideContext): those to requests with a body
 * over 4 KiB or of unknown length, so that Node's write requests and
 * keep-alive timer do not keep a large body alive; a small body's response
 * is written inside it, as a GET's (leaving the context costs a frame per
 * request: issue 14).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contextStorage } from '../../src/core/context.ts'
import { request, toNodeHandler } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

const inside: boolean[] = []
let server: ReturnType<typeof createServer>
let port = 0

beforeAll(async () => {
  const app = makeApp()
  app.post('/echo', function echo() {
    return { n: JSON.stringify(request.json).length }
  })
  app.get('/get', function get() {
    return { ok: true }
  })
  const handler = toNodeHandler(app)
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const end = res.end
    res.end = function (this: ServerResponse, ...args: unknown[]) {
      inside.push(contextStorage.getStore() !== undefined)
      return (end as (...a: unknown[]) => ServerResponse).apply(this, args)
    } as typeof res.end
    handler(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

function send(method: string, path: string, body: string | null, chunked = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = body === null ? {} : { 'content-type': 'application/json' }
    if (body !== null) headers[chunked ? 'transfer-encoding' : 'content-length'] = chunked ? 'chunked' : String(Buffer.byteLength(body))
    const req = httpRequest({ port, host: '127.0.0.1', method, path, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    if (body !== null) req.end(body)
    else req.end()
  })
}

describe('the Node adapter writes large bodies\' responses outside the context', () => {
  it('a GET and a small JSON POST inside it; a 5 KiB and a chunked POST outside', async () => {
    const small = JSON.stringify({ task: 'write the benchmark', priority: 2 })
    const large = JSON.stringify({ task: 'x'.repeat(5000) })
    inside.length = 0
    expect(await send('GET', '/get', null)).toBe(200)
    expect(await send('POST', '/echo', small)).toBe(200)
    expect(await send('POST', '/echo', large)).toBe(200)
    expect(await send('POST', '/echo', small, true)).toBe(200)
    expect(inside).toEqual([true, true, false, false])
  })
})
