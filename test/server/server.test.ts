/**
 * Serving: app.run and a graceful close, toNodeHandler in a plain
 * node:http server, app.fetch, server timeouts, client aborts.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { request, session, toNodeHandler } from '../../src/index.ts'
import { applyTimeouts } from '../../src/server/serve.ts'
import { makeApp, rawRequest, rawStatus, sleep, withServer } from '../core/helpers.ts'

describe('app.run', () => {
  it('listens on a free port, answers, and closes cleanly while an in-flight request completes', async () => {
    const app = makeApp()
    let started!: () => void
    const inFlight = new Promise<void>((r) => (started = r))
    app.get('/slow', async function slow() { started(); await sleep(150); return 'finished' })
    app.get('/', function index() { return 'hi' })
    const srv = await app.run({ port: 0, announce: false })
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}`)
    expect(srv.server.listening).toBe(true)
    expect(await (await fetch(srv.url + '/')).text()).toBe('hi')
    const pending = fetch(srv.url + '/slow').then((r) => r.text())
    await inFlight
    const t0 = Date.now()
    await srv.close()
    expect(await pending).toBe('finished')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100)
    expect(srv.server.listening).toBe(false)
    await expect(fetch(srv.url + '/')).rejects.toThrow()
    await srv.close() // twice is fine
  })

  it('announces the URL through the logger unless announce is false', async () => {
    const app = makeApp()
    const lines: string[] = []
    const { pino } = await import('pino')
    const { Writable } = await import('node:stream')
    app.logger = pino({ level: 'info' }, new Writable({ write(c: Buffer, _e, d) { lines.push(c.toString()); d() } }))
    app.get('/', function index() { return '' })
    const srv = await app.run({ port: 0 })
    await srv.close()
    expect(lines.join('')).toContain(`Running on ${srv.url}`)
  })

  it('sets the server timeouts (defaults and options)', async () => {
    const app = makeApp()
    app.get('/', function index() { return '' })
    const srv = await app.run({ port: 0, announce: false })
    expect([srv.server.headersTimeout, srv.server.requestTimeout, srv.server.keepAliveTimeout]).toEqual([20_000, 120_000, 5_000])
    await srv.close()
    const custom = await app.run({ port: 0, announce: false, headersTimeout: 1000, requestTimeout: 2000, keepAliveTimeout: 3000 })
    expect([custom.server.headersTimeout, custom.server.requestTimeout, custom.server.keepAliveTimeout]).toEqual([1000, 2000, 3000])
    await custom.close()
    const plain = createServer()
    applyTimeouts(plain, { keepAliveTimeout: 65_000 })
    expect([plain.headersTimeout, plain.keepAliveTimeout]).toEqual([20_000, 65_000])
  })

  it('a slow client that never finishes its headers is cut off by headersTimeout', async () => {
    const app = makeApp()
    app.get('/', function index() { return 'ok' })
    const srv = await app.run({ port: 0, announce: false, headersTimeout: 300, requestTimeout: 300 })
    try {
      const t0 = Date.now()
      const raw = await rawRequest(srv.port, ['GET / HTTP/1.1\r\nHost: x\r\n'], { idleMs: 3000 })
      expect(Date.now() - t0).toBeLessThan(2900)
      expect(raw === '' || /^HTTP\/1\.1 408/.test(raw)).toBe(true)
    } finally {
      await srv.close()
    }
  })

  it('a client that disconnects in the middle of a streamed response does not break the server', async () => {
    const app = makeApp()
    app.get('/stream', function stream() {
      return (async function* () { for (let i = 0; i < 1000; i++) { yield 'x'.repeat(1024); await sleep(1) } })()
    })
    app.get('/ok', function ok() { return 'ok' })
    await withServer(app, async (srv) => {
      const controller = new AbortController()
      const res = await fetch(srv.url + '/stream', { signal: controller.signal })
      const reader = res.body!.getReader()
      await reader.read()
      controller.abort()
      await sleep(20)
      expect(await (await fetch(srv.url + '/ok')).text()).toBe('ok')
    })
  })
})

describe('toNodeHandler', () => {
  it('mounts the app in a plain node:http server', async () => {
    const app = makeApp()
    app.config.SECRET_KEY = 'k'
    app.post('/hello/<name>', function hello({ name }) {
      session.set('name', name)
      return { hello: name, body: request.json, remote: request.remoteAddr }
    })
    const server: Server = createServer(toNodeHandler(app))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const port = (server.address() as AddressInfo).port
      const res = await fetch(`http://127.0.0.1:${port}/hello/ada`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"x":1}' })
      expect(await res.json()).toEqual({ hello: 'ada', body: { x: 1 }, remote: '127.0.0.1' })
      expect(res.headers.getSetCookie()[0]).toMatch(/^session=/)
      expect((await fetch(`http://127.0.0.1:${port}/missing`)).status).toBe(404)
    } finally {
      await new Promise((r) => server.close(r))
    }
  })

  it('can sit behind another listener that handles some paths itself', async () => {
    const app = makeApp()
    app.get('/app', function appView() { return 'from phial' })
    const handler = toNodeHandler(app)
    const server = createServer((req, res) => {
      if (req.url === '/health') res.end('healthy')
      else handler(req, res)
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      expect(await (await fetch(base + '/health')).text()).toBe('healthy')
      expect(await (await fetch(base + '/app')).text()).toBe('from phial')
    } finally {
      await new Promise((r) => server.close(r))
    }
  })
})

describe('app.fetch', () => {
  it('handles WHATWG Requests: method, headers, body, query, cookies, HEAD', async () => {
    const app = makeApp()
    app.route('/items', { methods: ['GET', 'POST'] }, function items() {
      return [{ method: request.method, q: request.args.get('q') ?? null, body: request.isJson ? request.json : null, form: request.form.toObject(), host: request.host, scheme: request.scheme, remote: request.remoteAddr }, 201, { 'X-Items': '1' }] as [object, number, Record<string, string>]
    })
    app.get('/cookie', function cookie() { return new globalThis.Response('c', { headers: [['set-cookie', 'a=1'], ['set-cookie', 'b=2']] }) })
    const res = await app.fetch(new Request('https://api.example/items?q=x', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n":1}' }), { remoteAddr: '192.0.2.1' })
    expect([res.status, res.headers.get('x-items'), res.headers.get('content-type')]).toEqual([201, '1', 'application/json'])
    expect(await res.json()).toEqual({ method: 'POST', q: 'x', body: { n: 1 }, form: {}, host: 'api.example', scheme: 'https', remote: '192.0.2.1' })
    const form = await app.fetch(new Request('http://h/items', { method: 'POST', body: new URLSearchParams({ a: 'b' }) }))
    expect(((await form.json()) as { form: unknown }).form).toEqual({ a: 'b' })
    const head = await app.fetch(new Request('http://h/items', { method: 'HEAD' }))
    expect([head.status, await head.text()]).toEqual([201, ''])
    const cookies = await app.fetch(new Request('http://h/cookie'))
    expect(cookies.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect((await app.fetch(new Request('http://h/nope'))).status).toBe(404)
  })

  it('streams bodies and enforces MAX_CONTENT_LENGTH on a streamed request body', async () => {
    const app = makeApp()
    app.config.MAX_CONTENT_LENGTH = 10
    app.post('/', function index() { return String(request.data.length) })
    app.get('/gen', function gen() { return (function* () { yield 'a'; yield 'b' })() })
    const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('x'.repeat(20))); c.close() } })
    const res = await app.fetch(new Request('http://h/', { method: 'POST', body: stream, duplex: 'half' } as RequestInit))
    expect(res.status).toBe(413)
    expect(await (await app.fetch(new Request('http://h/gen'))).text()).toBe('ab')
  })
})

describe('raw and malformed requests', () => {
  function rawApp() {
    const app = makeApp()
    app.route('/echo', { methods: ['GET', 'POST'] }, function echo() {
      return { path: request.path, q: request.args.get('x') ?? null, len: request.data.length }
    })
    app.get('/', function index() { return 'ok' })
    return app
  }

  it('bad percent-escapes, absolute-form targets and pipelining', async () => {
    await withServer(rawApp(), async (srv) => {
      const bad = await rawRequest(srv.port, ['GET /%ff%fe%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
      expect(bad).toMatch(/^HTTP\/1\.1 404/)
      const absolute = await rawRequest(srv.port, ['GET http://example.com/echo?x=1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n'])
      expect(absolute).toMatch(/^HTTP\/1\.1 200/)
      expect(absolute).toContain('{"path":"/echo","q":"1","len":0}')
      const star = await rawRequest(srv.port, ['OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
      expect(star).toMatch(/^HTTP\/1\.1 \d{3}/)
      const pipelined = await rawRequest(srv.port, [
        'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /echo?x=2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      ])
      expect(pipelined.match(/\{[^}]+\}/g)).toEqual(['{"path":"/echo","q":null,"len":3}', '{"path":"/echo","q":"2","len":0}'])
    })
  })

  it('garbage, bad headers and a bad Content-Length are a 400 from the parser; the server lives on', async () => {
    await withServer(rawApp(), async (srv) => {
      expect(rawStatus(await rawRequest(srv.port, ['GARBAGE\r\n\r\n']))).toBe(400)
      expect(rawStatus(await rawRequest(srv.port, ['GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n']))).toBe(400)
      expect(rawStatus(await rawRequest(srv.port, ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n']))).toBe(400)
      expect(rawStatus(await rawRequest(srv.port, ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n']))).toBe(400)
      expect(await (await fetch(srv.url + '/')).text()).toBe('ok')
    })
  })

  it('a client that sends less body than announced and hangs up does not break the server', async () => {
    const app = rawApp()
    const torn: unknown[] = []
    app.teardownRequest((err) => { torn.push(err) })
    await withServer(app, async (srv) => {
      await rawRequest(srv.port, ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":'], { idleMs: 50 })
      for (let i = 0; i < 50 && torn.length === 0; i++) await sleep(10)
      expect(await (await fetch(srv.url + '/')).text()).toBe('ok')
    })
  })
})
