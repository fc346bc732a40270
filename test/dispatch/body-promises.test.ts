/**
 * A CPU-independent guard of the path of a request with a small JSON body
 * (issue 14): the promises it makes, counted with async_hooks from the
 * handler's call to the response's end. Awaiting a ready Response in the
 * pipeline, or reading the body through another async layer, adds to it.
 */
import { createHook } from 'node:async_hooks'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { request, toNodeHandler } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

const BODY = JSON.stringify({ task: 'write the benchmark', priority: 2, tags: ['bench', 'rest'] })

function post(handler: (req: IncomingMessage, res: ServerResponse) => void, counts: Record<string, number> | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = new Readable({ read() {} }) as Readable & Record<string, unknown>
    Object.assign(req, {
      method: 'POST',
      url: '/todos',
      headers: { host: 'localhost', 'content-type': 'application/json', 'content-length': String(BODY.length) },
      socket: { remoteAddress: '127.0.0.1', encrypted: false },
      complete: true,
    })
    let status = 0
    const res = {
      statusCode: 200,
      headersSent: false,
      writableEnded: false,
      writeHead(s: number) {
        status = s
        this.statusCode = s
        this.headersSent = true
        return this
      },
      end(body?: string | Uint8Array) {
        this.writableEnded = true
        hook?.disable()
        resolve({ status, body: String(body ?? '') })
      },
      on() {
        return this
      },
      once() {
        return this
      },
    }
    const hook = counts === null ? null : createHook({ init(_id, type) { counts[type] = (counts[type] ?? 0) + 1 } })
    hook?.enable()
    handler(req as unknown as IncomingMessage, res as unknown as ServerResponse)
    req.push(BODY)
    req.push(null)
  })
}

describe('a small JSON POST', () => {
  it('makes at most 8 promises from the handler to the response', async () => {
    const app = makeApp()
    app.post('/todos', function todos() {
      return [{ id: 1, ...(request.json as object) }, 201]
    })
    const handler = toNodeHandler(app)
    for (let i = 0; i < 3; i++) expect((await post(handler, null)).status).toBe(201)
    const counts: Record<string, number> = {}
    const { status, body } = await post(handler, counts)
    expect(status).toBe(201)
    expect(JSON.parse(body)).toEqual({ id: 1, task: 'write the benchmark', priority: 2, tags: ['bench', 'rest'] })
    expect(counts.PROMISE ?? 0).toBeLessThanOrEqual(8)
  })
})
