/**
 * The test client: methods, query, headers, bodies, redirects, cookie jar.
 */
import { describe, expect, it } from 'vitest'
import { Response, redirect, request } from '../../src/index.ts'
import { makeApp } from '../core/helpers.ts'

function echo() {
  const app = makeApp()
  app.route('/echo', { methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] }, function echoView() {
    return {
      method: request.method,
      query: request.args.toObject({ flat: false }),
      header: request.headers.get('x-test'),
      json: request.isJson ? request.json : null,
      form: request.form.toObject({ flat: false }),
      files: request.files.getAll('f').map((f) => [f.filename, f.contentType, f.size]),
      contentType: request.mimetype,
      remote: request.remoteAddr,
    }
  })
  return app
}

describe('test client requests', () => {
  it('get/post/put/patch/delete/head/options', async () => {
    const c = echo().testClient()
    for (const m of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      expect((await c[m]('/echo')).json.method).toBe(m.toUpperCase())
    }
    const head = await c.head('/echo')
    expect([head.status, head.text]).toEqual([200, ''])
    expect((await c.options('/echo')).headers.get('allow')).toBe('DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT')
    expect((await c.open('/echo', { method: 'put' })).json.method).toBe('PUT')
  })

  it('query (merged with the path\'s), headers, json, form, files, data, remoteAddr', async () => {
    const c = echo().testClient()
    const q = await c.get('/echo?a=1', { query: { b: 'x y', c: [1, 2], skip: undefined }, headers: { 'X-Test': 'h' }, remoteAddr: '10.1.2.3' })
    expect(q.json).toMatchObject({ query: { a: ['1'], b: ['x y'], c: ['1', '2'] }, header: 'h', remote: '10.1.2.3' })
    expect((await c.post('/echo', { json: { n: [1, { k: null }] } })).json).toMatchObject({ json: { n: [1, { k: null }] }, contentType: 'application/json' })
    expect((await c.post('/echo', { form: { a: ['1', '2'], b: 3 } })).json).toMatchObject({ form: { a: ['1', '2'], b: ['3'] }, contentType: 'application/x-www-form-urlencoded' })
    const files = await c.post('/echo', {
      form: { title: 't' },
      files: { f: [{ content: 'abc', filename: 'a.txt', contentType: 'text/plain' }, { content: new Uint8Array([1, 2]), filename: 'b.bin' }] },
    })
    expect(files.json).toMatchObject({ form: { title: ['t'] }, files: [['a.txt', 'text/plain', 3], ['b.bin', 'application/octet-stream', 2]], contentType: 'multipart/form-data' })
    expect((await c.put('/echo', { data: '{"raw":1}', contentType: 'application/json' })).json.json).toEqual({ raw: 1 })
    const custom = await c.post('/echo', { json: { a: 1 }, headers: { 'Content-Type': 'application/merge-patch+json' } })
    expect(custom.json.contentType).toBe('application/merge-patch+json')
  })

  it('TestResponse: status, headers, data, text, json, mimetype, location, request', async () => {
    const app = makeApp()
    app.get('/', function index() { return new Response('héllo', { status: 201, mimetype: 'text/plain', headers: { 'X-A': 'b' } }) })
    const res = await app.testClient().get('/')
    expect([res.status, res.statusText, res.headers.get('x-a'), res.data.length, res.text, res.mimetype, res.location, res.request.path])
      .toEqual([201, 'Created', 'b', 6, 'héllo', 'text/plain', null, '/'])
    expect(() => res.json).toThrow(SyntaxError)
  })
})

describe('redirects', () => {
  function redirectApp() {
    const app = makeApp()
    app.route('/target', { methods: ['GET', 'POST', 'PUT'] }, function target() {
      return { method: request.method, json: request.isJson ? request.json : null, form: request.form.toObject(), q: request.args.toObject() }
    })
    app.route('/r/<int:code>', { methods: ['GET', 'POST', 'PUT'] }, function r({ code }) { return redirect('/target?from=' + code, code) })
    app.get('/loop', function loop() { return redirect('/loop') })
    app.get('/chain', function chain() { return redirect('/r/302') })
    return app
  }

  it('without followRedirects the 3xx is returned', async () => {
    const res = await redirectApp().testClient().post('/r/303')
    expect([res.status, res.location]).toEqual([303, '/target?from=303'])
  })

  it('301/302/303 become GET without a body; 307/308 keep method and body', async () => {
    const c = redirectApp().testClient()
    for (const code of [301, 302, 303]) {
      const res = await c.post(`/r/${code}`, { form: { a: '1' }, followRedirects: true })
      expect(res.json).toEqual({ method: 'GET', json: null, form: {}, q: { from: String(code) } })
      expect(res.history.map((h) => h.status)).toEqual([code])
    }
    for (const code of [307, 308]) {
      const res = await c.put(`/r/${code}`, { json: { keep: true }, followRedirects: true })
      expect(res.json).toEqual({ method: 'PUT', json: { keep: true }, form: {}, q: { from: String(code) } })
    }
    const form308 = await c.post('/r/308', { form: { a: '1' }, followRedirects: true })
    expect(form308.json).toMatchObject({ method: 'POST', form: { a: '1' } })
  })

  it('chains are followed with history; a loop stops with an error', async () => {
    const c = redirectApp().testClient()
    const res = await c.get('/chain', { followRedirects: true })
    expect(res.history.map((h) => h.request.path)).toEqual(['/chain', '/r/302'])
    expect(res.request.path).toBe('/target')
    await expect(c.get('/loop', { followRedirects: true })).rejects.toThrow(/more than 20 redirects/)
  })
})

describe('cookie jar', () => {
  it('stores, sends by path, expires and deletes cookies', async () => {
    const app = makeApp()
    app.get('/set', function set() {
      return new Response('')
        .setCookie('a', '1')
        .setCookie('scoped', 's', { path: '/admin' })
        .setCookie('short', 'x', { maxAge: 0 })
    })
    app.get('/del', function del() { return new Response('').deleteCookie('a') })
    app.get('/show', function show() { return { ...request.cookies } })
    app.get('/admin/show', function adminShow() { return { ...request.cookies } })
    const c = app.testClient()
    await c.get('/set')
    expect(c.getCookie('a')).toBe('1')
    expect(c.getCookie('short')).toBeUndefined()
    expect((await c.get('/show')).json).toEqual({ a: '1' })
    expect((await c.get('/admin/show')).json).toEqual({ a: '1', scoped: 's' })
    c.setCookie('manual', 'm')
    expect((await c.get('/show')).json).toEqual({ a: '1', manual: 'm' })
    c.deleteCookie('manual')
    await c.get('/del')
    expect((await c.get('/show')).json).toEqual({})
    const other = app.testClient()
    expect((await other.get('/show')).json).toEqual({}) // each client has its own jar
  })

  it('cookies set during a redirect chain are sent on the next hop', async () => {
    const app = makeApp()
    app.post('/login', function login() { return redirect('/home', 303).setCookie('token', 't1') })
    app.get('/home', function home() { return { token: request.cookies.token ?? null } })
    const res = await app.testClient().post('/login', { followRedirects: true })
    expect(res.json).toEqual({ token: 't1' })
  })
})
