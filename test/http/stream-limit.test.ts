/**
 * Issue 18: a `streamBody: true` route skipped MAX_CONTENT_LENGTH, so
 * `request.stream` passed on a body of any size. It is bounded now, as
 * Werkzeug's `LimitedStream` under `max_content_length`: a declared length
 * above the limit is a 413 before anything is read (and no `100 Continue`),
 * a longer chunked body a 413 as soon as the limit is crossed; a route sets
 * `request.maxContentLength` (Flask 3.1's `request.max_content_length`) to
 * raise it or `null` to lift it.
 */
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { limitStream } from '../../src/http/body.ts'
import { RequestEntityTooLarge } from '../../src/index.ts'
import { request } from '../../src/index.ts'
import { makeApp, rawRequest, rawStatus, withServer } from '../core/helpers.ts'

async function count(stream: AsyncIterable<unknown>): Promise<number> {
  let n = 0
  for await (const chunk of stream) n += (chunk as Buffer).length
  return n
}

function streamingApp(limit: number | null) {
  const app = makeApp()
  app.config.MAX_CONTENT_LENGTH = limit
  app.post('/stream', { streamBody: true }, async function stream() {
    return { n: await count(request.stream) }
  })
  app.post('/big', { streamBody: true }, async function big() {
    request.maxContentLength = 1_000_000
    return { n: await count(request.stream) }
  })
  app.post('/unbounded', { streamBody: true }, async function unbounded() {
    request.maxContentLength = null
    return { n: await count(request.stream) }
  })
  return app
}

describe('request.stream of a streamBody route is bounded by MAX_CONTENT_LENGTH', () => {
  it('test client: within the limit it streams; over it, a 413 naming MAX_CONTENT_LENGTH', async () => {
    const c = streamingApp(100).testClient()
    expect((await c.post('/stream', { data: 'x'.repeat(100) })).json).toEqual({ n: 100 })
    const refused = await c.post('/stream', { data: 'x'.repeat(101) })
    expect(refused.status).toBe(413)
    expect(refused.text).toContain('larger than the limit of 100 bytes (MAX_CONTENT_LENGTH)')
    // a route raises or lifts its own limit
    expect((await c.post('/big', { data: 'x'.repeat(5000) })).json).toEqual({ n: 5000 })
    expect((await c.post('/unbounded', { data: 'x'.repeat(5000) })).json).toEqual({ n: 5000 })
  })

  it('over a socket: a chunked body is cut off at the limit with a 413, a declared one refused before reading', async () => {
    await withServer(streamingApp(1000), async (srv) => {
      // chunked, no Content-Length: the 413 comes once the limit is crossed
      async function* chunks(): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < 50; i++) yield new Uint8Array(100)
      }
      const chunked = await fetch(srv.url + '/stream', { method: 'POST', body: Readable.toWeb(Readable.from(chunks())) as ReadableStream, duplex: 'half' } as RequestInit)
      expect(chunked.status).toBe(413)
      const fine = await fetch(srv.url + '/stream', { method: 'POST', body: 'y'.repeat(1000) })
      expect(await fine.json()).toEqual({ n: 1000 })
      const raised = await fetch(srv.url + '/big', { method: 'POST', body: 'z'.repeat(100_000) })
      expect(await raised.json()).toEqual({ n: 100_000 })
      // a declared length above the limit: 413 without 100 Continue, the body never asked for
      const raw = await rawRequest(srv.port, [`POST /stream HTTP/1.1\r\nHost: x\r\nContent-Length: ${50 * 1024 * 1024}\r\nExpect: 100-continue\r\n\r\n`])
      expect(rawStatus(raw)).toBe(413)
      expect(raw).not.toContain('100 Continue')
    })
  })

  it('limitStream: passes the bytes within the limit, errors past it, and returns the source for no limit', async () => {
    expect(await count(limitStream(Readable.from([Buffer.alloc(40), Buffer.alloc(60)]), { limit: 100 }))).toBe(100)
    await expect(count(limitStream(Readable.from([Buffer.alloc(40), Buffer.alloc(61)]), { limit: 100 }))).rejects.toBeInstanceOf(RequestEntityTooLarge)
    expect(() => limitStream(Readable.from([]), { limit: 10, declaredLength: 11, limitName: 'X' })).toThrow('(X)')
    const source = Readable.from([Buffer.alloc(5)])
    expect(limitStream(source, { limit: null })).toBe(source)
    expect(() => {
      const app = makeApp()
      app.testRequestContext('/', () => {
        request.maxContentLength = -1
      })
    }).toThrow(RangeError)
  })
})
