/** The same behaviours over a real socket, through the Node adapter. */
import { request as httpRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from 'phial'
import { makeApp, makeFixture, withAdmin, type Fixture } from './fixture.ts'

let fx: Fixture
let srv: RunningServer
beforeAll(async () => {
  fx = makeFixture()
  const app = makeApp(fx.root)
  app.config.TESTING = false
  app.config.SEND_FILE_MAX_AGE_DEFAULT = 600
  withAdmin(app, fx.root)
  srv = await app.run({ port: 0, announce: false })
})
afterAll(async () => {
  await srv?.close()
  fx?.cleanup()
})

/** A raw request: the path is sent exactly as written (fetch would normalise `..` and `%2e%2e`). */
function raw(path: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(srv.url)
    const req = httpRequest({ host: u.hostname, port: u.port, path, method }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('over HTTP', () => {
  it('200 with validators, caching and Accept-Ranges', async () => {
    const res = await fetch(`${srv.url}/static/hello.txt`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('Hello, static world!')
    expect(res.headers.get('etag')).toMatch(/^"/)
    expect(res.headers.get('last-modified')).toBe('Tue, 02 Jan 2024 03:04:05 GMT')
    expect(res.headers.get('cache-control')).toBe('public, max-age=600')
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(res.headers.get('content-length')).toBe('20')
  })

  it('304 on If-None-Match and on If-Modified-Since, with no body', async () => {
    const first = await fetch(`${srv.url}/static/hello.txt`)
    const etag = first.headers.get('etag')!
    await first.arrayBuffer()
    const byEtag = await fetch(`${srv.url}/static/hello.txt`, { headers: { 'if-none-match': etag } })
    expect(byEtag.status).toBe(304)
    expect((await byEtag.arrayBuffer()).byteLength).toBe(0)
    expect(byEtag.headers.get('etag')).toBe(etag)
    const byDate = await fetch(`${srv.url}/static/hello.txt`, { headers: { 'if-modified-since': first.headers.get('last-modified')! } })
    expect(byDate.status).toBe(304)
    expect((await byDate.arrayBuffer()).byteLength).toBe(0)
  })

  it('206 with the right bytes, 416 when unsatisfiable', async () => {
    const part = await fetch(`${srv.url}/static/big.bin`, { headers: { range: 'bytes=1048576-1049599' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 1048576-1049599/${fx.big.length}`)
    expect(part.headers.get('content-length')).toBe('1024')
    expect(Buffer.from(await part.arrayBuffer()).equals(fx.big.subarray(1048576, 1049600))).toBe(true)
    const tail = await fetch(`${srv.url}/static/hello.txt`, { headers: { range: 'bytes=-7' } })
    expect(tail.status).toBe(206)
    expect(await tail.text()).toBe('Hello, static world!'.slice(-7))
    const bad = await fetch(`${srv.url}/static/hello.txt`, { headers: { range: 'bytes=50-' } })
    expect(bad.status).toBe(416)
    expect(bad.headers.get('content-range')).toBe('bytes */20')
    await bad.arrayBuffer()
  })

  it('HEAD has Content-Length and no body', async () => {
    const res = await fetch(`${srv.url}/static/big.bin`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe(String(fx.big.length))
    expect(res.headers.get('etag')).not.toBeNull()
    expect((await res.arrayBuffer()).byteLength).toBe(0)
    const rawHead = await raw('/static/hello.txt', 'HEAD')
    expect(rawHead.body).toBe('')
  })

  it('streams a 5 MB file intact', async () => {
    const res = await fetch(`${srv.url}/static/big.bin`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/octet-stream')
    const body = Buffer.from(await res.arrayBuffer())
    expect(body.length).toBe(fx.big.length)
    expect(body.equals(fx.big)).toBe(true)
  })

  it('serves blueprint static files', async () => {
    const res = await fetch(`${srv.url}/admin/admin-static/admin.css`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('.admin {}')
  })

  it.each([
    '/static/../secret.txt',
    '/static/%2e%2e/secret.txt',
    '/static/..%2fsecret.txt',
    '/static/..%5csecret.txt',
    '/static/..\\secret.txt',
    '/static/subdir/../../secret.txt',
    '/static/hello.txt%00',
    '/admin/admin-static/../../secret.txt',
  ])('traversal %s → 404', async (path) => {
    const res = await raw(path)
    expect(res.status).toBe(404)
    expect(res.body).not.toContain('top secret')
  })
})

describe('through app.fetch (WHATWG)', () => {
  it('streams a range of a file and answers 304', async () => {
    const app = makeApp(fx.root)
    const part = await app.fetch(new Request('http://localhost/static/big.bin', { headers: { range: 'bytes=10-19' } }))
    expect(part.status).toBe(206)
    expect(Buffer.from(await part.arrayBuffer()).equals(fx.big.subarray(10, 20))).toBe(true)
    const etag = part.headers.get('etag')!
    const again = await app.fetch(new Request('http://localhost/static/big.bin', { headers: { 'if-none-match': etag } }))
    expect(again.status).toBe(304)
    expect(await again.text()).toBe('')
  })
})
