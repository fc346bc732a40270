import { describe, expect, it } from 'vitest'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { connect } from 'node:net'
import { readBody } from '../../src/http/body.ts'
import { parseMultipart } from '../../src/http/multipart.ts'
import { ClientDisconnected, HTTPException } from '../../src/http/exceptions.ts'
import { listen } from './raw-server.ts'

function withTimeout<T>(promise: Promise<T>, ms = 3000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms).unref()),
  ])
}

describe('with a real Node IncomingMessage', () => {
  it('a streamed body over the limit is a 413 the client still receives', async () => {
    const port = await listen((req, res) => {
      readBody(req, { limit: 1000 }).then(
        () => res.end('ok'),
        (err: HTTPException) => {
          res.statusCode = err.code
          res.end(err.name)
        },
      )
    })
    const status = await withTimeout(
      new Promise<number>((resolve, reject) => {
        // chunked: no Content-Length, so the limit is hit while streaming
        const req = httpRequest({ port, method: 'POST', host: '127.0.0.1' }, (res) => {
          res.resume()
          resolve(res.statusCode ?? 0)
        })
        req.on('error', reject)
        req.write(Buffer.alloc(800))
        req.write(Buffer.alloc(800))
        req.end()
      }),
    )
    expect(status).toBe(413)
  })

  it('a client that disconnects mid-body rejects readBody with ClientDisconnected', async () => {
    let settle!: (v: unknown) => void
    const outcome = new Promise((r) => (settle = r))
    const port = await listen((req) => {
      readBody(req, { limit: null }).then(settle, settle)
    })
    const socket = connect(port, '127.0.0.1')
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial')
    setTimeout(() => socket.destroy(), 50)
    expect(await withTimeout(outcome)).toBeInstanceOf(ClientDisconnected)
  })

  it('a client that disconnects mid-multipart rejects parseMultipart with ClientDisconnected', async () => {
    let settle!: (v: unknown) => void
    const outcome = new Promise((r) => (settle = r))
    const port = await listen((req) => {
      parseMultipart(req, req.headers['content-type'] ?? '', { spoolThreshold: 10 }).then(settle, settle)
    })
    const socket = connect(port, '127.0.0.1')
    socket.write(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 5000\r\n\r\n' +
        '--b\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n' +
        'x'.repeat(100),
    )
    setTimeout(() => socket.destroy(), 50)
    expect(await withTimeout(outcome)).toBeInstanceOf(ClientDisconnected)
  })
})
