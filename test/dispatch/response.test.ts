/**
 * Responses: every view return form, makeResponse, jsonify, redirect, abort,
 * HTTP exception pages, cookies and header-injection guards.
 */
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import {
  Forbidden,
  HeaderMap,
  NotFound,
  Response,
  TooManyRequests,
  abort,
  jsonify,
  makeResponse,
  redirect,
  request,
} from '../../src/index.ts'
import { makeApp, rawRequest, recordLogs, withServer } from '../core/helpers.ts'

describe('view return values', () => {
  function returnsApp() {
    const app = makeApp()
    app.get('/string', function string() { return '<b>hi</b>' })
    app.get('/object', function object() { return { a: 1, nested: { b: [true, null] } } })
    app.get('/array', function array() { return [1, 2, 3] })
    app.get('/array2', function array2() { return jsonify([1, 200]) })
    app.get('/response', function response() { return new Response('plain', { status: 202, mimetype: 'text/plain' }) })
    app.get('/web', function web() {
      const headers = new Headers({ 'content-type': 'text/csv', 'x-web': '1' })
      headers.append('set-cookie', 'a=1; Path=/')
      headers.append('set-cookie', 'b=2; Path=/')
      return new globalThis.Response('x,y\n1,2\n', { status: 201, headers })
    })
    app.get('/web-stream', function webStream() {
      return new globalThis.Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('web ')); c.enqueue(new TextEncoder().encode('stream')); c.close() } }))
    })
    app.get('/bytes', function bytes() { return new Uint8Array([104, 105]) })
    app.get('/readable', function readable() { return Readable.from(['a', 'b', 'c']) })
    app.get('/async-gen', function asyncGen() {
      return (async function* () { yield 'x'; await new Promise((r) => setTimeout(r, 5)); yield new TextEncoder().encode('y') })()
    })
    app.get('/sync-gen', function syncGen() { return (function* () { yield 'one,'; yield 'two' })() })
    app.get('/tuple2', function tuple2() { return ['created', 201] as [string, number] })
    app.get('/tuple3', function tuple3() { return [{ ok: true }, 202, { 'X-A': 'b' }] as [object, number, Record<string, string>] })
    app.get('/tuple-headers', function tupleHeaders() { return ['with headers', new HeaderMap({ 'X-H': 'v' })] as [string, HeaderMap] })
    app.get('/tuple-web-headers', function tupleWebHeaders() { return ['h', 203, new Headers({ 'X-W': 'w' })] as [string, number, Headers] })
    app.get('/async', async function asyncView() { await new Promise((r) => setTimeout(r, 1)); return 'later' })
    app.get('/empty204', function empty204() { return ['', 204] as [string, number] })
    return app
  }

  const expectations: Array<[string, number, string | null, string | ((body: string) => void), Record<string, string>?]> = [
    ['/string', 200, 'text/html; charset=utf-8', '<b>hi</b>'],
    ['/object', 200, 'application/json', '{"a":1,"nested":{"b":[true,null]}}'],
    ['/array', 200, 'application/json', '[1,2,3]'],
    ['/array2', 200, 'application/json', '[1,200]'],
    ['/response', 202, 'text/plain; charset=utf-8', 'plain'],
    ['/web', 201, 'text/csv', 'x,y\n1,2\n', { 'x-web': '1' }],
    ['/web-stream', 200, null, 'web stream'],
    ['/bytes', 200, 'text/html; charset=utf-8', 'hi'],
    ['/readable', 200, 'text/html; charset=utf-8', 'abc'],
    ['/async-gen', 200, 'text/html; charset=utf-8', 'xy'],
    ['/sync-gen', 200, 'text/html; charset=utf-8', 'one,two'],
    ['/tuple2', 201, 'text/html; charset=utf-8', 'created'],
    ['/tuple3', 202, 'application/json', '{"ok":true}', { 'x-a': 'b' }],
    ['/tuple-headers', 200, 'text/html; charset=utf-8', 'with headers', { 'x-h': 'v' }],
    ['/tuple-web-headers', 203, 'text/html; charset=utf-8', 'h', { 'x-w': 'w' }],
    ['/async', 200, 'text/html; charset=utf-8', 'later'],
    ['/empty204', 204, 'text/html; charset=utf-8', ''],
  ]

  it('over the test client', async () => {
    const c = returnsApp().testClient()
    for (const [path, status, type, body, headers] of expectations) {
      const res = await c.get(path)
      expect([path, res.status]).toEqual([path, status])
      if (type !== null) expect([path, res.headers.get('content-type')]).toEqual([path, type])
      expect([path, res.text]).toEqual([path, body])
      for (const [k, v] of Object.entries(headers ?? {})) expect(res.headers.get(k)).toBe(v)
    }
    const web = await c.get('/web')
    expect(web.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
  })

  it('over real HTTP', async () => {
    const app = returnsApp()
    await withServer(app, async (srv) => {
      for (const [path, status, type, body, headers] of expectations) {
        const res = await fetch(srv.url + path)
        expect([path, res.status]).toEqual([path, status])
        if (type !== null) expect([path, res.headers.get('content-type')]).toEqual([path, type])
        expect([path, await res.text()]).toEqual([path, body])
        for (const [k, v] of Object.entries(headers ?? {})) expect(res.headers.get(k)).toBe(v)
      }
      const web = await fetch(srv.url + '/web')
      expect(web.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; Path=/'])
      const streamed = await rawRequest(srv.port, ['GET /async-gen HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
      expect(streamed).toMatch(/transfer-encoding: chunked/i)
      const fixed = await rawRequest(srv.port, ['GET /string HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
      expect(fixed).toMatch(/content-length: 9\r\n/i)
      const noContent = await rawRequest(srv.port, ['GET /empty204 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
      expect(noContent).toMatch(/^HTTP\/1\.1 204/)
      expect(noContent).not.toMatch(/content-length/i)
    })
  })

  it('a streamed body still sees the request context while it is being sent', async () => {
    const app = makeApp()
    app.get('/ctx', function ctxStream() {
      return (async function* () {
        await new Promise((r) => setTimeout(r, 2))
        yield `path=${request.path};`
        yield `q=${request.args.get('q')}`
      })()
    })
    expect((await app.testClient().get('/ctx?q=1')).text).toBe('path=/ctx;q=1')
    expect(await (await app.fetch(new Request('http://h/ctx?q=2'))).text()).toBe('path=/ctx;q=2')
    await withServer(app, async (srv) => {
      expect(await (await fetch(srv.url + '/ctx?q=3')).text()).toBe('path=/ctx;q=3')
    })
  })

  it('a view returning undefined (or a bad value) is a 500 whose error names the view', async () => {
    const app = makeApp()
    const logs = recordLogs(app, 'error')
    app.get('/none', function forgotReturn() { /* no return */ } as never)
    app.get('/num', function number() { return 42 as never })
    app.get('/ok', function ok() { return 'ok' })
    const c = app.testClient()
    const res = await c.get('/none')
    expect(res.status).toBe(500)
    expect(res.text).toContain('Internal Server Error')
    expect(res.text).not.toContain('forgotReturn') // no details for the client
    expect(logs.at(-1)!.err!.message).toMatch(/view function for 'forgotReturn' did not return a valid response/)
    expect((await c.get('/num')).status).toBe(500)
    expect(logs.at(-1)!.err!.message).toMatch(/'number'.*returned a number/)
    expect((await c.get('/ok')).text).toBe('ok')

    const testing = makeApp()
    testing.config.TESTING = true
    testing.get('/none', function forgotReturn() { return undefined as never })
    await expect(testing.testClient().get('/none')).rejects.toThrow(/view function for 'forgotReturn' did not return a valid response/)
  })
})

describe('makeResponse, jsonify, redirect', () => {
  it('makeResponse takes the same forms as a view', async () => {
    const app = makeApp()
    app.get('/', function index() {
      const res = makeResponse('body', 201, { 'X-Made': '1' })
      res.setCookie('made', 'yes')
      return res
    })
    app.get('/obj', function obj() { return makeResponse({ a: 1 }) })
    app.get('/hdr', function hdr() { return makeResponse('x', { 'X-Only': 'h' }) })
    app.get('/empty', function empty() { return makeResponse() })
    const c = app.testClient()
    const res = await c.get('/')
    expect([res.status, res.text, res.headers.get('x-made'), res.headers.getSetCookie()]).toEqual([201, 'body', '1', ['made=yes; Path=/']])
    expect((await c.get('/obj')).json).toEqual({ a: 1 })
    expect((await c.get('/hdr')).headers.get('x-only')).toBe('h')
    expect((await c.get('/empty')).text).toBe('')
    expect(makeResponse(['t', 418]).status).toBe(418)
    expect(makeResponse(new Uint8Array([1])).contentLength).toBe(1)
  })

  it('jsonify sets the type and status; a value JSON cannot encode is an error', () => {
    const res = jsonify({ ok: true }, { status: 201, headers: { 'X-J': '1' } })
    expect([res.status, res.mimetype, res.body, res.headers.get('x-j')]).toEqual([201, 'application/json', '{"ok":true}', '1'])
    expect(() => jsonify(undefined)).toThrow(/not JSON-serialisable/)
    expect(jsonify('s').body).toBe('"s"')
  })

  it('redirect: codes, body, and CR/LF in the location cannot inject a header', async () => {
    for (const code of [301, 302, 303, 307, 308]) {
      const r = redirect('/target', code)
      expect([r.status, r.location]).toEqual([code, '/target'])
    }
    expect(redirect('/x').status).toBe(302)
    expect(() => redirect('/x', 200)).toThrow(RangeError)
    expect(redirect('/a b?q=é').location).toBe('/a%20b?q=%C3%A9')
    expect(redirect('/ok"<>').body).toContain('href="/ok%22%3C%3E"')
    const app = makeApp()
    app.get('/go', function go() { return redirect(`/next?u=${'x\r\nSet-Cookie: evil=1'}`) })
    const res = await app.testClient().get('/go')
    expect(res.location).toBe('/next?u=x%0D%0ASet-Cookie:%20evil=1')
    expect(res.headers.getSetCookie()).toEqual([])
    await withServer(app, async (srv) => {
      const raw = await rawRequest(srv.port, ['GET /go HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
      expect(raw).toMatch(/^HTTP\/1\.1 302/)
      expect(raw).not.toMatch(/^set-cookie/im)
    })
  })
})

describe('abort and HTTP exceptions', () => {
  function abortApp() {
    const app = makeApp()
    app.get('/404', function nf() { abort(404) })
    app.get('/403', function fb() { abort(403, 'Not <yours>.') })
    app.get('/resp', function resp() { abort(new Response('teapot', { status: 418, mimetype: 'text/plain' })) })
    app.get('/raise', function raise() { throw new TooManyRequests('Slow down.', { retryAfter: 30 }) })
    app.get('/async', async function asyncAbort() { await Promise.resolve(); abort(410) })
    return app
  }

  it('renders HTML by default and JSON for a client that asks for JSON', async () => {
    const c = abortApp().testClient()
    const nf = await c.get('/404')
    expect([nf.status, nf.mimetype]).toEqual([404, 'text/html'])
    expect(nf.text).toContain('<title>404 Not Found</title>')
    expect(nf.text).toContain(NotFound.description)
    const fb = await c.get('/403')
    expect(fb.status).toBe(403)
    expect(fb.text).toContain('Not &lt;yours&gt;.')
    const json = await c.get('/403', { headers: { accept: 'application/json' } })
    expect(json.mimetype).toBe('application/json')
    expect(json.json).toEqual({ code: 403, name: 'Forbidden', description: 'Not <yours>.' })
    const browser = await c.get('/403', { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } })
    expect(browser.mimetype).toBe('text/html')
    const jsonBody = await c.post('/403', { json: {} })
    expect(jsonBody.status).toBe(405)
    expect(jsonBody.mimetype).toBe('application/json') // a JSON request without Accept gets JSON
    const teapot = await c.get('/resp')
    expect([teapot.status, teapot.text]).toEqual([418, 'teapot'])
    const tooMany = await c.get('/raise')
    expect([tooMany.status, tooMany.headers.get('retry-after')]).toEqual([429, '30'])
    expect((await c.get('/async')).status).toBe(410)
  })

  it('abort with an unknown code is an error', () => {
    expect(() => abort(299)).toThrow()
    expect(() => abort(403)).toThrow(Forbidden)
  })

  it('over real HTTP', async () => {
    await withServer(abortApp(), async (srv) => {
      const r = await fetch(srv.url + '/403', { headers: { accept: 'application/json' } })
      expect(r.status).toBe(403)
      expect(await r.json()).toEqual({ code: 403, name: 'Forbidden', description: 'Not <yours>.' })
      const t = await fetch(srv.url + '/resp')
      expect([t.status, await t.text()]).toEqual([418, 'teapot'])
    })
  })
})

describe('cookies and headers', () => {
  it('setCookie with every attribute, and deleteCookie', async () => {
    const app = makeApp()
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5))
    app.get('/', function index() {
      const res = new Response('ok')
      res.setCookie('full', 'v a;l', { maxAge: 3600, expires, path: '/p', domain: 'example.com', secure: true, httpOnly: true, sameSite: 'Lax', partitioned: true, priority: 'High' })
      res.setCookie('plain', 'x')
      res.setCookie('nopath', 'y', { path: null })
      res.deleteCookie('old', { path: '/p', domain: 'example.com' })
      return res
    })
    const res = await app.testClient().get('/')
    const [full, plain, nopath, old] = res.headers.getSetCookie()
    expect(full).toBe('full=v%20a%3Bl; Max-Age=3600; Domain=example.com; Path=/p; Expires=Wed, 02 Jan 2030 03:04:05 GMT; HttpOnly; Secure; Partitioned; Priority=High; SameSite=Lax')
    expect(plain).toBe('plain=x; Path=/')
    expect(nopath).toBe('nopath=y')
    expect(old).toBe('old=; Max-Age=0; Domain=example.com; Path=/p; Expires=Thu, 01 Jan 1970 00:00:00 GMT')
  })

  it('maxAge alone also sets Expires', () => {
    const cookie = new Response('').setCookie('a', 'b', { maxAge: 60 }).headers.getSetCookie()[0]!
    const expires = Date.parse(/Expires=([^;]+)/.exec(cookie)![1]!)
    expect(Math.abs(expires - (Date.now() + 60_000))).toBeLessThan(2000)
  })

  it('CR/LF or illegal characters in a cookie or a header are an error, never an injection', async () => {
    const r = new Response('')
    expect(() => r.setCookie('bad name', 'v')).toThrow(TypeError)
    expect(() => r.setCookie('semi;colon', 'v')).toThrow(TypeError)
    expect(() => r.setCookie('n\r\nX-Evil: 1', 'v')).toThrow(TypeError)
    expect(() => r.setCookie('n', 'v', { path: '/\r\nX-Evil: 1' })).toThrow(TypeError)
    expect(() => r.setCookie('n', 'v', { path: '/a;Domain=evil.com' })).toThrow(TypeError)
    expect(() => r.setCookie('n', 'v', { domain: 'evil.com\n' })).toThrow(TypeError)
    expect(() => r.setCookie('n', 'v', { domain: 'a.com; Secure' })).toThrow(TypeError)
    expect(() => r.setCookie('n', 'v', { sameSite: 'Sometimes' as never })).toThrow(TypeError)
    expect(() => r.setCookie('n', 'v', { priority: 'Urgent' as never })).toThrow(TypeError)
    // a value is percent-encoded, so CR/LF and ';' cannot escape it
    r.setCookie('n', 'v\r\nSet-Cookie: evil=1; Domain=x')
    expect(r.headers.getSetCookie()).toEqual(['n=v%0D%0ASet-Cookie%3A%20evil%3D1%3B%20Domain%3Dx; Path=/'])
    expect(() => r.headers.set('X-A', 'v\r\nX-Evil: 1')).toThrow(/CR, LF or NUL/)
    expect(() => r.headers.set('X-A', 'v\nX-Evil: 1')).toThrow(TypeError)
    expect(() => r.headers.append('Bad Name', 'v')).toThrow(/Invalid header name/)
    expect(() => r.headers.set('X-A', 'nul\0')).toThrow(TypeError)
    expect(() => new Response('', { headers: { 'X-A': 'a\r\nb' } })).toThrow(TypeError)
    expect(r.headers.get('x-a')).toBeNull()

    const app = makeApp()
    app.get('/header', function header() { return ['x', 200, { 'X-Evil': 'a\r\nSet-Cookie: pwned=1' }] as [string, number, Record<string, string>] })
    app.get('/cookie', function cookie() { return new Response('').setCookie('a\r\nb', 'c') })
    app.get('/ok', function ok() { return 'ok' })
    const c = app.testClient()
    expect((await c.get('/header')).status).toBe(500)
    expect((await c.get('/cookie')).status).toBe(500)
    await withServer(app, async (srv) => {
      const raw = await rawRequest(srv.port, ['GET /header HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])
      expect(raw).toMatch(/^HTTP\/1\.1 500/)
      expect(raw).not.toMatch(/pwned/)
      expect((await fetch(srv.url + '/ok')).status).toBe(200)
    })
  })
})
