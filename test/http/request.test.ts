/**
 * The Request through the public API: attributes, body parsing and limits,
 * proxies and trusted hosts, prototype pollution; over the test client and
 * real HTTP.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Blueprint, request, type FileStorage } from '../../src/index.ts'
import { makeApp, rawRequest, rawStatus, sleep, withServer } from '../core/helpers.ts'

function echoApp() {
  const app = makeApp()
  app.route('/echo/<int:id>', { methods: ['GET', 'POST'] }, function echo() {
    return {
      method: request.method,
      url: request.url,
      path: request.path,
      fullPath: request.fullPath,
      host: request.host,
      scheme: request.scheme,
      ua: request.headers.get('User-Agent'),
      custom: request.headers.get('x-custom'),
      args: request.args.toObject({ flat: false }),
      cookies: { ...request.cookies },
      endpoint: request.endpoint,
      blueprint: request.blueprint,
      viewArgs: request.viewArgs,
      rule: request.urlRule?.rule,
      remoteAddr: request.remoteAddr,
      accessRoute: request.accessRoute,
      isSecure: request.isSecure,
      isJson: request.isJson,
    }
  })
  return app
}

describe('request attributes', () => {
  it('over the test client', async () => {
    const app = echoApp()
    const c = app.testClient()
    c.setCookie('theme', 'dark')
    const res = await c.get('/echo/5?a=1&a=2&b=x%20y', { headers: { 'X-Custom': 'yes' } })
    expect(res.json).toEqual({
      method: 'GET',
      url: 'http://localhost/echo/5?a=1&a=2&b=x%20y',
      path: '/echo/5',
      fullPath: '/echo/5?a=1&a=2&b=x%20y',
      host: 'localhost',
      scheme: 'http',
      ua: 'Phial-TestClient',
      custom: 'yes',
      args: { a: ['1', '2'], b: ['x y'] },
      cookies: { theme: 'dark' },
      endpoint: 'echo',
      blueprint: null,
      viewArgs: { id: 5 },
      rule: '/echo/<int:id>',
      remoteAddr: '127.0.0.1',
      accessRoute: ['127.0.0.1'],
      isSecure: false,
      isJson: false,
    })
    const https = await c.get('/echo/1', { scheme: 'https' })
    expect(https.json.scheme).toBe('https')
    expect(https.json.isSecure).toBe(true)
  })

  it('over real HTTP', async () => {
    const app = echoApp()
    await withServer(app, async (srv) => {
      const r = await fetch(`${srv.url}/echo/7?q=1`, { headers: { cookie: 'a=b; c=d', 'x-custom': 'h' } })
      const body = (await r.json()) as Record<string, unknown>
      expect(body).toMatchObject({
        method: 'GET',
        url: `${srv.url}/echo/7?q=1`,
        host: `127.0.0.1:${srv.port}`,
        scheme: 'http',
        custom: 'h',
        args: { q: ['1'] },
        cookies: { a: 'b', c: 'd' },
        viewArgs: { id: 7 },
        remoteAddr: '127.0.0.1',
      })
    })
  })

  it('fullPath always has a "?"; args.get with type and default; getAll', async () => {
    const app = makeApp()
    app.get('/', function index() {
      return {
        fullPath: request.fullPath,
        page: request.args.get('page', { type: Number, default: 1 }),
        bad: request.args.get('bad', { type: Number, default: 0 }),
        missing: request.args.get('missing', { default: 'd' }),
        ids: request.args.getAll('id', { type: Number }),
        tags: request.args.getAll('tag'),
      }
    })
    const c = app.testClient()
    expect((await c.get('/', { query: { page: 3, bad: 'x', id: ['1', 'x', '2'], tag: ['a', 'b'] } })).json).toEqual({
      fullPath: '/?page=3&bad=x&id=1&id=x&id=2&tag=a&tag=b',
      page: 3,
      bad: 0,
      missing: 'd',
      ids: [1, 2],
      tags: ['a', 'b'],
    })
    expect((await c.get('/')).json.fullPath).toBe('/?')
  })

  it('blueprint, blueprints and endpoint of a nested blueprint', async () => {
    const app = makeApp()
    const outer = new Blueprint('outer', import.meta.url, { urlPrefix: '/o' })
    const inner = new Blueprint('inner', import.meta.url, { urlPrefix: '/i' })
    inner.get('/', function x() { return { e: request.endpoint, b: request.blueprint, bs: request.blueprints } })
    outer.register(inner)
    app.register(outer)
    expect((await app.testClient().get('/o/i/')).json).toEqual({ e: 'outer.inner.x', b: 'outer.inner', bs: ['outer.inner', 'outer'] })
  })

  it('accept helpers', async () => {
    const app = makeApp()
    app.get('/', function index() {
      return {
        best: request.accept.mimetypes.bestMatch(['application/json', 'text/html']),
        json: request.accept.mimetypes.acceptJson,
        html: request.accept.mimetypes.acceptHtml,
        lang: request.accept.languages.bestMatch(['en', 'fr', 'de'], 'en'),
        enc: request.accept.encodings.bestMatch(['gzip', 'br']),
      }
    })
    const res = await app.testClient().get('/', {
      headers: { accept: 'text/html;q=0.5, application/json', 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.8', 'accept-encoding': 'br' },
    })
    expect(res.json).toEqual({ best: 'application/json', json: true, html: true, lang: 'fr', enc: 'br' })
  })
})

describe('proxies and trusted hosts', () => {
  const forwarded = {
    'x-forwarded-for': '203.0.113.9, 10.0.0.2',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'public.example',
    'x-forwarded-prefix': '/app',
  }

  function proxyApp() {
    const app = makeApp()
    app.get('/where', function where() {
      return { remoteAddr: request.remoteAddr, scheme: request.scheme, host: request.host, url: request.url, route: request.accessRoute, secure: request.isSecure }
    })
    app.get('/slash/', function slash() { return '' })
    return app
  }

  it('X-Forwarded-* are ignored unless TRUST_PROXY', async () => {
    const app = proxyApp()
    const res = await app.testClient().get('/where', { headers: forwarded })
    expect(res.json).toEqual({
      remoteAddr: '127.0.0.1',
      scheme: 'http',
      host: 'localhost',
      url: 'http://localhost/where',
      route: ['203.0.113.9', '10.0.0.2', '127.0.0.1'],
      secure: false,
    })
  })

  it('with TRUST_PROXY = 1 the last hop is trusted for -For and -Proto only', async () => {
    const app = proxyApp()
    app.config.TRUST_PROXY = 1
    const res = (await app.testClient().get('/where', { headers: forwarded })).json
    expect([res.remoteAddr, res.scheme, res.url]).toEqual(['10.0.0.2', 'https', `https://${res.host}/where`])
    expect(res.host).not.toBe('public.example')
  })

  it('with per-header counts the last hop is trusted for each, also for redirects', async () => {
    const app = proxyApp()
    app.config.TRUST_PROXY = { for: 1, proto: 1, host: 1, prefix: 1 }
    const c = app.testClient()
    expect((await c.get('/where', { headers: forwarded })).json).toEqual({
      remoteAddr: '10.0.0.2',
      scheme: 'https',
      host: 'public.example',
      url: 'https://public.example/app/where',
      route: ['203.0.113.9', '10.0.0.2', '127.0.0.1'],
      secure: true,
    })
    expect((await c.get('/slash', { headers: forwarded })).location).toBe('/app/slash/')
  })

  it('TRUST_PROXY = 2 trusts two hops of X-Forwarded-For', async () => {
    const app = proxyApp()
    app.config.TRUST_PROXY = 2
    expect((await app.testClient().get('/where', { headers: forwarded })).json.remoteAddr).toBe('203.0.113.9')
  })

  it('TRUSTED_HOSTS: another Host is a 400, even when the view never reads it', async () => {
    const app = makeApp()
    app.config.TRUSTED_HOSTS = ['example.com', '.example.org']
    app.get('/', function index() { return 'ok' })
    app.get('/host', function host() { return request.host })
    const c = app.testClient()
    expect((await c.get('/', { headers: { host: 'example.com' } })).text).toBe('ok')
    expect((await c.get('/host', { headers: { host: 'api.example.org:8443' } })).text).toBe('api.example.org:8443')
    const bad = await c.get('/', { headers: { host: 'evil.com' } })
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('not trusted')
    expect((await c.get('/host', { headers: { host: 'evil.com' } })).status).toBe(400)
    await withServer(app, async (srv) => {
      const r = await fetch(srv.url + '/')
      expect(r.status).toBe(400)
    })
  })
})

describe('the body', () => {
  it('is read before beforeRequest: form, json and files are synchronous in a hook', async () => {
    const app = makeApp()
    const seen: unknown[] = []
    app.beforeRequest(() => {
      if (request.isJson) seen.push(request.json)
      else seen.push(request.form.toObject(), request.files.get('f')?.filename)
    })
    app.post('/', function index() { return 'ok' })
    const c = app.testClient()
    await c.post('/', { form: { a: '1' } })
    await c.post('/', { json: { b: 2 } })
    await c.post('/', { form: { c: '3' }, files: { f: { content: 'x', filename: 'x.txt' } } })
    await withServer(app, async (srv) => {
      await fetch(srv.url + '/', { method: 'POST', body: new URLSearchParams({ d: '4' }) })
    })
    expect(seen).toEqual([{ a: '1' }, undefined, { b: 2 }, { c: '3' }, 'x.txt', { d: '4' }, undefined])
  })

  it('form, files (FileStorage.save), json, getJson, data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'phial-core-'))
    try {
      const app = makeApp()
      app.post('/form', function form() {
        return { form: request.form.toObject({ flat: false }), values: request.values.toObject(), data: request.data.length }
      })
      app.post('/upload', async function upload() {
        const file = request.files.get('doc') as FileStorage
        await file.save(join(dir, 'saved.txt'))
        return { name: file.name, filename: file.filename, type: file.contentType, size: file.size, title: request.form.get('title'), many: request.files.getAll('many').map((f) => f.filename) }
      })
      app.post('/json', function json() {
        return { json: request.json, isJson: request.isJson, again: request.getJson() }
      })
      app.post('/silent', function silent() { return { v: request.getJson({ silent: true }) } })
      app.post('/force', function force() { return { v: request.getJson({ force: true }) } })
      app.post('/raw', function raw() { return { text: request.getData({ asText: true }), len: request.data.length, type: request.mimetype } })
      const c = app.testClient()
      expect((await c.post('/form?q=1', { form: { a: ['1', '2'], b: 'x y' } })).json).toEqual({
        form: { a: ['1', '2'], b: ['x y'] },
        values: { q: '1', a: '1', b: 'x y' },
        data: 13,
      })
      const up = await c.post('/upload', {
        form: { title: 'T' },
        files: { doc: { content: 'hello file', filename: 'a.txt', contentType: 'text/plain' }, many: [{ content: '1', filename: 'one' }, { content: '2', filename: 'two' }] },
      })
      expect(up.json).toEqual({ name: 'doc', filename: 'a.txt', type: 'text/plain', size: 10, title: 'T', many: ['one', 'two'] })
      expect(readFileSync(join(dir, 'saved.txt'), 'utf8')).toBe('hello file')
      expect((await c.post('/json', { json: { a: [1, 2] } })).json).toEqual({ json: { a: [1, 2] }, isJson: true, again: { a: [1, 2] } })
      expect((await c.post('/json', { data: '{"x":1}', contentType: 'application/vnd.api+json' })).json.json).toEqual({ x: 1 })
      const notJson = await c.post('/json', { data: '{"x":1}', contentType: 'text/plain' })
      expect(notJson.status).toBe(415)
      expect((await c.post('/silent', { data: '{"x":1}', contentType: 'text/plain' })).json).toEqual({ v: null })
      expect((await c.post('/silent', { data: '{oops', contentType: 'application/json' })).json).toEqual({ v: null })
      expect((await c.post('/force', { data: '{"x":1}', contentType: 'text/plain' })).json).toEqual({ v: { x: 1 } })
      expect((await c.post('/raw', { data: 'héllo', contentType: 'text/plain; charset=utf-8' })).json).toEqual({ text: 'héllo', len: 6, type: 'text/plain' })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('malformed JSON and multipart bodies are a 400 with a message, never a crash', async () => {
    const app = makeApp()
    app.post('/json', function json() { return { v: request.json } })
    app.post('/form', function form() { return request.form.toObject() })
    const c = app.testClient()
    const bad = await c.post('/json', { data: '{"a": ', contentType: 'application/json' })
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('Failed to decode JSON object')
    const badJsonClient = await c.post('/json', { data: '{', contentType: 'application/json', headers: { accept: 'application/json' } })
    expect(badJsonClient.json.description).toMatch(/^Failed to decode JSON object/)
    const empty = await c.post('/json', { data: '', contentType: 'application/json' })
    expect(empty.status).toBe(400)
    const mp = await c.post('/form', { data: '--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nunterminated', contentType: 'multipart/form-data; boundary=xyz' })
    expect(mp.status).toBe(400)
    expect(mp.text).toMatch(/multipart/i)
    const noBoundary = await c.post('/form', { data: 'x', contentType: 'multipart/form-data' })
    expect(noBoundary.status).toBe(400)
    expect(noBoundary.text).toContain('boundary')
    await withServer(app, async (srv) => {
      const r = await fetch(srv.url + '/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1,' })
      expect(r.status).toBe(400)
      expect((await fetch(srv.url + '/json', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' })).status).toBe(200)
    })
  })

  it('MAX_CONTENT_LENGTH: 413 for a declared or a chunked body, over the test client and real HTTP', async () => {
    const app = makeApp()
    app.config.MAX_CONTENT_LENGTH = 100
    let ran = 0
    app.post('/', function index() { ran++; return `got ${request.data.length}` })
    const c = app.testClient()
    expect((await c.post('/', { data: 'x'.repeat(100) })).text).toBe('got 100')
    const big = await c.post('/', { data: 'x'.repeat(101) })
    expect(big.status).toBe(413)
    expect(ran).toBe(1)
    await withServer(app, async (srv) => {
      const declared = await rawRequest(srv.port, [`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n`, 'x'.repeat(200)])
      expect(rawStatus(declared)).toBe(413)
      expect(declared).toMatch(/connection: close/i)
      const chunk = (s: string) => `${s.length.toString(16)}\r\n${s}\r\n`
      const chunked = await rawRequest(
        srv.port,
        [`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`, chunk('a'.repeat(60)), chunk('b'.repeat(60)), chunk('c'.repeat(60))],
        { gapMs: 20 },
      )
      expect(rawStatus(chunked)).toBe(413)
      const small = await rawRequest(srv.port, [`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`, chunk('a'.repeat(50)), '0\r\n\r\n'])
      expect(rawStatus(small)).toBe(200)
      expect(small).toContain('got 50')
      const viaFetch = await fetch(srv.url + '/', { method: 'POST', body: 'y'.repeat(500) })
      expect(viaFetch.status).toBe(413)
      // the server lives on
      expect(await (await fetch(srv.url + '/', { method: 'POST', body: 'ok' })).text()).toBe('got 2')
    })
    expect(ran).toBe(3)
  })

  it('MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS: 413', async () => {
    const app = makeApp()
    app.config.MAX_FORM_MEMORY_SIZE = 50
    app.config.MAX_FORM_PARTS = 3
    app.post('/', function index() { return request.form.toObject() })
    const c = app.testClient()
    expect((await c.post('/', { form: { a: 'x'.repeat(20) } })).status).toBe(200)
    expect((await c.post('/', { form: { a: 'x'.repeat(60) }, files: {} })).status).toBe(413)
    expect((await c.post('/', { form: { a: 'x'.repeat(60) } })).status).toBe(413)
    expect((await c.post('/', { form: { a: '1', b: '2', c: '3', d: '4' } })).status).toBe(413)
    expect((await c.post('/', { form: { a: '1', b: '2', c: '3', d: '4' }, files: {} })).status).toBe(413)
    const ok = await c.post('/', { form: { a: '1', b: '2', c: '3' }, files: {} })
    expect(ok.json).toEqual({ a: '1', b: '2', c: '3' })
  })

  it('a streamBody route reads request.stream itself, past MAX_CONTENT_LENGTH if it wants', async () => {
    const app = makeApp()
    app.config.MAX_CONTENT_LENGTH = 10
    app.post('/stream', { streamBody: true }, async function stream() {
      request.maxContentLength = null // the stream is bounded by MAX_CONTENT_LENGTH unless the route says otherwise
      let n = 0
      for await (const chunk of request.stream) n += (chunk as Buffer).length
      return { n, loaded: request.bodyLoaded }
    })
    app.post('/data', { streamBody: true }, function data() { return String(request.data.length) })
    const c = app.testClient()
    expect((await c.post('/stream', { data: 'x'.repeat(1000) })).json).toEqual({ n: 1000, loaded: false })
    const err = await c.post('/data', { data: 'abc' })
    expect(err.status).toBe(500)
    await withServer(app, async (srv) => {
      const r = await fetch(srv.url + '/stream', { method: 'POST', body: 'z'.repeat(100_000) })
      expect(await r.json()).toEqual({ n: 100_000, loaded: true })
    })
  })

  it('temporary files of a large upload are removed after the request', async () => {
    const app = makeApp()
    const paths: string[] = []
    app.post('/up', async function up() {
      const f = request.files.get('big') as FileStorage
      paths.push(f.path as string)
      return { spooled: f.spooled, exists: existsSync(f.path as string), size: f.size, head: (await f.read()).subarray(0, 3).toString() }
    })
    const content = Buffer.alloc(700 * 1024, 'a')
    const res = await app.testClient().post('/up', { files: { big: { content, filename: 'big.bin' } } })
    expect(res.json).toEqual({ spooled: true, exists: true, size: content.length, head: 'aaa' })
    expect(existsSync(paths[0]!)).toBe(false)
    await withServer(app, async (srv) => {
      const form = new FormData()
      form.append('big', new Blob([content]), 'big.bin')
      const r = await fetch(srv.url + '/up', { method: 'POST', body: form })
      expect((await r.json() as { exists: boolean }).exists).toBe(true)
      for (let i = 0; i < 50 && existsSync(paths[1]!); i++) await sleep(10)
      expect(existsSync(paths[1]!)).toBe(false)
    })
  })
})

describe('prototype pollution', () => {
  it('__proto__ keys in query strings, form bodies and JSON bodies do not pollute Object.prototype', async () => {
    const app = makeApp()
    app.route('/', { methods: ['GET', 'POST'] }, function index() {
      const fromArgs = { ...request.args.toObject() }
      const fromForm = Object.assign({}, request.form.toObject())
      const json = request.getJson({ silent: true }) as Record<string, unknown> | null
      const merged = Object.assign({}, json)
      return {
        argProto: request.args.get('__proto__') ?? null,
        formProto: request.form.get('__proto__') ?? null,
        polluted: ({} as Record<string, unknown>).polluted ?? null,
        argsKeys: Object.keys(fromArgs),
        formKeys: Object.keys(fromForm),
        jsonKeys: json ? Object.keys(json) : null,
        mergedPolluted: (merged as Record<string, unknown>).polluted ?? null,
      }
    })
    const c = app.testClient()
    const q = await c.get('/?__proto__[polluted]=1&__proto__=x&constructor[prototype][polluted]=1')
    expect(q.json.polluted).toBeNull()
    expect(q.json.argProto).toBe('x')
    const f = await c.post('/', { data: '__proto__=y&a=1', contentType: 'application/x-www-form-urlencoded' })
    expect(f.json).toMatchObject({ formProto: 'y', polluted: null })
    const j = await c.post('/', { data: '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "ok": 1}', contentType: 'application/json' })
    expect(j.json).toMatchObject({ polluted: null, jsonKeys: ['ok'], mergedPolluted: null })
    await withServer(app, async (srv) => {
      await fetch(srv.url + '/?__proto__[polluted]=1', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"polluted":1}}' })
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
  })
})
